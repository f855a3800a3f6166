// A member's rights over HTTP (docs/API.md "Privacy and data"): the export holds everything
// with the PII opened for the member; the deletion leaves no table and column of the database
// (listed from the catalogue, so a table added later is covered) holding the member's phone,
// plate, VIN, openid or unionid in clear, as their keyed hashes or sealed so that it opens to
// them; the ledger still sums to zero; the same payer paying again becomes a new member; bad
// input, replays and other members' data refused with nothing written.
#include <set>
#include <string>
#include <vector>

#include "crypto/data_key.h"
#include "crypto/digest.h"
#include "crypto/field_cipher.h"
#include "crypto/hex.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

constexpr const char* kPhone = "13800138000";
constexpr const char* kPlate = "京A12345";
constexpr const char* kVin = "LVSHCAMB1CE054249";
constexpr const char* kBobPhone = "13900139000";
constexpr const char* kBobPlate = "沪B67890";

// What the scan found of one person's data: "<table>.<column #>: <what>" per hit.
using Hits = std::vector<std::string>;

// The person's PII in every form the deletion must remove: the clear texts, their keyed hashes
// (computed here from the data key and the hash labels of the storage format, not through the
// vaults under test) and the field-cipher contexts their sealed copies are bound to.
struct Traces {
  std::vector<std::string> clear;
  std::vector<std::string> hashes;
  std::vector<std::string> contexts;
};

std::string Hmac(const crypto::DataKey& key, std::string_view label, std::string_view text) {
  Result<crypto::Key256> derived = key.Derive(label);
  EXPECT_TRUE(derived.ok());
  crypto::HmacSha256Key mac(*derived);
  Result<crypto::Digest256> digest = mac.Sign(text);
  EXPECT_TRUE(digest.ok());
  return crypto::HexEncode(*digest);
}

class MpPrivacyTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    Result<crypto::DataKey> key = crypto::DataKey::FromHex(config_.data_key);
    ASSERT_TRUE(key.ok());
    key_.emplace(*key);
    cipher_ =
        std::make_unique<crypto::FieldCipher>(*key_, std::span<const crypto::DataKey>(), random_);
  }

  // A member with everything: a payment, a phone, a vehicle with a VIN, a profile.
  SignedIn Furnished(const std::string& code, const std::string& phone, const std::string& plate,
                     const std::string& vin) {
    Pay(code, 8800);
    SignedIn member = SignIn(code);
    MpReply bound =
        Send("POST", "/api/mp/phone", member.token, R"({"code":"phone-)" + phone + R"("})");
    EXPECT_EQ(bound.status, 200) << bound.body;
    std::string body = R"({"plate":")" + plate + R"(","model":"Model Y")";
    if (!vin.empty()) body += R"(,"vin":")" + vin + R"(")";
    MpReply added = Send("POST", "/api/mp/vehicles", member.token, body + "}");
    EXPECT_EQ(added.status, 201) << added.body;
    MpReply profile = Send("PATCH", "/api/mp/profile", member.token,
                           R"({"nickname":"Alice","birthday":"1990-05-17"})");
    EXPECT_EQ(profile.status, 200) << profile.body;
    return member;
  }

  Traces TracesOf(const std::string& code, int64_t member_id, const std::string& phone,
                  const std::string& plate, const std::string& vin) {
    Traces t;
    t.clear = {phone, plate, OpenidOf(code), UnionidOf(code)};
    t.hashes = {Hmac(*key_, "mileage/member-phone-hash/v1", phone),
                Hmac(*key_, "mileage/vehicle-plate-hash/v1", plate)};
    if (!vin.empty()) {
      t.clear.push_back(vin);
      t.hashes.push_back(Hmac(*key_, "mileage/vehicle-vin-hash/v1", vin));
    }
    const std::string owner = std::to_string(brand_) + ":" + std::to_string(member_id);
    t.contexts = {"member_identities.phone:" + std::to_string(brand_), "vehicles.plate:" + owner,
                  "vehicles.vin:" + owner};
    return t;
  }

  // Every table of the database, from the catalogue.
  std::vector<std::string> Tables() {
    const bool sqlite = app().db().dialect() == db::Dialect::kSqlite;
    std::vector<std::string> out;
    Result<db::PooledConnection> conn = app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return out;
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
               : "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
        {});
    EXPECT_TRUE(rows.ok());
    if (!rows.ok()) return out;
    for (const db::Row& row : *rows) out.push_back(row.Text(0));
    return out;
  }

  // Every value of every column of every row of every table that holds one of `t`'s forms.
  Hits Scan(const Traces& t) {
    Hits hits;
    const std::vector<std::string> tables = Tables();
    EXPECT_GT(tables.size(), 40u) << "the catalogue lists every table";
    Result<db::PooledConnection> conn = app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return hits;
    for (const std::string& table : tables) {
      Result<std::vector<db::Row>> rows = (*conn)->Query("SELECT * FROM " + table, {});
      EXPECT_TRUE(rows.ok()) << table << ": " << rows.status().ToString();
      if (!rows.ok()) continue;
      for (const db::Row& row : *rows) {
        for (size_t i = 0; i < row.size(); ++i) {
          const std::string* text = std::get_if<std::string>(&row.value(i));
          if (text == nullptr || text->empty()) continue;
          const std::string where = table + "." + std::to_string(i) + ": ";
          for (const std::string& clear : t.clear) {
            if (text->find(clear) != std::string::npos) hits.push_back(where + "clear " + clear);
          }
          for (const std::string& hash : t.hashes) {
            if (text->find(hash) != std::string::npos) hits.push_back(where + "hash");
          }
          if (text->rfind("v1.", 0) != 0) continue;
          // A context may be shared (a brand's phones): what counts is opening to a value.
          for (const std::string& context : t.contexts) {
            Result<std::string> opened = cipher_->Open(*text, context);
            if (!opened.ok()) continue;
            for (const std::string& clear : t.clear) {
              if (*opened == clear) hits.push_back(where + "sealed " + context);
            }
          }
        }
      }
    }
    return hits;
  }

  MpReply Export(const std::string& token) { return Send("POST", "/api/mp/privacy/export", token); }
  MpReply Delete(const std::string& token, const std::string& body = R"({"confirm":true})") {
    return Send("POST", "/api/mp/privacy/deletion", token, body);
  }

  // The values of `column` in section `name` of an export.
  static std::vector<std::string> Column(const MpReply& reply, const char* name,
                                         const char* column) {
    std::vector<std::string> out;
    if (!reply.json.IsObject() || !reply.json.HasMember("sections")) return out;
    const rapidjson::Value& sections = reply.json["sections"];
    if (!sections.HasMember(name)) return out;
    for (const auto& row : sections[name].GetArray()) {
      const rapidjson::Value& v = row[column];
      if (v.IsString()) out.emplace_back(v.GetString());
      if (v.IsInt64()) out.push_back(std::to_string(v.GetInt64()));
      if (v.IsNull()) out.emplace_back("null");
    }
    return out;
  }

  std::optional<crypto::DataKey> key_;
  std::unique_ptr<crypto::FieldCipher> cipher_;
};

TEST_P(MpPrivacyTest, ExportHoldsEverythingWithThePiiOpenedForTheMemberAndIsAudited) {
  const SignedIn alice = Furnished("alice", kPhone, kPlate, kVin);
  const SignedIn bob = Furnished("bob", kBobPhone, kBobPlate, "");
  MpReply reply = Export(alice.token);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json["member_id"].GetInt64(), alice.id);
  EXPECT_EQ(Column(reply, "member", "id"), std::vector<std::string>{std::to_string(alice.id)});
  const std::vector<std::string> identities = Column(reply, "identities", "value");
  const std::set<std::string> held(identities.begin(), identities.end());
  EXPECT_TRUE(held.count(kPhone)) << reply.body;
  EXPECT_TRUE(held.count(OpenidOf("alice"))) << reply.body;
  EXPECT_EQ(Column(reply, "vehicles", "plate"), std::vector<std::string>{kPlate});
  EXPECT_EQ(Column(reply, "vehicles", "vin"), std::vector<std::string>{kVin});
  EXPECT_EQ(Column(reply, "profile", "nickname"), std::vector<std::string>{"Alice"});
  EXPECT_EQ(Column(reply, "profile", "birthday"), std::vector<std::string>{"1990-05-17"});
  EXPECT_EQ(Column(reply, "payments", "payer_openid"), std::vector<std::string>{OpenidOf("alice")});
  EXPECT_EQ(Column(reply, "payments", "amount_fen"), std::vector<std::string>{"8800"});
  EXPECT_EQ(Column(reply, "point_journals", "points").size(), 1u) << reply.body;
  for (const char* section : {"consents", "coupons", "refunds", "appointments", "activity_signups",
                              "subscriptions", "point_lots", "care_greetings"}) {
    EXPECT_TRUE(reply.json["sections"].HasMember(section)) << section;
  }
  // Nothing of bob's.
  for (const char* other : {kBobPhone, kBobPlate}) {
    EXPECT_EQ(reply.body.find(other), std::string::npos) << other;
  }
  EXPECT_EQ(reply.body.find(OpenidOf("bob")), std::string::npos);
  // Recorded: who and when, not what.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM privacy_requests WHERE kind = 'export' AND member_id = " +
                   std::to_string(alice.id)),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'member.export' AND "
                   "object_id = " +
                   std::to_string(alice.id)),
            1);
  EXPECT_EQ(
      Scalar("SELECT COUNT(*) FROM privacy_requests WHERE member_id = " + std::to_string(bob.id)),
      0);
}

TEST_P(MpPrivacyTest, ExportsAreRateLimitedPerMember) {
  const SignedIn alice = SignIn("alice");
  const SignedIn bob = SignIn("bob");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Export(alice.token).status, 200) << i;
  MpReply refused = Export(alice.token);
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.code(), "RATE_LIMITED");
  EXPECT_FALSE(refused.Header("Retry-After").empty());
  EXPECT_EQ(
      Scalar("SELECT COUNT(*) FROM privacy_requests WHERE member_id = " + std::to_string(alice.id)),
      3)
      << "a refused export is not recorded";
  EXPECT_EQ(Export(bob.token).status, 200) << "another member has their own limit";
}

TEST_P(MpPrivacyTest, DeletionLeavesNoTraceInAnyTableAndKeepsTheLedger) {
  const SignedIn alice = Furnished("alice", kPhone, kPlate, kVin);
  const SignedIn bob = Furnished("bob", kBobPhone, kBobPlate, "");
  const Traces of_alice = TracesOf("alice", alice.id, kPhone, kPlate, kVin);
  const Traces of_bob = TracesOf("bob", bob.id, kBobPhone, kBobPlate, "");
  const Hits before = Scan(of_alice);
  // The scan sees every form: clear openids, the phone and plate hashes, sealed copies.
  EXPECT_GE(before.size(), 6u) << ::testing::PrintToString(before);
  const int64_t balance_before =
      Scalar("SELECT balance FROM point_accounts WHERE kind = 'member' AND owner_id = " +
             std::to_string(alice.id));
  ASSERT_GT(balance_before, 0);

  MpReply deleted = Delete(alice.token);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json["member_id"].GetInt64(), alice.id);
  EXPECT_TRUE(deleted.json["erased_now"].GetBool());

  const Hits after = Scan(of_alice);
  EXPECT_TRUE(after.empty()) << ::testing::PrintToString(after);
  EXPECT_FALSE(Scan(of_bob).empty()) << "bob's data is untouched";
  const std::string id = std::to_string(alice.id);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members WHERE status = 'deleted' AND deleted_at IS NOT "
                   "NULL AND id = " +
                   id),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members WHERE status = 'deleted'"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM member_identities WHERE member_id = " + id), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM vehicles WHERE member_id = " + id), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM member_profiles WHERE member_id = " + id), 0);
  // The payment stays for reconciliation, without the openid.
  EXPECT_EQ(Scalar("SELECT SUM(amount_fen) FROM payment_transactions WHERE member_id = " + id),
            8800);
  // The ledger: the balance stays on the anonymous account, every journal and the whole ledger
  // sum to zero.
  EXPECT_EQ(Scalar("SELECT balance FROM point_accounts WHERE kind = 'member' AND owner_id = " + id),
            balance_before);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM point_entries"),
            Scalar("SELECT COUNT(*) FROM "
                   "point_entries WHERE amount <> 0"));
  EXPECT_EQ(Scalar("SELECT COALESCE(SUM(amount), 0) FROM point_entries"), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM (SELECT journal_id FROM point_entries GROUP BY "
                   "journal_id HAVING SUM(amount) <> 0) x"),
            0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM privacy_requests WHERE kind = 'deletion' AND "
                   "member_id = " +
                   id),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'member.delete' AND "
                   "object_id = " +
                   id),
            1);
  // The session is over, and a replayed request is refused with nothing written.
  MpReply ended = Me(alice.token);
  EXPECT_EQ(ended.status, 401);
  EXPECT_EQ(ended.code(), "SESSION_ENDED") << "a deleted member is not a suspended one";
  MpReply replayed = Delete(alice.token);
  EXPECT_EQ(replayed.status, 401) << replayed.body;
  EXPECT_EQ(Export(alice.token).status, 401);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM privacy_requests WHERE kind = 'deletion'"), 1);
  EXPECT_EQ(Me(bob.token).status, 200);
}

TEST_P(MpPrivacyTest, DeletionDropsTheReferralCodeAndBlanksTheRatingsText) {
  const SignedIn alice = Furnished("alice", kPhone, kPlate, kVin);
  const std::string id = std::to_string(alice.id);
  MpReply code = Send("GET", "/api/mp/referrals/code", alice.token);
  ASSERT_EQ(code.status, 200) << code.body;
  const std::string shared = code.json["code"].GetString();
  // A rating of alice's payment with a comment and a staff note that name her (written here:
  // the rating routes have their own tests).
  Result<db::PooledConnection> conn = app().db().Acquire();
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)
                  ->Exec("INSERT INTO feedback_ratings (brand_id, region_id, dealer_id, store_id, "
                         "member_id, visit_kind, visit_id, visited_at, score, comment, rated_at, "
                         "rated_day, follow_up_state, follow_up_note) SELECT brand_id, region_id, "
                         "dealer_id, store_id, member_id, 'payment', id, paid_at, 3, ?, paid_at, 0, "
                         "'contacted', ? FROM payment_transactions WHERE member_id = ?",
                         {db::Value(std::string("艾丽斯说洗车太慢")),
                          db::Value(std::string("已致电艾丽斯")), db::Value(alice.id)})
                  .ok());
  MpReply before = Export(alice.token);
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(Column(before, "referral_code", "code"), std::vector<std::string>{shared});
  EXPECT_EQ(Column(before, "feedback_ratings", "comment"),
            std::vector<std::string>{"艾丽斯说洗车太慢"});

  ASSERT_EQ(Delete(alice.token).status, 200);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM referral_codes WHERE member_id = " + id), 0);
  // The score stays in NPS as an anonymous figure; the text is gone.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM feedback_ratings WHERE score = 3 AND comment = '' AND "
                   "follow_up_note = '' AND member_id = " +
                   id),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM feedback_ratings"), 1);
}

TEST_P(MpPrivacyTest, ARepeatedDeletionChangesNothing) {
  const SignedIn alice = Furnished("alice", kPhone, kPlate, kVin);
  privacy::Requester who{alice.id, brand_, kAppid, "127.0.0.1"};
  Result<privacy::Deletion> first = app().member_rights().Delete(who);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->erased_now);
  clock_.Advance(std::chrono::hours(1));
  Result<privacy::Deletion> again = app().member_rights().Delete(who);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->erased_now);
  EXPECT_EQ(again->deleted_at, first->deleted_at);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM privacy_requests WHERE kind = 'deletion'"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'member.delete'"), 1);
  // A member of another brand's id is not found (the requester's brand is checked).
  privacy::Requester stranger{alice.id, brand_ + 1000, kAppid, "127.0.0.1"};
  Result<privacy::Deletion> foreign = app().member_rights().Delete(stranger);
  EXPECT_EQ(foreign.status().reason(), "MEMBER_NOT_FOUND");
}

TEST_P(MpPrivacyTest, TheSamePayerAfterDeletionIsANewMemberAndTheExportsShowTheDifference) {
  const SignedIn alice = Furnished("alice", kPhone, kPlate, kVin);
  MpReply before = Export(alice.token);
  ASSERT_EQ(before.status, 200) << before.body;
  ASSERT_EQ(Delete(alice.token).status, 200);

  Pay("alice", 5000);
  const SignedIn again = SignIn("alice");
  EXPECT_NE(again.id, alice.id);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions WHERE member_id = " +
                   std::to_string(again.id)),
            1);
  MpReply after = Export(again.token);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(Column(after, "member", "id"), std::vector<std::string>{std::to_string(again.id)});
  EXPECT_EQ(Column(after, "payments", "amount_fen"), std::vector<std::string>{"5000"});
  EXPECT_TRUE(Column(after, "vehicles", "plate").empty());
  EXPECT_TRUE(Column(after, "profile", "nickname").empty());
  const std::vector<std::string> identities = Column(after, "identities", "value");
  EXPECT_EQ(std::count(identities.begin(), identities.end(), std::string(kPhone)), 0);
  EXPECT_EQ(Column(before, "vehicles", "plate"), std::vector<std::string>{kPlate});
  EXPECT_EQ(Column(before, "payments", "amount_fen"), std::vector<std::string>{"8800"});
  // The phone is free again: the new member may bind it.
  MpReply bound = Send("POST", "/api/mp/phone", again.token,
                       std::string(R"({"code":"phone-)") + kPhone + R"("})");
  EXPECT_EQ(bound.status, 200) << bound.body;
}

TEST_P(MpPrivacyTest, BadDeletionRequestsAreRefusedWithNothingWritten) {
  const SignedIn alice = Furnished("alice", kPhone, kPlate, kVin);
  const auto written = Written();
  struct Case {
    std::string body;
    std::string code;
  };
  for (const Case& c : std::vector<Case>{{"", "CONFIRMATION_REQUIRED"},
                                         {"{}", "CONFIRMATION_REQUIRED"},
                                         {R"({"confirm":false})", "CONFIRMATION_REQUIRED"},
                                         {R"({"confirm":"yes"})", "INVALID_FIELD"},
                                         {R"({"confirm":true,"member_id":2})", "UNKNOWN_FIELD"},
                                         {"[true]", "BODY_NOT_OBJECT"},
                                         {"{", "MALFORMED_JSON"}}) {
    MpReply refused = Delete(alice.token, c.body);
    EXPECT_EQ(refused.status, 400) << c.body << ": " << refused.body;
    EXPECT_EQ(refused.code(), c.code) << c.body << ": " << refused.body;
  }
  EXPECT_EQ(Written(), written);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM privacy_requests"), 0);
  EXPECT_EQ(Me(alice.token).status, 200);
  // Without a member session: no token, a wrong token, a console token.
  EXPECT_EQ(Delete("").status, 401);
  EXPECT_EQ(Delete("mmt1.forged").status, 401);
  EXPECT_EQ(Delete(StaffToken()).status, 401);
  EXPECT_EQ(Export(StaffToken()).status, 401);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members WHERE status = 'deleted'"), 0);
}

MILEAGE_MP_TEST_SUITE(MpPrivacyTest);

}  // namespace
}  // namespace mileage::testing
