// The come-back report on a hand-built history: win-backs in October and November 2026 at
// dealers A and B, returns within, exactly at and just after 30 days, a redeemed coupon and
// a member still inside their 30 days; each figure written out by hand.
#include "coupons/coupon_store.h"
#include "tests/contract/growth/winback_fixture.h"

namespace mileage::growth {
namespace {

// 2026-10-10 10:00 and 2026-11-05 10:00 Beijing (kNow is 2026-11-17 10:00).
constexpr int64_t kOct = kNow - 38 * kDay;
constexpr int64_t kNov = kNow - 12 * kDay;

struct Row {
  std::string month;
  int64_t dealer_id, granted, coupons, messaged, returned, waiting, redeemed;
  bool operator==(const Row&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Row& r) {
  return out << r.month << " dealer " << r.dealer_id << ": " << r.granted << " " << r.coupons << " "
             << r.messaged << " " << r.returned << " " << r.waiting << " " << r.redeemed;
}

class WinbackReportTest : public WinbackTest {
 protected:
  std::vector<Row> Report(const org::Actor& actor, const std::string& from = "2026-10",
                          const std::string& to = "2026-11") {
    Result<std::vector<ComeBackRow>> rows = service_->Report(actor, from, to, kNow);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<Row> out;
    if (!rows.ok()) return out;
    for (const ComeBackRow& r : *rows) {
      out.push_back({r.month, r.dealer_id, r.granted, r.coupons, r.messaged, r.returned, r.waiting,
                     r.redeemed});
    }
    return out;
  }
  void Redeem(int64_t member, int64_t at) {
    COUPONS_ASSERT_OK(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      MILEAGE_ASSIGN_OR_RETURN(
          std::vector<db::Row> rows,
          conn.Query("SELECT id FROM coupons WHERE member_id = ?", {db::Value(member)}));
      if (rows.size() != 1) return InternalError("expected one coupon");
      MILEAGE_ASSIGN_OR_RETURN(bool redeemed,
                               coupons::CouponStore(conn).MarkRedeemed(rows[0].Int(0), 1, at));
      if (!redeemed) return InternalError("not redeemed");
      return members::MemberStore(conn, random_).RecordVisit(member, tree_.store_b1.store_id, at);
    }));
  }
};

TEST_P(WinbackReportTest, ComeBacksWithinThirtyDaysPerMonthAndDealer) {
  if (database_ == nullptr) return;
  const coupons::Stock stock = CreateActive(Cash(tree_.brand));
  Enable(stock.id);
  // Drifting at kOct: four of dealer A (stores A1, A2), one of dealer B.
  const int64_t a_back = Visited(tree_.store_a1, kOct - 61 * kDay);
  const int64_t a_at_30 = Visited(tree_.store_a1, kOct - 61 * kDay);
  const int64_t a_late = Visited(tree_.store_a1, kOct - 61 * kDay);
  const int64_t a_gone = Visited(tree_.store_a2, kOct - 61 * kDay);
  const int64_t b_redeems = Visited(tree_.store_b1, kOct - 61 * kDay);
  // Drifting at kNov only.
  const int64_t n_back = Visited(tree_.store_a1, kNov - 61 * kDay);
  const int64_t n_waiting = Visited(tree_.store_b1, kNov - 61 * kDay);
  for (int64_t m : {a_back, b_redeems, n_back}) Consent(m, true);
  ASSERT_FALSE(HasFailure());

  EXPECT_EQ(Granted(kOct), 5);
  Visit(a_back, tree_.store_a1, kOct + 5 * kDay);
  Visit(a_back, tree_.store_a2, kOct + 6 * kDay);
  Redeem(b_redeems, kOct + 3 * kDay);
  Result<WinbackRun> run = Run(kNov);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->granted, 2);
  EXPECT_EQ(run->returned, 2);  // a_back, b_redeems
  Visit(a_at_30, tree_.store_a1, kOct + 30 * kDay);
  Visit(a_late, tree_.store_a1, kOct + 30 * kDay + 1);
  Visit(n_back, tree_.store_a2, kNov + 2 * kDay);
  // The job records the returns it sees (at kNov, kOct + 31 days and kNow).
  run = Run(kOct + 31 * kDay);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->returned, 3);  // a_at_30, a_late, n_back
  EXPECT_EQ(run->granted, 0);
  run = Run(kNow);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->returned, 0);

  const int64_t a = tree_.dealer_a.dealer_id;
  const int64_t b = tree_.dealer_b.dealer_id;
  EXPECT_EQ(Report(admin_), (std::vector<Row>{{"2026-10", a, 4, 4, 1, 2, 0, 0},
                                              {"2026-10", b, 1, 1, 1, 1, 0, 1},
                                              {"2026-11", a, 1, 1, 1, 1, 0, 0},
                                              {"2026-11", b, 1, 1, 0, 0, 1, 0}}));
  EXPECT_EQ(Report(dealer_a_manager_),
            (std::vector<Row>{{"2026-10", a, 4, 4, 1, 2, 0, 0}, {"2026-11", a, 1, 1, 1, 1, 0, 0}}));
  EXPECT_EQ(Report(dealer_b_manager_),
            (std::vector<Row>{{"2026-10", b, 1, 1, 1, 1, 0, 1}, {"2026-11", b, 1, 1, 0, 0, 1, 0}}));
  EXPECT_EQ(Report(admin_, "2026-11", "2026-11"),
            (std::vector<Row>{{"2026-11", a, 1, 1, 1, 1, 0, 0}, {"2026-11", b, 1, 1, 0, 0, 1, 0}}));
  EXPECT_EQ(Report(admin_z_), std::vector<Row>{});
  EXPECT_EQ(Report(admin_, "2025-12", "2026-09"), std::vector<Row>{});
  (void)a_gone;
  (void)n_waiting;

  COUPONS_EXPECT_CODE(service_->Report(admin_, "2026-13", "2026-11", kNow), "INVALID_MONTH");
  COUPONS_EXPECT_CODE(service_->Report(admin_, "", "2026-11", kNow), "INVALID_MONTH");
  COUPONS_EXPECT_CODE(service_->Report(admin_, "2026-10-01", "2026-11", kNow), "INVALID_MONTH");
  COUPONS_EXPECT_CODE(service_->Report(admin_, "2026-11", "2026-10", kNow), "INVALID_RANGE");
  COUPONS_EXPECT_CODE(service_->Report(admin_, "2025-11", "2026-11", kNow), "INVALID_RANGE");
  EXPECT_EQ(service_->Report(clerk_a1_, "2026-10", "2026-11", kNow).status().code(),
            StatusCode::kPermissionDenied);
}

MILEAGE_COUPONS_TEST_SUITE(WinbackReportTest);

}  // namespace
}  // namespace mileage::growth
