// A segment grant of 100,000 coupons run by a real `mileage jobs` process, killed with SIGKILL
// midway and run again: every member of the segment ends with exactly one coupon of the grant,
// and the stock's counters, the grant's progress and the coupons agree, at the kill and at the
// end. On the SQLite file (the embedded default: an uncommitted batch left in the WAL by the
// kill is ignored by the next open) and on MariaDB (MILEAGE_TEST_MYSQL_URL).
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "growth/segment_store.h"
#include "tests/contract/growth/growth_fixture.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_server.h"

namespace mileage::growth {
namespace {

constexpr int64_t kMembers = 100'000;

class SegmentGrantCrashTest : public GrowthTest {
 protected:
  std::string WriteConfig() {
    const std::string path = (dir_.path() / "config.json").string();
    std::ofstream(path) << R"({"database":")" << database_->url()
                        << R"(","kv":"memory","log_level":"warn","data_key":")"
                        << "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
                        << R"("})";
    return path;
  }
  std::unique_ptr<testing::Subprocess> Jobs(const std::string& config) {
    return std::make_unique<testing::Subprocess>(std::vector<std::string>{
        MILEAGE_BINARY, "jobs", "--job", "segment_grants", "--config", config});
  }
  int64_t Granted(int64_t grant) {
    return QueryInt("SELECT granted FROM segment_grants WHERE id = ?", {db::Value(grant)});
  }
  // The grant's progress and what was actually written agree.
  void ExpectConsistent(int64_t grant, int64_t stock) {
    const int64_t coupons =
        QueryInt("SELECT COUNT(*) FROM coupons WHERE stock_id = ? AND source_ref = ?",
                 {db::Value(stock), db::Value("segment:" + std::to_string(grant))});
    EXPECT_EQ(Granted(grant), coupons);
    EXPECT_EQ(QueryInt("SELECT SUM(issued) FROM coupon_stock_counters WHERE stock_id = ?",
                       {db::Value(stock)}),
              coupons);
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM segment_grant_members WHERE grant_id = ? AND "
                       "member_id <= (SELECT after_member_id FROM segment_grants WHERE id = ?)",
                       {db::Value(grant), db::Value(grant)}),
              Granted(grant) +
                  QueryInt("SELECT skipped FROM segment_grants WHERE id = ?", {db::Value(grant)}));
  }

  testing::TempDir dir_;
};

TEST_P(SegmentGrantCrashTest, KilledMidwayAndRunAgainGrantsEachMemberOnce) {
  const std::vector<Expected> all = Generate(kMembers);
  ASSERT_TRUE(RunTags().ok());
  int64_t active = 0;
  for (const Expected& e : all) active += e.active ? 1 : 0;
  coupons::NewStock s = Cash(tree_.brand);
  s.total_quantity = kMembers;
  s.per_member_limit = 1;
  s.valid_days = 365;
  s.channels = {coupons::Channel::kGrant};
  const coupons::Stock stock = CreateActive(s);
  ASSERT_GT(stock.id, 0);
  Result<SegmentView> segment = growth_->segments().Create(
      admin_, tree_.brand.brand_id, {"everyone", Remember(Tag("rfm_r", "gte", int64_t{1}))}, kNow);
  ASSERT_TRUE(segment.ok()) << segment.status().ToString();
  auto started =
      growth_->segments().StartGrant(admin_, segment->segment.id, stock.id, "crash-1", kNow);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  const int64_t grant = started->first.id;
  ASSERT_EQ(started->first.total, active);

  const std::string config = WriteConfig();
  const auto begin = std::chrono::steady_clock::now();
  {
    std::unique_ptr<testing::Subprocess> jobs = Jobs(config);
    // Killed once a fifth of the coupons are out.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (Granted(grant) < active / 5 && std::chrono::steady_clock::now() < deadline) {
      jobs->Pump();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    jobs->Signal(SIGKILL);
    jobs->Wait(std::chrono::seconds(30));
  }
  const int64_t at_kill = Granted(grant);
  EXPECT_GE(at_kill, active / 5);
  EXPECT_LT(at_kill, active) << "the kill came after the grant ended";
  ExpectConsistent(grant, stock.id);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM segment_grants WHERE id = ? AND state = 'running'",
                     {db::Value(grant)}),
            1);

  std::unique_ptr<testing::Subprocess> again = Jobs(config);
  const int code = again->Wait(std::chrono::minutes(5));
  EXPECT_EQ(code, 0) << again->stderr_text();
  const auto end = std::chrono::steady_clock::now();
  std::cout << "[ " << active << " coupons granted, killed at " << at_kill << ", in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(end - begin).count()
            << " ms ]\n";

  Result<SegmentGrant> done = growth_->segments().GetGrant(admin_, grant);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, "done");
  EXPECT_EQ(done->granted, active);
  EXPECT_EQ(done->skipped, 0);
  ExpectConsistent(grant, stock.id);
  EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT member_id) FROM coupons WHERE stock_id = ?",
                     {db::Value(stock.id)}),
            active);
  EXPECT_EQ(QueryInt("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM coupons WHERE stock_id = ? "
                     "GROUP BY member_id) c",
                     {db::Value(stock.id)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM coupons c JOIN members m ON m.id = c.member_id "
                     "WHERE c.stock_id = ? AND m.status <> 'active'",
                     {db::Value(stock.id)}),
            0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.issued'"), active);
}

INSTANTIATE_TEST_SUITE_P(Backends, SegmentGrantCrashTest,
                         ::testing::Values(::mileage::testing::Backend::kSqlite,
                                           ::mileage::testing::Backend::kMysql),
                         ::mileage::testing::BackendName);

}  // namespace
}  // namespace mileage::growth
