// PartnerIdentities on SQLite and MariaDB: the pseudonymous id each partner sees (keyed, per
// partner, never our number or openid), identification by counter code, by plate (parking and
// toll only, with the member's plate_recognition consent) and by an id the partner holds, one
// answer for every member a partner may not see, unlinking and relinking under a new id, one
// link out of racing first identifications, and the member's list of partners.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/testing/fake_clock.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "kv/memory/memory_kv.h"
#include "members/member_profile.h"
#include "members/partner_identities.h"
#include "members/vehicle_service.h"
#include "org/partner_store.h"
#include "tests/contract/members/members_fixture.h"
#include "tests/support/together.h"

namespace mileage::members {
namespace {

using testing::Backend;

constexpr char kPlate[] = "京A12345";

class PartnerIdentitiesTest : public MembersTest {
 protected:
  void SetUp() override {
    MembersTest::SetUp();
    if (db_ == nullptr) return;
    kv_ = std::make_unique<kv::MemoryKv>(clock_);
    codes_ = std::make_unique<MemberCodes>(data_key_, random_);
    vehicles_ = std::make_unique<VehicleService>(db(), *vehicle_vault_, *kv_, clock_);
    profiles_ = std::make_unique<MemberProfiles>(db(), clock_, random_);
    PartnerUnlinkLimits limits;
    limits.unlinks = 5;
    identities_ = std::make_unique<PartnerIdentities>(db(), data_key_, *codes_, *vehicle_vault_,
                                                      *kv_, clock_, random_, limits);
    fuel_ = NewPartner(brand_, "中石化", org::PartnerCategory::kFuel);
    parking_ = NewPartner(brand_, "捷停车", org::PartnerCategory::kParking);
    toll_ = NewPartner(brand_, "沪通高速", org::PartnerCategory::kToll);
    alice_ = NewMember("o-alice");
  }

  org::Partner NewPartner(int64_t brand, const std::string& name, org::PartnerCategory category) {
    org::Partner partner;
    partner.brand_id = brand;
    partner.name = name;
    partner.category = category;
    partner.api_key_id = "pk_" + std::to_string(++partners_);
    partner.created_at = kNow;
    partner.updated_at = kNow;
    Status status = db::InTransaction(db(), [&](db::Connection& conn) {
      MILEAGE_ASSIGN_OR_RETURN(partner.id, org::PartnerStore(conn).Insert(partner));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return partner;
  }

  members::Member NewMember(const std::string& openid, int64_t brand = 0) {
    Result<Enrollment> e = Enroll(PayerIdentity{brand == 0 ? brand_ : brand, kAppid, openid, {}});
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? e->member : members::Member();
  }

  std::string Code(const members::Member& m) {
    Result<MemberCode> code = codes_->Mint(m.brand_id, m.id, UnixSeconds(clock_.Now()));
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    return code.ok() ? code->token : "";
  }

  void AddPlate(const members::Member& m, const std::string& plate) {
    std::chrono::seconds retry_after{0};
    NewVehicle vehicle;
    vehicle.plate = plate;
    vehicle.model = "Model Y";
    MEMBERS_ASSERT_OK(
        vehicles_->Add({m.id, m.brand_id}, vehicle, UnixSeconds(clock_.Now()), &retry_after));
  }

  void SetPlateConsent(const members::Member& m, bool granted) {
    ProfileChange change;
    change.consents.push_back({ConsentKind::kPlateRecognition, granted, "2026-01"});
    MEMBERS_ASSERT_OK(profiles_->Update(m.id, change));
  }

  Result<PartnerMember> ByCode(const org::Partner& p, const members::Member& m) {
    return identities_->Identify(p, {MemberLookup::kCode, Code(m)});
  }
  Result<PartnerMember> ByPlate(const org::Partner& p, const std::string& plate) {
    return identities_->Identify(p, {MemberLookup::kPlate, plate});
  }
  Result<PartnerMember> ById(const org::Partner& p, const std::string& id) {
    return identities_->Identify(p, {MemberLookup::kPartnerMemberId, id});
  }

  // "pm_" + the first 16 bytes in hex of HMAC-SHA256(DataKey::Derive(label), text), computed
  // with the one-shot HMAC rather than the service's prepared key.
  std::string Expected(int64_t brand, int64_t partner, int64_t member, int64_t generation) {
    Result<crypto::Key256> key = data_key_.Derive("mileage/partner-member/v1");
    EXPECT_TRUE(key.ok());
    const std::string mac = crypto::HmacSha256(
        std::string_view(reinterpret_cast<const char*>(key->data()), key->size()),
        std::to_string(brand) + "|" + std::to_string(partner) + "|" + std::to_string(member) + "|" +
            std::to_string(generation));
    return "pm_" + crypto::HexEncode(std::string_view(mac).substr(0, 16));
  }

  // Every link row, "partner:member:generation:linked|unlinked", for before/after checks.
  std::string Links() {
    std::string out;
    for (const db::Row& row : QueryRows(
             "SELECT partner_id, member_id, generation, unlinked_at FROM partner_member_links "
             "ORDER BY id")) {
      out += std::to_string(row.Int(0)) + ":" + std::to_string(row.Int(1)) + ":" +
             std::to_string(row.Int(2)) + (row.IsNull(3) ? ":linked " : ":unlinked ");
    }
    return out;
  }

  static void ExpectNotFound(const Result<PartnerMember>& r, const std::string& why) {
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << why;
    EXPECT_EQ(r.status().reason(), "MEMBER_NOT_FOUND") << why;
    // One message for every reason: a partner learns nothing from it.
    EXPECT_EQ(r.status().message(), "no member matches the reference") << why;
  }

  testing::FakeClock clock_{TimePoint(std::chrono::seconds(kNow))};
  std::unique_ptr<kv::MemoryKv> kv_;
  std::unique_ptr<MemberCodes> codes_;
  std::unique_ptr<VehicleService> vehicles_;
  std::unique_ptr<MemberProfiles> profiles_;
  std::unique_ptr<PartnerIdentities> identities_;
  int partners_ = 0;
  org::Partner fuel_, parking_, toll_;
  members::Member alice_;
};

TEST_P(PartnerIdentitiesTest, TwoPartnersSeeTwoUnrelatedIds) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  Result<PartnerMember> at_fuel = ByCode(fuel_, alice_);
  Result<PartnerMember> at_parking = ByCode(parking_, alice_);
  MEMBERS_ASSERT_OK(at_fuel);
  MEMBERS_ASSERT_OK(at_parking);
  EXPECT_EQ(at_fuel->member_id, alice_.id);
  EXPECT_EQ(at_parking->member_id, alice_.id);
  EXPECT_EQ(at_fuel->tier, "silver");
  EXPECT_NE(at_fuel->partner_member_id, at_parking->partner_member_id);
  for (const std::string& id : {at_fuel->partner_member_id, at_parking->partner_member_id}) {
    EXPECT_EQ(id.size(), 35u) << id;
    EXPECT_EQ(id.substr(0, 3), "pm_");
    EXPECT_EQ(id.find(alice_.number), std::string::npos) << id;
    EXPECT_EQ(id.find("o-alice"), std::string::npos) << id;
  }
  // Keyed: each is the MAC of its own partner under the deployment's key, so neither follows
  // from the other or from our ids without the key.
  EXPECT_EQ(at_fuel->partner_member_id, Expected(brand_, fuel_.id, alice_.id, 1));
  EXPECT_EQ(at_parking->partner_member_id, Expected(brand_, parking_.id, alice_.id, 1));
  EXPECT_EQ(Links(), std::to_string(fuel_.id) + ":" + std::to_string(alice_.id) + ":1:linked " +
                         std::to_string(parking_.id) + ":" + std::to_string(alice_.id) +
                         ":1:linked ");
  // Another deployment (another data key) gives other ids for the same rows.
  crypto::Key256 other_bytes{};
  other_bytes[0] = 9;
  const crypto::DataKey other_key = crypto::DataKey::FromBytes(other_bytes);
  PartnerIdentities other(db(), other_key, *codes_, *vehicle_vault_, *kv_, clock_, random_);
  Result<std::string> elsewhere = other.PartnerMemberId(brand_, fuel_.id, alice_.id, 1);
  MEMBERS_ASSERT_OK(elsewhere);
  EXPECT_NE(*elsewhere, at_fuel->partner_member_id);
}

TEST_P(PartnerIdentitiesTest, TheSamePartnerKeepsItsIdAndRefreshesLastSeen) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  Result<PartnerMember> first = ByCode(fuel_, alice_);
  MEMBERS_ASSERT_OK(first);
  clock_.Advance(std::chrono::hours(5));
  Result<PartnerMember> again = ByCode(fuel_, alice_);
  MEMBERS_ASSERT_OK(again);
  EXPECT_EQ(again->partner_member_id, first->partner_member_id);
  clock_.Advance(std::chrono::hours(1));
  Result<PartnerMember> by_id = ById(fuel_, first->partner_member_id);
  MEMBERS_ASSERT_OK(by_id);
  EXPECT_EQ(by_id->member_id, alice_.id);
  EXPECT_EQ(by_id->partner_member_id, first->partner_member_id);
  EXPECT_EQ(by_id->tier, "silver");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM partner_member_links"), 1);
  EXPECT_EQ(QueryInt("SELECT linked_at FROM partner_member_links"), kNow);
  EXPECT_EQ(QueryInt("SELECT last_seen_at FROM partner_member_links"), kNow + 6 * 3600);
  // Within a minute a resolution by id writes nothing; after it, it refreshes last_seen_at.
  clock_.Advance(std::chrono::seconds(59));
  MEMBERS_ASSERT_OK(ById(fuel_, first->partner_member_id));
  EXPECT_EQ(QueryInt("SELECT last_seen_at FROM partner_member_links"), kNow + 6 * 3600);
  clock_.Advance(std::chrono::seconds(1));
  MEMBERS_ASSERT_OK(ById(fuel_, first->partner_member_id));
  EXPECT_EQ(QueryInt("SELECT last_seen_at FROM partner_member_links"), kNow + 6 * 3600 + 60);
}

TEST_P(PartnerIdentitiesTest, BadCodesAreRefusedWithTheCodesErrorsAndWriteNothing) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  const std::string code = Code(alice_);
  clock_.Advance(std::chrono::seconds(MemberCodes::kLifetimeS));
  Result<PartnerMember> expired = identities_->Identify(fuel_, {MemberLookup::kCode, code});
  EXPECT_EQ(expired.status().reason(), "MEMBER_CODE_EXPIRED");
  EXPECT_EQ(expired.status().code(), StatusCode::kFailedPrecondition);

  const int64_t brand_b = NewBrand("Brand B");
  const org::Partner fuel_b = NewPartner(brand_b, "B 加油", org::PartnerCategory::kFuel);
  Result<PartnerMember> foreign = ByCode(fuel_b, alice_);  // brand A's code at brand B
  EXPECT_EQ(foreign.status().reason(), "INVALID_MEMBER_CODE");
  Result<PartnerMember> garbage =
      identities_->Identify(fuel_, {MemberLookup::kCode, "mc2.1.2.3.4"});
  EXPECT_EQ(garbage.status().reason(), "INVALID_MEMBER_CODE");
  EXPECT_EQ(Links(), "");
}

TEST_P(PartnerIdentitiesTest, PlatesNeedAParkingOrTollPartnerAndTheMembersConsent) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  AddPlate(alice_, kPlate);
  // No consent recorded yet: not found, with the answer of a plate nobody holds.
  ExpectNotFound(ByPlate(parking_, kPlate), "no consent");
  ExpectNotFound(ByPlate(parking_, "沪B67890"), "unknown plate");
  SetPlateConsent(alice_, false);
  ExpectNotFound(ByPlate(parking_, kPlate), "consent withdrawn");
  EXPECT_EQ(Links(), "");

  SetPlateConsent(alice_, true);
  Result<PartnerMember> parked = ByPlate(parking_, "京a 12345");  // as typed: normalised
  MEMBERS_ASSERT_OK(parked);
  EXPECT_EQ(parked->member_id, alice_.id);
  EXPECT_EQ(parked->partner_member_id, Expected(brand_, parking_.id, alice_.id, 1));
  Result<PartnerMember> toll = ByPlate(toll_, kPlate);
  MEMBERS_ASSERT_OK(toll);
  EXPECT_EQ(toll->partner_member_id, Expected(brand_, toll_.id, alice_.id, 1));

  // A fuel partner may not look plates up at all, consent or not.
  Result<PartnerMember> fuel = ByPlate(fuel_, kPlate);
  EXPECT_EQ(fuel.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(fuel.status().reason(), "PLATE_LOOKUP_NOT_ALLOWED");
  Result<PartnerMember> malformed = ByPlate(parking_, "not a plate");
  EXPECT_EQ(malformed.status().reason(), "INVALID_PLATE");

  // Withdrawing the consent stops plate lookups; the partner's link stays.
  SetPlateConsent(alice_, false);
  ExpectNotFound(ByPlate(parking_, kPlate), "consent withdrawn later");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM partner_member_links"), 2);
}

TEST_P(PartnerIdentitiesTest, APartnerFindsOnlyItsOwnLinksAndNeverAnotherBrandsMembers) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  AddPlate(alice_, kPlate);
  SetPlateConsent(alice_, true);
  Result<PartnerMember> at_fuel = ByCode(fuel_, alice_);
  MEMBERS_ASSERT_OK(at_fuel);
  const std::string before = Links();

  // The fuel partner's id at the parking partner: not found.
  ExpectNotFound(ById(parking_, at_fuel->partner_member_id), "another partner's id");
  // An id nobody was given.
  ExpectNotFound(ById(fuel_, "pm_" + std::string(32, 'a')), "unknown id");
  Result<PartnerMember> malformed = ById(fuel_, "pm_" + std::string(32, 'A'));
  EXPECT_EQ(malformed.status().reason(), "INVALID_PARTNER_MEMBER_ID");
  EXPECT_EQ(ById(fuel_, std::to_string(alice_.id)).status().reason(), "INVALID_PARTNER_MEMBER_ID");

  // Brand B's partners: brand A's id, brand A's plate, and a code of brand B's key naming a
  // brand A member (as if brand B's key signed it) all find nothing.
  const int64_t brand_b = NewBrand("Brand B");
  const org::Partner parking_b = NewPartner(brand_b, "B 停车", org::PartnerCategory::kParking);
  ExpectNotFound(ById(parking_b, at_fuel->partner_member_id), "another brand's id");
  ExpectNotFound(ByPlate(parking_b, kPlate), "another brand's plate");
  Result<MemberCode> forged = codes_->Mint(brand_b, alice_.id, kNow);
  MEMBERS_ASSERT_OK(forged);
  ExpectNotFound(identities_->Identify(parking_b, {MemberLookup::kCode, forged->token}),
                 "brand B's code for a brand A member");
  EXPECT_EQ(Links(), before);
}

TEST_P(PartnerIdentitiesTest, SuspendedMembersAndInactivePartnersIdentifyNothing) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  Result<PartnerMember> linked = ByCode(fuel_, alice_);
  MEMBERS_ASSERT_OK(linked);
  MEMBERS_ASSERT_OK(InStore(
      [&](MemberStore& store) { return store.SetStatus(alice_.id, "suspended", kNow).status(); }));
  ExpectNotFound(ByCode(parking_, alice_), "suspended, new partner");
  ExpectNotFound(ById(fuel_, linked->partner_member_id), "suspended, known id");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM partner_member_links"), 1);

  org::Partner inactive = toll_;
  inactive.active = false;
  const members::Member bob = NewMember("o-bob");
  Result<PartnerMember> refused = ByCode(inactive, bob);
  EXPECT_EQ(refused.status().reason(), "PARTNER_INACTIVE");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM partner_member_links"), 1);
}

TEST_P(PartnerIdentitiesTest, UnlinkingRetiresTheIdAndRelinkingGivesANewOne) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  AddPlate(alice_, kPlate);
  SetPlateConsent(alice_, true);
  Result<PartnerMember> first = ByPlate(parking_, kPlate);
  MEMBERS_ASSERT_OK(first);
  MEMBERS_ASSERT_OK(ByCode(fuel_, alice_));
  std::chrono::seconds retry_after{0};
  clock_.Advance(std::chrono::minutes(3));
  MEMBERS_ASSERT_OK(identities_->Unlink(alice_.id, parking_.id, &retry_after));
  EXPECT_EQ(QueryInt("SELECT unlinked_at FROM partner_member_links WHERE partner_id = ?",
                     {db::Value(parking_.id)}),
            kNow + 180);
  ExpectNotFound(ById(parking_, first->partner_member_id), "unlinked id");
  // Idempotent: a second unlink changes nothing.
  MEMBERS_ASSERT_OK(identities_->Unlink(alice_.id, parking_.id, &retry_after));
  EXPECT_EQ(QueryInt("SELECT unlinked_at FROM partner_member_links WHERE partner_id = ?",
                     {db::Value(parking_.id)}),
            kNow + 180);

  // The next identification links again, as generation 2 under a new id.
  Result<PartnerMember> second = ByPlate(parking_, kPlate);
  MEMBERS_ASSERT_OK(second);
  EXPECT_NE(second->partner_member_id, first->partner_member_id);
  EXPECT_EQ(second->partner_member_id, Expected(brand_, parking_.id, alice_.id, 2));
  ExpectNotFound(ById(parking_, first->partner_member_id), "the old id after relinking");
  MEMBERS_ASSERT_OK(ById(parking_, second->partner_member_id));
  EXPECT_EQ(Links(), std::to_string(parking_.id) + ":" + std::to_string(alice_.id) +
                         ":1:unlinked " + std::to_string(fuel_.id) + ":" +
                         std::to_string(alice_.id) + ":1:linked " + std::to_string(parking_.id) +
                         ":" + std::to_string(alice_.id) + ":2:linked ");
}

TEST_P(PartnerIdentitiesTest, AMemberUnlinksOnlyPartnersThatKnowThem) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  const members::Member bob = NewMember("o-bob");
  MEMBERS_ASSERT_OK(ByCode(fuel_, alice_));
  const std::string before = Links();
  std::chrono::seconds retry_after{0};
  // Bob was never linked to the fuel partner (Alice was); 999999 is nobody.
  for (int64_t partner : {fuel_.id, int64_t{999999}}) {
    Status refused = identities_->Unlink(bob.id, partner, &retry_after);
    EXPECT_EQ(refused.code(), StatusCode::kNotFound) << partner;
    EXPECT_EQ(refused.reason(), "PARTNER_NOT_FOUND") << partner;
  }
  EXPECT_EQ(identities_->Unlink(bob.id, 0, &retry_after).reason(), "INVALID_ID");
  EXPECT_EQ(Links(), before);

  // The limit: 5 unlinks an hour per member in this fixture, refusals counted (Bob's two
  // above do not count against Alice).
  for (int i = 0; i < 5; ++i) {
    MEMBERS_ASSERT_OK(identities_->Unlink(alice_.id, fuel_.id, &retry_after));
  }
  Status over = identities_->Unlink(alice_.id, fuel_.id, &retry_after);
  EXPECT_EQ(over.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(over.reason(), "RATE_LIMITED");
  EXPECT_GT(retry_after.count(), 0);
}

TEST_P(PartnerIdentitiesTest, TheMemberSeesThePartnersThatKnowThem) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  const members::Member bob = NewMember("o-bob");
  MEMBERS_ASSERT_OK(ByCode(fuel_, alice_));
  clock_.Advance(std::chrono::hours(1));
  MEMBERS_ASSERT_OK(ByCode(toll_, alice_));
  MEMBERS_ASSERT_OK(ByCode(parking_, bob));
  Result<std::vector<LinkedPartner>> seen = identities_->LinkedPartners(alice_.id);
  MEMBERS_ASSERT_OK(seen);
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ((*seen)[0].partner_id, toll_.id);  // most recently seen first
  EXPECT_EQ((*seen)[0].name, "沪通高速");
  EXPECT_EQ((*seen)[0].category, org::PartnerCategory::kToll);
  EXPECT_EQ((*seen)[0].linked_at, kNow + 3600);
  EXPECT_EQ((*seen)[1].partner_id, fuel_.id);
  EXPECT_EQ((*seen)[1].last_seen_at, kNow);
  std::chrono::seconds retry_after{0};
  MEMBERS_ASSERT_OK(identities_->Unlink(alice_.id, toll_.id, &retry_after));
  seen = identities_->LinkedPartners(alice_.id);
  MEMBERS_ASSERT_OK(seen);
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].partner_id, fuel_.id);
}

// Identifies `member` at `partner` from 8 threads at once; returns the ids they were given.
std::vector<std::string> RaceIdentify(PartnerIdentities& identities, MemberCodes& codes,
                                      const org::Partner& partner, const members::Member& member) {
  constexpr int kThreads = 8;
  std::vector<std::string> ids(kThreads), errors(kThreads);
  std::vector<Result<MemberCode>> minted;
  for (int t = 0; t < kThreads; ++t) minted.push_back(codes.Mint(member.brand_id, member.id, kNow));
  testing::RunTogether(kThreads, [&](int t) {
    if (!minted[t].ok()) {
      errors[t] = minted[t].status().ToString();
      return;
    }
    Result<PartnerMember> found =
        identities.Identify(partner, {MemberLookup::kCode, minted[t]->token});
    if (found.ok()) {
      ids[t] = found->partner_member_id;
    } else {
      errors[t] = found.status().ToString();
    }
  });
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(errors[t], "") << "thread " << t;
  return ids;
}

TEST_P(PartnerIdentitiesTest, RacingFirstIdentificationsMakeOneLink) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  std::vector<std::string> ids = RaceIdentify(*identities_, *codes_, fuel_, alice_);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            std::set<std::string>{Expected(brand_, fuel_.id, alice_.id, 1)});
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM partner_member_links"), 1);

  // And after an unlink, racing relinks make one generation 2.
  std::chrono::seconds retry_after{0};
  MEMBERS_ASSERT_OK(identities_->Unlink(alice_.id, fuel_.id, &retry_after));
  ids = RaceIdentify(*identities_, *codes_, fuel_, alice_);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            std::set<std::string>{Expected(brand_, fuel_.id, alice_.id, 2)});
  EXPECT_EQ(Links(), std::to_string(fuel_.id) + ":" + std::to_string(alice_.id) + ":1:unlinked " +
                         std::to_string(fuel_.id) + ":" + std::to_string(alice_.id) + ":2:linked ");
}

// First identifications of many members at one partner at once (a partner's counters opening in
// the morning): every one succeeds with its own link. On MariaDB a locking read of the missing
// links took gap locks that made such inserts deadlock.
TEST_P(PartnerIdentitiesTest, FirstIdentificationsOfManyMembersAtOnceAllSucceed) {
  if (db_ == nullptr) GTEST_SKIP() << "backend not available";
  constexpr int kMembers = 16;
  std::vector<members::Member> people;
  for (int i = 0; i < kMembers; ++i) people.push_back(NewMember("o-crowd-" + std::to_string(i)));
  std::vector<std::string> ids(kMembers), errors(kMembers);
  std::vector<Result<MemberCode>> minted;
  for (const members::Member& m : people) minted.push_back(codes_->Mint(m.brand_id, m.id, kNow));
  testing::RunTogether(kMembers, [&](int i) {
    if (!minted[i].ok()) {
      errors[i] = minted[i].status().ToString();
      return;
    }
    Result<PartnerMember> found =
        identities_->Identify(fuel_, {MemberLookup::kCode, minted[i]->token});
    if (found.ok()) {
      ids[i] = found->partner_member_id;
    } else {
      errors[i] = found.status().ToString();
    }
  });
  for (int i = 0; i < kMembers; ++i) {
    EXPECT_EQ(errors[i], "") << "member " << i;
    EXPECT_EQ(ids[i], Expected(brand_, fuel_.id, people[i].id, 1)) << "member " << i;
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM partner_member_links"), kMembers);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartnerIdentitiesTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

}  // namespace
}  // namespace mileage::members
