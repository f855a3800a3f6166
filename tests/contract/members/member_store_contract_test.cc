// MemberStore, the tier downgrade job and the member directory on SQLite and MariaDB.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "members/member_directory.h"
#include "members/rules.h"
#include "members/tier_job.h"
#include "members/validation.h"
#include "tests/contract/members/members_fixture.h"
#include "tests/support/counting_connection.h"

namespace mileage::members {
namespace {

using testing::Backend;

std::vector<std::string> Describe(const std::vector<Identity>& identities) {
  std::vector<std::string> out;
  for (const Identity& i : identities) {
    out.push_back(std::string(IdentityKindName(i.kind)) + ":" + i.appid + ":" + i.value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

using testing::CountingConnection;

class MemberStoreTest : public MembersTest {
 protected:
  std::vector<Identity> IdentitiesOf(int64_t member_id) {
    std::vector<Identity> out;
    Status status = InStore([&](MemberStore& store) {
      MILEAGE_ASSIGN_OR_RETURN(out, store.Identities(member_id));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return out;
  }
  Status Record(int64_t member_id, int64_t spend, int64_t visits, int64_t at) {
    return InStore(
        [&](MemberStore& store) { return store.RecordActivity(member_id, spend, visits, at); });
  }
  MemberStore::Activity Rolling(int64_t member_id, int64_t now) {
    MemberStore::Activity out;
    Status status = InStore([&](MemberStore& store) {
      MILEAGE_ASSIGN_OR_RETURN(out, store.RollingActivity(member_id, now));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return out;
  }
  Result<std::optional<TierChange>> Upgrade(int64_t member_id, int64_t now,
                                            const TierPolicy& policy = TierPolicy{}) {
    std::optional<TierChange> out;
    Status status = InStore([&](MemberStore& store) {
      MILEAGE_ASSIGN_OR_RETURN(out, store.UpgradeIfQualified(member_id, policy, now));
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return out;
  }
  std::string TierOf(int64_t member_id) {
    std::vector<db::Row> rows =
        QueryRows("SELECT tier FROM members WHERE id = ?", {db::Value(member_id)});
    return rows.empty() ? "" : rows.front().Text(0);
  }
  std::optional<int64_t> FirstPaidAt(int64_t member_id) {
    std::vector<db::Row> rows =
        QueryRows("SELECT first_paid_at FROM members WHERE id = ?", {db::Value(member_id)});
    return rows.empty() ? std::nullopt : rows.front().OptionalInt(0);
  }
  // (last_visit_at, last_visit_store_id); -1 for a NULL time.
  std::pair<int64_t, int64_t> LastVisit(int64_t member_id) {
    std::vector<db::Row> rows =
        QueryRows("SELECT last_visit_at, last_visit_store_id FROM members WHERE id = ?",
                  {db::Value(member_id)});
    if (rows.empty()) return {-2, -2};
    return {rows.front().OptionalInt(0).value_or(-1), rows.front().Int(1)};
  }
  std::optional<int64_t> BelowSinceOf(int64_t member_id) {
    std::vector<db::Row> rows =
        QueryRows("SELECT tier_below_since FROM members WHERE id = ?", {db::Value(member_id)});
    return rows.empty() ? std::nullopt : rows.front().OptionalInt(0);
  }
  std::vector<TierChange> HistoryOf(int64_t member_id) {
    std::vector<TierChange> out;
    Status status = InStore([&](MemberStore& store) {
      MILEAGE_ASSIGN_OR_RETURN(out, store.TierHistory(member_id));
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return out;
  }
  Status AttachPhone(int64_t member_id, int64_t brand_id, const std::string& phone) {
    return InStore([&](MemberStore& store) {
      return store.AttachPhone(member_id, brand_id, phone, *vault_, kNow);
    });
  }
  // A member of `tier` (set directly: the job's tests start from a tier, not from history).
  int64_t MemberInTier(const std::string& openid, const std::string& tier) {
    Result<Enrollment> e = Enroll(Payer(openid));
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    if (!e.ok()) return 0;
    Status status = InStore([&](MemberStore& store) {
      return store.ChangeTier(e->member.id, "silver", tier, "test setup", kNow - 400 * kDay)
          .status();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return e->member.id;
  }
};

TEST_P(MemberStoreTest, EnrollCreatesMemberWithIdentities) {
  if (db_ == nullptr) return;
  PayerIdentity payer = Payer("o_payer_1");
  payer.unionid = "u_union_1";
  Result<Enrollment> enrolled = Enroll(payer);
  MEMBERS_ASSERT_OK(enrolled);
  EXPECT_TRUE(enrolled->created);
  const Member& m = enrolled->member;
  EXPECT_GT(m.id, 0);
  EXPECT_EQ(m.brand_id, brand_);
  EXPECT_TRUE(IsValidMemberNumber(m.number)) << m.number;
  EXPECT_EQ(m.tier, "silver");
  EXPECT_EQ(m.status, "active");
  EXPECT_EQ(m.enrolled_via, "wechat_pay");
  EXPECT_EQ(m.enrolled_store_id, 7);
  EXPECT_EQ(m.created_at, kNow);
  EXPECT_EQ(
      Describe(IdentitiesOf(m.id)),
      (std::vector<std::string>{"openid:wx1234567890abcdef:o_payer_1", "unionid::u_union_1"}));

  // What was committed is what the finders read back.
  Status status = InStore([&](MemberStore& store) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> by_id, store.Find(m.id));
    EXPECT_TRUE(by_id.has_value() && by_id->number == m.number && by_id->enrolled_store_id == 7);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> by_number, store.FindByNumber(m.number));
    EXPECT_TRUE(by_number.has_value() && by_number->id == m.id);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> by_openid,
                             store.FindByOpenid(brand_, kAppid, "o_payer_1"));
    EXPECT_TRUE(by_openid.has_value() && by_openid->id == m.id);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> other_app,
                             store.FindByOpenid(brand_, "wxother", "o_payer_1"));
    EXPECT_FALSE(other_app.has_value());
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> missing, store.Find(m.id + 1000));
    EXPECT_FALSE(missing.has_value());
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> bad_number, store.FindByNumber("12"));
    EXPECT_FALSE(bad_number.has_value());
    return Status::Ok();
  });
  MEMBERS_ASSERT_OK(status);
}

TEST_P(MemberStoreTest, SecondCallFindsTheSameMember) {
  if (db_ == nullptr) return;
  Result<Enrollment> first = Enroll(Payer("o_payer_1"));
  MEMBERS_ASSERT_OK(first);
  Result<Enrollment> second = Enroll(Payer("o_payer_1"), kNow + 60);
  MEMBERS_ASSERT_OK(second);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->member.id, first->member.id);
  EXPECT_EQ(second->member.number, first->member.number);
  EXPECT_EQ(second->member.created_at, kNow);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM members"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM member_identities"), 1);
}

TEST_P(MemberStoreTest, ReturningPayerCostsOneQuery) {
  if (db_ == nullptr) return;
  PayerIdentity payer = Payer("o_hot");
  payer.unionid = "u_hot";
  MEMBERS_ASSERT_OK(Enroll(payer));
  for (bool with_unionid : {true, false}) {
    PayerIdentity again = Payer("o_hot");
    if (with_unionid) again.unionid = "u_hot";
    int statements = -1;
    Status status = db::InTransaction(db(), [&](db::Connection& conn) {
      CountingConnection counting(conn);
      MemberStore store(counting, random_);
      MILEAGE_ASSIGN_OR_RETURN(Enrollment e,
                               store.FindOrEnroll(again, "silver", "wechat_pay", 7, kNow));
      EXPECT_FALSE(e.created);
      statements = counting.statements();
      return Status::Ok();
    });
    MEMBERS_ASSERT_OK(status);
    EXPECT_EQ(statements, 1) << "with unionid: " << with_unionid;
  }
}

TEST_P(MemberStoreTest, SamePayerInAnotherBrandOrAppIsAnotherMember) {
  if (db_ == nullptr) return;
  const int64_t brand_b = NewBrand("Brand B");
  Result<Enrollment> a = Enroll(Payer("o_same"));
  PayerIdentity in_b = Payer("o_same");
  in_b.brand_id = brand_b;
  Result<Enrollment> b = Enroll(in_b);
  PayerIdentity other_app = Payer("o_same");
  other_app.appid = "wxotherapp";
  Result<Enrollment> c = Enroll(other_app);
  MEMBERS_ASSERT_OK(a);
  MEMBERS_ASSERT_OK(b);
  MEMBERS_ASSERT_OK(c);
  EXPECT_TRUE(b->created);
  EXPECT_TRUE(c->created);
  EXPECT_EQ(b->member.brand_id, brand_b);
  EXPECT_NE(a->member.id, b->member.id);
  EXPECT_NE(a->member.id, c->member.id);
  EXPECT_NE(a->member.number, b->member.number);
}

TEST_P(MemberStoreTest, UnionidAttachesOnceAndStaysUniquePerBrand) {
  if (db_ == nullptr) return;
  // Enrolled without a unionid; a later call that knows it attaches it.
  Result<Enrollment> first = Enroll(Payer("o_app1"));
  MEMBERS_ASSERT_OK(first);
  PayerIdentity with_union = Payer("o_app1");
  with_union.unionid = "u_shared";
  Result<Enrollment> again = Enroll(with_union);
  MEMBERS_ASSERT_OK(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->member.id, first->member.id);
  EXPECT_EQ(Describe(IdentitiesOf(first->member.id)),
            (std::vector<std::string>{"openid:wx1234567890abcdef:o_app1", "unionid::u_shared"}));

  // The same person through another appid is enrolled as another member, but the unionid stays
  // with the first (joining them is an explicit merge).
  PayerIdentity other_app{brand_, "wxotherapp", "o_app2", std::string("u_shared")};
  Result<Enrollment> second = Enroll(other_app);
  MEMBERS_ASSERT_OK(second);
  EXPECT_TRUE(second->created);
  EXPECT_NE(second->member.id, first->member.id);
  EXPECT_EQ(Describe(IdentitiesOf(second->member.id)),
            (std::vector<std::string>{"openid:wxotherapp:o_app2"}));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM member_identities WHERE kind = 'unionid'"), 1);

  // A member that has a unionid does not collect a second one.
  PayerIdentity different_union = Payer("o_app1");
  different_union.unionid = "u_other";
  MEMBERS_ASSERT_OK(Enroll(different_union));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM member_identities WHERE member_id = ?",
                     {db::Value(first->member.id)}),
            2);
}

TEST_P(MemberStoreTest, NumberCollisionDrawsAgain) {
  if (db_ == nullptr) return;
  // Two stores whose random sources replay the same sequence: the second store's first number
  // is taken, so it must draw again.
  std::string first_number;
  std::string second_number;
  for (const char* openid : {"o_first", "o_second"}) {
    testing::FakeRandom same_seed(99);
    Status status = db::InTransaction(db(), [&](db::Connection& conn) {
      MemberStore store(conn, same_seed);
      MILEAGE_ASSIGN_OR_RETURN(Enrollment e,
                               store.FindOrEnroll(Payer(openid), "silver", "console", 0, kNow));
      (first_number.empty() ? first_number : second_number) = e.member.number;
      return Status::Ok();
    });
    MEMBERS_ASSERT_OK(status);
  }
  testing::FakeRandom replay(99);
  EXPECT_EQ(first_number, NewMemberNumber(replay));
  EXPECT_NE(second_number, first_number);
  EXPECT_TRUE(IsValidMemberNumber(second_number));
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM members"), 2);
}

TEST_P(MemberStoreTest, ActivityAccumulatesPerCalendarMonth) {
  if (db_ == nullptr) return;
  Result<Enrollment> e = Enroll(Payer("o_active"));
  MEMBERS_ASSERT_OK(e);
  const int64_t id = e->member.id;
  // Months are Beijing months (UTC+8).
  const int64_t jan31_late = 1706716799;  // 2024-01-31 23:59:59 Beijing
  const int64_t feb1 = 1706716800;        // 2024-02-01 00:00:00 Beijing
  MEMBERS_ASSERT_OK(Record(id, 10000, 1, jan31_late - 86400));
  MEMBERS_ASSERT_OK(Record(id, 25000, 1, jan31_late));
  MEMBERS_ASSERT_OK(Record(id, 5000, 1, feb1));
  MEMBERS_ASSERT_OK(Record(id, -2000, 0, feb1 + 3600));  // a partial refund
  std::vector<db::Row> rows = QueryRows(
      "SELECT month, spend_fen, visits FROM member_activity WHERE member_id = ? ORDER BY month",
      {db::Value(id)});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Int(0), 202401);
  EXPECT_EQ(rows[0].Int(1), 35000);
  EXPECT_EQ(rows[0].Int(2), 2);
  EXPECT_EQ(rows[1].Int(0), 202402);
  EXPECT_EQ(rows[1].Int(1), 3000);
  EXPECT_EQ(rows[1].Int(2), 1);
  const MemberStore::Activity rolling = Rolling(id, kNow);
  EXPECT_EQ(rolling.spend_fen, 38000);
  EXPECT_EQ(rolling.visits, 3);
}

TEST_P(MemberStoreTest, RollingActivityCountsOnlyTheLastTwelveMonths) {
  if (db_ == nullptr) return;
  Result<Enrollment> e = Enroll(Payer("o_window"));
  MEMBERS_ASSERT_OK(e);
  const int64_t id = e->member.id;
  // kNow is in 2024-03: the window is 2023-04 .. 2024-03.
  // Beijing times (UTC+8), as months are Beijing months.
  MEMBERS_ASSERT_OK(Record(id, 1, 1, 1680278399));     // 2023-03-31 23:59:59: outside
  MEMBERS_ASSERT_OK(Record(id, 10, 1, 1680278400));    // 2023-04-01 00:00:00: first month
  MEMBERS_ASSERT_OK(Record(id, 100, 1, kNow));         // this month
  MEMBERS_ASSERT_OK(Record(id, 1000, 1, 1711900800));  // 2024-04-01: after now, outside
  MemberStore::Activity rolling = Rolling(id, kNow);
  EXPECT_EQ(rolling.spend_fen, 110);
  EXPECT_EQ(rolling.visits, 2);
  // A month later the window has moved by one month.
  rolling = Rolling(id, 1711900800 + 10 * kDay);
  EXPECT_EQ(rolling.spend_fen, 1100);
  EXPECT_EQ(rolling.visits, 2);
  EXPECT_EQ(Rolling(id + 1000, kNow).spend_fen, 0);
}

TEST_P(MemberStoreTest, UpgradeRecordsTheChangeAndNeverDowngrades) {
  if (db_ == nullptr) return;
  Result<Enrollment> e = Enroll(Payer("o_upgrade"));
  MEMBERS_ASSERT_OK(e);
  const int64_t id = e->member.id;
  MEMBERS_ASSERT_OK(Record(id, 499999, 11, kNow));
  Result<std::optional<TierChange>> none = Upgrade(id, kNow);
  MEMBERS_ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(TierOf(id), "silver");

  MEMBERS_ASSERT_OK(Record(id, 24000, 1, kNow));
  Result<std::optional<TierChange>> up = Upgrade(id, kNow + 5);
  MEMBERS_ASSERT_OK(up);
  ASSERT_TRUE(up->has_value());
  EXPECT_EQ((*up)->from_tier, "silver");
  EXPECT_EQ((*up)->to_tier, "gold");
  EXPECT_EQ((*up)->reason, "qualified: spend 523999 fen, 12 visits in 12 months");
  EXPECT_EQ((*up)->changed_at, kNow + 5);
  EXPECT_EQ(TierOf(id), "gold");

  // Idempotent, and a year later (no activity in the window) the tier stays: downgrading is
  // the job's.
  Result<std::optional<TierChange>> again = Upgrade(id, kNow + 10);
  MEMBERS_ASSERT_OK(again);
  EXPECT_FALSE(again->has_value());
  Result<std::optional<TierChange>> later = Upgrade(id, kNow + 400 * kDay);
  MEMBERS_ASSERT_OK(later);
  EXPECT_FALSE(later->has_value());
  EXPECT_EQ(TierOf(id), "gold");

  // Straight to the highest tier qualified for, skipping none.
  MEMBERS_ASSERT_OK(Record(id, 2000000, 1, kNow + 400 * kDay));
  Result<std::optional<TierChange>> top = Upgrade(id, kNow + 400 * kDay);
  MEMBERS_ASSERT_OK(top);
  ASSERT_TRUE(top->has_value());
  EXPECT_EQ((*top)->to_tier, "platinum");
  const std::vector<TierChange> history = HistoryOf(id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].to_tier, "gold");
  EXPECT_EQ(history[1].from_tier, "gold");
  EXPECT_EQ(history[1].to_tier, "platinum");

  TierPolicy broken;
  broken.tiers.clear();
  EXPECT_EQ(Upgrade(id, kNow, broken).status().reason(), "INVALID_TIER_POLICY");
  EXPECT_EQ(Upgrade(id + 1000, kNow).status().reason(), "MEMBER_NOT_FOUND");
}

TEST_P(MemberStoreTest, RecordPaymentAddsTheVisitAndUpgradesReadingTheMemberOnce) {
  if (db_ == nullptr) return;
  Result<Enrollment> e = Enroll(Payer("o_pays"));
  MEMBERS_ASSERT_OK(e);
  const int64_t id = e->member.id;
  MEMBERS_ASSERT_OK(Record(id, 499000, 10, kNow));
  auto pay = [&](int64_t member_id, int64_t fen, int64_t now, int* statements,
                 int64_t store_id = 0) {
    std::optional<TierChange> out;
    Status status = db::InTransaction(db(), [&](db::Connection& conn) {
      CountingConnection counting(conn);
      MemberStore store(counting, random_);
      MILEAGE_ASSIGN_OR_RETURN(
          out, store.RecordPayment(member_id, fen, now, store_id, TierPolicy{}, now));
      *statements = counting.statements();
      return Status::Ok();
    });
    return status.ok() ? Result<std::optional<TierChange>>(out)
                       : Result<std::optional<TierChange>>(status);
  };

  // Below gold (500,000 fen and 12 visits): the lock, the month's upsert, the first payment's
  // time for anniversary care and the last visit in one update (Record wrote activity only: the
  // member had none), the rolling sum.
  int statements = -1;
  Result<std::optional<TierChange>> none = pay(id, 999, kNow, &statements, 31);
  MEMBERS_ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(statements, 4);
  EXPECT_EQ(FirstPaidAt(id), kNow);
  EXPECT_EQ(LastVisit(id), std::make_pair(kNow, int64_t{31}));
  EXPECT_EQ(TierOf(id), "silver");
  EXPECT_EQ(Rolling(id, kNow).spend_fen, 499999);
  EXPECT_EQ(Rolling(id, kNow).visits, 11);

  Result<std::optional<TierChange>> up = pay(id, 24000, kNow + 5, &statements);
  MEMBERS_ASSERT_OK(up);
  ASSERT_TRUE(up->has_value());
  EXPECT_EQ((*up)->from_tier, "silver");
  EXPECT_EQ((*up)->to_tier, "gold");
  EXPECT_EQ((*up)->reason, "qualified: spend 523999 fen, 12 visits in 12 months");
  EXPECT_EQ(TierOf(id), "gold");
  EXPECT_EQ(HistoryOf(id).size(), 1u);

  // A later payment keeps the first payment's time and moves the last visit to its store (the
  // upgrade above wrote the tier change, so this one is the plain case: four statements).
  MEMBERS_ASSERT_OK(pay(id, 100, kNow + 10, &statements, 32));
  EXPECT_EQ(statements, 4);
  EXPECT_EQ(FirstPaidAt(id), kNow);
  EXPECT_EQ(LastVisit(id), std::make_pair(kNow + 10, int64_t{32}));
  // One at the same second changes neither date: no statement for them.
  MEMBERS_ASSERT_OK(pay(id, 100, kNow + 10, &statements, 33));
  EXPECT_EQ(statements, 3);
  EXPECT_EQ(LastVisit(id), std::make_pair(kNow + 10, int64_t{32}));
  // An earlier payment notified late moves the first payment back and leaves the last visit.
  MEMBERS_ASSERT_OK(pay(id, 100, kNow - 86400, &statements, 34));
  EXPECT_EQ(statements, 4);
  EXPECT_EQ(FirstPaidAt(id), kNow - 86400);
  EXPECT_EQ(LastVisit(id), std::make_pair(kNow + 10, int64_t{32}));

  // A redemption is a visit too: a later one moves it, an older one arriving late does not.
  auto visit = [&](int64_t store_id, int64_t at) {
    return db::InTransaction(db(), [&](db::Connection& conn) {
      return MemberStore(conn, random_).RecordVisit(id, store_id, at);
    });
  };
  MEMBERS_ASSERT_OK(visit(35, kNow + 20));
  EXPECT_EQ(LastVisit(id), std::make_pair(kNow + 20, int64_t{35}));
  MEMBERS_ASSERT_OK(visit(36, kNow + 15));
  EXPECT_EQ(LastVisit(id), std::make_pair(kNow + 20, int64_t{35}));

  // An unknown member: refused, and no activity written for it.
  EXPECT_EQ(pay(id + 1000, 500, kNow, &statements).status().reason(), "MEMBER_NOT_FOUND");
  EXPECT_EQ(Rolling(id + 1000, kNow).visits, 0);
}

TEST_P(MemberStoreTest, DowngradeWaitsForGraceThenMovesToTheQualifyingTier) {
  if (db_ == nullptr) return;
  const TierPolicy policy;  // grace 30 days
  const int64_t gold = MemberInTier("o_gold", "gold");
  const int64_t platinum = MemberInTier("o_platinum", "platinum");
  const int64_t kept = MemberInTier("o_kept", "gold");
  const int64_t silver = MemberInTier("o_silver", "silver");
  MEMBERS_ASSERT_OK(Record(platinum, 600000, 3, kNow - 30 * kDay));  // still gold-worthy
  MEMBERS_ASSERT_OK(Record(kept, 0, 12, kNow - 30 * kDay));          // gold by visits
  const size_t changes_before = HistoryOf(gold).size();

  // First run: the grace period starts; nobody moves.
  Result<int64_t> run = RunTierDowngrades(db(), policy, kNow, 100);
  MEMBERS_ASSERT_OK(run);
  EXPECT_EQ(*run, 0);
  EXPECT_EQ(BelowSinceOf(gold), kNow);
  EXPECT_EQ(BelowSinceOf(platinum), kNow);
  EXPECT_EQ(BelowSinceOf(kept), std::nullopt);
  EXPECT_EQ(BelowSinceOf(silver), std::nullopt);
  EXPECT_EQ(TierOf(gold), "gold");

  // One second before the grace ends: still nothing, and the start is not pushed back.
  run = RunTierDowngrades(db(), policy, kNow + 30 * kDay - 1, 100);
  MEMBERS_ASSERT_OK(run);
  EXPECT_EQ(*run, 0);
  EXPECT_EQ(BelowSinceOf(gold), kNow);
  EXPECT_EQ(TierOf(platinum), "platinum");
  EXPECT_EQ(HistoryOf(gold).size(), changes_before);

  // Grace over: gold -> silver, platinum -> gold (the tier its activity still earns).
  run = RunTierDowngrades(db(), policy, kNow + 30 * kDay, 100);
  MEMBERS_ASSERT_OK(run);
  EXPECT_EQ(*run, 2);
  EXPECT_EQ(TierOf(gold), "silver");
  EXPECT_EQ(TierOf(platinum), "gold");
  EXPECT_EQ(TierOf(kept), "gold");
  EXPECT_EQ(TierOf(silver), "silver");
  EXPECT_EQ(BelowSinceOf(gold), std::nullopt);
  EXPECT_EQ(BelowSinceOf(platinum), std::nullopt);
  const std::vector<TierChange> history = HistoryOf(platinum);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().from_tier, "platinum");
  EXPECT_EQ(history.back().to_tier, "gold");
  EXPECT_EQ(history.back().changed_at, kNow + 30 * kDay);
  EXPECT_EQ(history.back().reason, "grace ended: spend 600000 fen, 3 visits in 12 months");
  EXPECT_EQ(HistoryOf(gold).back().reason, "grace ended: spend 0 fen, 0 visits in 12 months");

  // Nothing left to do.
  run = RunTierDowngrades(db(), policy, kNow + 31 * kDay, 100);
  MEMBERS_ASSERT_OK(run);
  EXPECT_EQ(*run, 0);
  EXPECT_EQ(BelowSinceOf(platinum), std::nullopt);
}

TEST_P(MemberStoreTest, RequalifyingClearsTheGracePeriod) {
  if (db_ == nullptr) return;
  const TierPolicy policy;
  const int64_t id = MemberInTier("o_back", "gold");
  MEMBERS_ASSERT_OK(RunTierDowngrades(db(), policy, kNow, 10).status());
  ASSERT_EQ(BelowSinceOf(id), kNow);
  MEMBERS_ASSERT_OK(Record(id, 500000, 1, kNow + kDay));
  Result<int64_t> run = RunTierDowngrades(db(), policy, kNow + 40 * kDay, 10);
  MEMBERS_ASSERT_OK(run);
  EXPECT_EQ(*run, 0);
  EXPECT_EQ(BelowSinceOf(id), std::nullopt);
  EXPECT_EQ(TierOf(id), "gold");
}

TEST_P(MemberStoreTest, DowngradeJobPagesThroughEveryMember) {
  if (db_ == nullptr) return;
  TierPolicy policy;
  policy.grace_days = 0;
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(MemberInTier("o_page_" + std::to_string(i), "gold"));
  // With no grace, the first run starts the period and the second ends it.
  MEMBERS_ASSERT_OK(RunTierDowngrades(db(), policy, kNow, 2).status());
  Result<int64_t> run = RunTierDowngrades(db(), policy, kNow, 2);
  MEMBERS_ASSERT_OK(run);
  EXPECT_EQ(*run, 7);
  for (int64_t id : ids) EXPECT_EQ(TierOf(id), "silver") << id;
  EXPECT_EQ(RunTierDowngrades(db(), policy, kNow, 0).status().reason(), "INVALID_FIELD");
  TierPolicy broken;
  broken.tiers[0].min_visits = 1;
  EXPECT_EQ(RunTierDowngrades(db(), broken, kNow, 10).status().reason(), "INVALID_TIER_POLICY");
}

TEST_P(MemberStoreTest, PhoneIsHashedSealedAndShownMasked) {
  if (db_ == nullptr) return;
  Result<Enrollment> e = Enroll(Payer("o_phone"));
  MEMBERS_ASSERT_OK(e);
  const int64_t id = e->member.id;
  MEMBERS_ASSERT_OK(AttachPhone(id, brand_, "+86 138-1234-5678"));
  EXPECT_EQ(Describe(IdentitiesOf(id)),
            (std::vector<std::string>{"openid:wx1234567890abcdef:o_phone", "phone::138****5678"}));

  // The raw row: no column holds the number (nor its last 8 digits); the hash is the vault's;
  // the sealed copy opens to the number only for this brand.
  std::vector<db::Row> rows = QueryRows(
      "SELECT member_id, brand_id, kind, appid, value, value_sealed, display, created_at "
      "FROM member_identities WHERE kind = 'phone'");
  ASSERT_EQ(rows.size(), 1u);
  for (size_t c = 0; c < rows[0].size(); ++c) {
    if (rows[0].IsNull(c)) continue;
    const std::string text = std::holds_alternative<std::string>(rows[0].value(c))
                                 ? rows[0].Text(c)
                                 : std::to_string(rows[0].Int(c));
    EXPECT_EQ(text.find("12345678"), std::string::npos) << "column " << c << ": " << text;
  }
  Result<std::string> hash = vault_->Hash("13812345678");
  MEMBERS_ASSERT_OK(hash);
  EXPECT_EQ(rows[0].Text(4), *hash);
  EXPECT_EQ(rows[0].Text(6), "138****5678");
  Result<std::string> opened = vault_->Open(brand_, rows[0].Text(5));
  MEMBERS_ASSERT_OK(opened);
  EXPECT_EQ(*opened, "13812345678");
  EXPECT_FALSE(vault_->Open(brand_ + 1, rows[0].Text(5)).ok());

  // Idempotent for the same member; taken for another member of the brand; free in another
  // brand.
  MEMBERS_ASSERT_OK(AttachPhone(id, brand_, "13812345678"));
  Result<Enrollment> other = Enroll(Payer("o_other"));
  MEMBERS_ASSERT_OK(other);
  Status taken = AttachPhone(other->member.id, brand_, "138 1234 5678");
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(taken.reason(), "PHONE_TAKEN");
  const int64_t brand_b = NewBrand("Brand B");
  PayerIdentity in_b = Payer("o_phone");
  in_b.brand_id = brand_b;
  Result<Enrollment> member_b = Enroll(in_b);
  MEMBERS_ASSERT_OK(member_b);
  MEMBERS_ASSERT_OK(AttachPhone(member_b->member.id, brand_b, "13812345678"));

  // A new phone replaces the old one.
  MEMBERS_ASSERT_OK(AttachPhone(id, brand_, "13900001111"));
  EXPECT_EQ(Describe(IdentitiesOf(id)),
            (std::vector<std::string>{"openid:wx1234567890abcdef:o_phone", "phone::139****1111"}));
  MEMBERS_ASSERT_OK(AttachPhone(other->member.id, brand_, "13812345678"));

  // The member must be of the brand.
  EXPECT_EQ(AttachPhone(member_b->member.id, brand_, "13700000000").reason(), "MEMBER_NOT_FOUND");
}

TEST_P(MemberStoreTest, DirectorySearchesByNumberOpenidAndPhone) {
  if (db_ == nullptr) return;
  MemberDirectory directory(db(), *vault_, *vehicle_vault_);
  Result<Enrollment> a = Enroll(Payer("o_search"));
  PayerIdentity a_other_app{brand_, "wxsecondapp", "o_search_2", std::nullopt};
  MEMBERS_ASSERT_OK(a);
  const int64_t brand_b = NewBrand("Brand B");
  PayerIdentity in_b = Payer("o_search");
  in_b.brand_id = brand_b;
  Result<Enrollment> b = Enroll(in_b);
  MEMBERS_ASSERT_OK(b);
  MEMBERS_ASSERT_OK(AttachPhone(a->member.id, brand_, "13812345678"));

  auto ids = [&](MemberSearchBy by, const std::string& value, int64_t brand) {
    Result<std::vector<Member>> found = directory.Search(brand, by, value);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    std::vector<int64_t> out;
    if (found.ok()) {
      for (const Member& m : *found) out.push_back(m.id);
    }
    return out;
  };
  const std::vector<int64_t> just_a{a->member.id};
  const std::vector<int64_t> none;
  EXPECT_EQ(ids(MemberSearchBy::kNumber, a->member.number, brand_), just_a);
  EXPECT_EQ(ids(MemberSearchBy::kNumber, a->member.number, brand_b), none);
  EXPECT_EQ(ids(MemberSearchBy::kOpenid, "o_search", brand_), just_a);
  EXPECT_EQ(ids(MemberSearchBy::kOpenid, "o_search", brand_b), std::vector<int64_t>{b->member.id});
  EXPECT_EQ(ids(MemberSearchBy::kOpenid, "o_nobody", brand_), none);
  EXPECT_EQ(ids(MemberSearchBy::kPhone, "+86 138 1234 5678", brand_), just_a);
  EXPECT_EQ(ids(MemberSearchBy::kPhone, "13812345678", brand_b), none);
  EXPECT_EQ(ids(MemberSearchBy::kPhone, "13812345679", brand_), none);

  // An openid under any appid of the brand: the same openid in two apps finds both members.
  PayerIdentity same_openid_other_app{brand_, "wxsecondapp", "o_search", std::nullopt};
  Result<Enrollment> c = Enroll(same_openid_other_app);
  MEMBERS_ASSERT_OK(c);
  EXPECT_EQ(ids(MemberSearchBy::kOpenid, "o_search", brand_),
            (std::vector<int64_t>{a->member.id, c->member.id}));

  EXPECT_EQ(directory.Search(brand_, MemberSearchBy::kNumber, "123456789012").status().reason(),
            "INVALID_MEMBER_NUMBER");
  EXPECT_EQ(directory.Search(brand_, MemberSearchBy::kOpenid, "").status().reason(),
            "INVALID_FIELD");
  EXPECT_EQ(directory.Search(brand_, MemberSearchBy::kPhone, "12345").status().reason(),
            "INVALID_PHONE");
  EXPECT_EQ(directory.Search(0, MemberSearchBy::kOpenid, "o_search").status().reason(),
            "INVALID_ID");
}

TEST_P(MemberStoreTest, DirectoryProfileShowsIdentitiesHistoryAndActivity) {
  if (db_ == nullptr) return;
  MemberDirectory directory(db(), *vault_, *vehicle_vault_);
  PayerIdentity payer = Payer("o_profile");
  payer.unionid = "u_profile";
  Result<Enrollment> e = Enroll(payer);
  MEMBERS_ASSERT_OK(e);
  const int64_t id = e->member.id;
  MEMBERS_ASSERT_OK(AttachPhone(id, brand_, "13812345678"));
  MEMBERS_ASSERT_OK(Record(id, 600000, 2, kNow));
  MEMBERS_ASSERT_OK(Upgrade(id, kNow).status());

  Result<MemberProfile> profile = directory.Profile(brand_, id, kNow);
  MEMBERS_ASSERT_OK(profile);
  EXPECT_EQ(profile->member.id, id);
  EXPECT_EQ(profile->member.tier, "gold");
  EXPECT_EQ(Describe(profile->identities),
            (std::vector<std::string>{"openid:wx1234567890abcdef:o_profile", "phone::138****5678",
                                      "unionid::u_profile"}));
  ASSERT_EQ(profile->tier_history.size(), 1u);
  EXPECT_EQ(profile->tier_history[0].to_tier, "gold");
  EXPECT_EQ(profile->rolling_activity.spend_fen, 600000);
  EXPECT_EQ(profile->rolling_activity.visits, 2);

  const int64_t brand_b = NewBrand("Brand B");
  EXPECT_EQ(directory.Profile(brand_b, id, kNow).status().reason(), "MEMBER_NOT_FOUND");
  EXPECT_EQ(directory.Profile(brand_, id + 1000, kNow).status().reason(), "MEMBER_NOT_FOUND");
  EXPECT_EQ(directory.Profile(brand_, 0, kNow).status().reason(), "INVALID_ID");
}

TEST_P(MemberStoreTest, BadInputIsRefusedAndWritesNothing) {
  if (db_ == nullptr) return;
  const std::string empty_counts = TableCounts();
  struct Case {
    const char* name;
    PayerIdentity payer;
    std::string tier;
    std::string via;
    int64_t store;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"empty openid", Payer(""), "silver", "wechat_pay", 7, "INVALID_FIELD"},
      {"overlong openid", Payer(std::string(129, 'o')), "silver", "wechat_pay", 7, "INVALID_FIELD"},
      {"openid with quote", Payer("o'; DROP TABLE members; --"), "silver", "wechat_pay", 7,
       "INVALID_FIELD"},
      {"empty appid", PayerIdentity{brand_, "", "o_ok", std::nullopt}, "silver", "wechat_pay", 7,
       "INVALID_FIELD"},
      {"overlong appid", PayerIdentity{brand_, std::string(33, 'w'), "o_ok", std::nullopt},
       "silver", "wechat_pay", 7, "INVALID_FIELD"},
      {"bad unionid", PayerIdentity{brand_, kAppid, "o_ok", std::string("u x")}, "silver",
       "wechat_pay", 7, "INVALID_FIELD"},
      {"no brand", PayerIdentity{0, kAppid, "o_ok", std::nullopt}, "silver", "wechat_pay", 7,
       "INVALID_ID"},
      {"empty tier", Payer("o_ok"), "", "wechat_pay", 7, "INVALID_FIELD"},
      {"overlong tier", Payer("o_ok"), std::string(33, 't'), "wechat_pay", 7, "INVALID_FIELD"},
      {"unknown channel", Payer("o_ok"), "silver", "fax", 7, "INVALID_FIELD"},
      {"negative store", Payer("o_ok"), "silver", "wechat_pay", -1, "INVALID_ID"},
  };
  for (const Case& c : cases) {
    Status status = InStore([&](MemberStore& store) {
      return store.FindOrEnroll(c.payer, c.tier, c.via, c.store, kNow).status();
    });
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.name << ": " << status.ToString();
    EXPECT_EQ(status.reason(), c.reason) << c.name;
  }
  EXPECT_EQ(TableCounts(), empty_counts);

  Result<Enrollment> e = Enroll(Payer("o_valid"));
  MEMBERS_ASSERT_OK(e);
  const std::string after_enroll = TableCounts();
  const int64_t id = e->member.id;
  for (const char* phone : {"", "12345", "1381234567x", "+1 2025550123"}) {
    Status status = AttachPhone(id, brand_, phone);
    EXPECT_EQ(status.reason(), "INVALID_PHONE") << phone;
  }
  EXPECT_EQ(AttachPhone(0, brand_, "13812345678").reason(), "INVALID_ID");
  EXPECT_EQ(AttachPhone(id, 0, "13812345678").reason(), "INVALID_ID");
  EXPECT_EQ(InStore([&](MemberStore& s) { return s.RecordActivity(id, 100, -1, kNow); }).reason(),
            "INVALID_FIELD");
  EXPECT_EQ(InStore([&](MemberStore& s) { return s.RecordActivity(0, 100, 1, kNow); }).reason(),
            "INVALID_ID");
  EXPECT_EQ(TableCounts(), after_enroll);
}

// What a member session's truth check reads, and the status change that suspends a member.
TEST_P(MemberStoreTest, StandingAndStatusChanges) {
  if (db_ == nullptr) return;
  Result<Enrollment> e = Enroll(Payer("o_standing"));
  MEMBERS_ASSERT_OK(e);
  const int64_t id = e->member.id;
  auto standing = [&](int64_t member, std::string_view appid) {
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return std::optional<MemberStanding>();
    Result<std::optional<MemberStanding>> out = MemberStore::Standing(**conn, member, appid);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : std::optional<MemberStanding>();
  };
  std::optional<MemberStanding> active = standing(id, kAppid);
  ASSERT_TRUE(active.has_value());
  EXPECT_EQ(active->brand_id, brand_);
  EXPECT_EQ(active->status, "active");
  EXPECT_TRUE(active->holds_openid);
  EXPECT_FALSE(standing(id, "wxotherapp")->holds_openid);
  EXPECT_FALSE(standing(id + 1000, kAppid).has_value());

  Result<bool> changed = false;
  MEMBERS_ASSERT_OK(InStore([&](MemberStore& s) {
    changed = s.SetStatus(id, "suspended", kNow + 5);
    return changed.status();
  }));
  EXPECT_TRUE(*changed);
  EXPECT_EQ(standing(id, kAppid)->status, "suspended");
  EXPECT_EQ(QueryInt("SELECT updated_at FROM members WHERE id = ?", {db::Value(id)}), kNow + 5);
  MEMBERS_ASSERT_OK(InStore([&](MemberStore& s) {
    changed = s.SetStatus(id, "suspended", kNow + 9);
    return changed.status();
  }));
  EXPECT_FALSE(*changed) << "already suspended";
  EXPECT_EQ(QueryInt("SELECT updated_at FROM members WHERE id = ?", {db::Value(id)}), kNow + 5);

  const std::string counts = TableCounts();
  EXPECT_EQ(
      InStore([&](MemberStore& s) { return s.SetStatus(id, "banned", kNow).status(); }).reason(),
      "INVALID_FIELD");
  EXPECT_EQ(InStore([&](MemberStore& s) {
              return s.SetStatus(id + 1000, "active", kNow).status();
            }).reason(),
            "MEMBER_NOT_FOUND");
  EXPECT_EQ(TableCounts(), counts);
  EXPECT_EQ(standing(id, kAppid)->status, "suspended");
}

INSTANTIATE_TEST_SUITE_P(Backends, MemberStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

}  // namespace
}  // namespace mileage::members
