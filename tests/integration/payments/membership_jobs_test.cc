// Tiers and points expiry from the config, end to end: payments upgrade at once; the jobs
// (as `serve` runs them every jobs_interval_s and `mileage jobs` runs them once) expire points
// at the end of the month N months after earning and downgrade after the grace period.
#include "server/jobs.h"
#include "tests/integration/payments/payments_fixture.h"

namespace mileage::testing {
namespace {

class MembershipJobsTest : public PaymentsTest {
 protected:
  void CustomizeConfig(Config& config) override {
    config.tiers = {{"silver", 0, 0}, {"gold", 1000000, 2}};
    config.tier_grace_days = 10;
    config.points_expiry_months = 1;
  }
  server::JobsReport RunJobs() {
    Result<server::JobsReport> report =
        server::RunMembershipJobs(database_->db(), config_, UnixSeconds(clock_.Now()));
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : server::JobsReport{};
  }
  std::string Tier() {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    auto rows = (*conn)->Query("SELECT tier FROM members");
    return rows.ok() && !rows->empty() ? rows->front().Text(0) : "";
  }
  static int64_t Unix(int y, int m, int d) {
    // 00:00 Beijing time (UTC+8, the business calendar) of a date: days from civil
    // (proleptic Gregorian), for readable dates in the test.
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400 - 8 * 3600;
  }
};

TEST_P(MembershipJobsTest, PaymentsUpgradeAndTheJobsExpireAndDowngrade) {
  clock_.SetUnixSeconds(Unix(2026, 11, 17));
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);
  EXPECT_EQ(Tier(), "silver");
  ASSERT_EQ(Post(Payment({"4200000002", "openid-a", 10000}))->status, 204);
  EXPECT_EQ(Tier(), "gold");  // 2 visits in 12 months
  EXPECT_EQ(Count("member_tier_changes"), 1);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 200);

  // Earned in November 2026, one month: they expire at 2026-12-31 23:59:59 Beijing time.
  clock_.SetUnixSeconds(Unix(2026, 12, 31) + 86398);
  EXPECT_EQ(RunJobs().lots_expired, 0);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 200);
  clock_.SetUnixSeconds(Unix(2026, 12, 31) + 86399);
  EXPECT_EQ(RunJobs().lots_expired, 2);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 0);
  EXPECT_EQ(RunJobs().lots_expired, 0);
  EXPECT_EQ(Scalar("SELECT SUM(amount) FROM point_entries"), 0);

  // December 2027: November 2026 left the 12-month window; the grace period starts.
  clock_.SetUnixSeconds(Unix(2027, 12, 1));
  EXPECT_EQ(RunJobs().members_downgraded, 0);
  EXPECT_EQ(Tier(), "gold");
  clock_.SetUnixSeconds(Unix(2027, 12, 11));
  EXPECT_EQ(RunJobs().members_downgraded, 1);
  EXPECT_EQ(Tier(), "silver");
  EXPECT_EQ(Count("member_tier_changes"), 2);
}

MILEAGE_PAYMENTS_TEST_SUITE(MembershipJobsTest);

}  // namespace
}  // namespace mileage::testing
