#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "coupons/coupons_module.h"
#include "db/db.h"
#include "db/transaction_runner.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "tests/support/test_database.h"

namespace mileage::coupons {

// Copies the Status, so that `expr` may be a temporary's .status().
inline const Status& StatusOf(const Status& status) { return status; }
template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}
#define COUPONS_ASSERT_OK(expr)                              \
  do {                                                       \
    const ::mileage::Status coupons_ok_ = StatusOf(expr);    \
    ASSERT_TRUE(coupons_ok_.ok()) << coupons_ok_.ToString(); \
  } while (false)
// The stable code of a failed call.
#define COUPONS_EXPECT_CODE(expr, code)                                  \
  do {                                                                   \
    const ::mileage::Status coupons_code_ = StatusOf(expr);              \
    EXPECT_EQ(coupons_code_.reason(), code) << coupons_code_.ToString(); \
  } while (false)

// 2026-11-17 10:00:00 Beijing time: "now" of most tests.
inline constexpr int64_t kNow = 1'794'880'800;
inline constexpr int64_t kDay = 86400;

// A fresh migrated database per test (SQLite or MariaDB by the parameter) with two brands'
// organisations, staff actors of every role, the coupons module as the App builds it (group
// commit on SQLite) on a FakeClock, and helpers to make members and stocks and to count what
// was written.
//
// Brand A: region R1 (dealer A: stores A1, A2; dealer B: store B1), region R2 (dealer C: store
// C1). Brand Z: one region, dealer and store Z1.
class CouponsTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override { Open(8); }
  void TearDown() override;
  // Opens the database with `pool_size` connections and builds everything.
  void Open(int pool_size);

  db::Db& db() { return database_->db(); }
  CouponsModule& coupons() { return *module_; }

  struct Tree {
    org::NodePath brand, region1, region2, dealer_a, dealer_b, dealer_c;
    org::NodePath store_a1, store_a2, store_b1, store_c1;
    org::NodePath brand_z, store_z1;
  };

  // A staff actor (no account row is needed: the services trust the session's principal).
  org::Actor Staff(org::Role role, const org::NodePath& scope);
  // Enrolls a member of the store's brand at the store (the console sees them from there).
  int64_t NewMember(const org::NodePath& store, const std::string& tier = "silver");
  // `n` members enrolled at `store` in a few transactions.
  std::vector<int64_t> NewMembers(const org::NodePath& store, int n);
  MemberRef Ref(int64_t member_id) { return {member_id, member_brand_.at(member_id)}; }
  std::string MemberNumber(int64_t member_id);

  // A cash stock of 100 yuan off 500 at `node`, 30 days, claimable, total 1000, limit 2.
  static NewStock Cash(const org::NodePath& node);
  // Creates `stock` as `actor` (system by default) and activates it; records a failure and
  // returns an empty stock when that fails.
  Stock CreateActive(NewStock stock, const org::Actor& actor = org::Actor::System("test"));
  Status Activate(int64_t stock_id, StockState state = StockState::kActive);
  Result<Coupon> Claim(int64_t member_id, int64_t stock_id, int64_t now = kNow) {
    return coupons().coupons().Claim(Ref(member_id), stock_id, now);
  }
  // Deactivates a node (store) directly.
  void Deactivate(const org::NodePath& node);

  int64_t QueryInt(const std::string& sql, std::vector<db::Value> params = {});
  // Row counts of every table a coupons write touches (and the sum of the issue counters):
  // "nothing written" compares two of these. `with_audit` adds audit_log.
  std::string Written(bool with_audit = true);

  std::unique_ptr<testing::TestDatabase> database_;
  testing::FakeClock clock_{TimePoint(std::chrono::seconds(kNow))};
  testing::FakeRandom random_{99};
  org::Authorizer authorizer_;
  members::TierPolicy tiers_;  // silver, gold, platinum
  std::unique_ptr<org::AuditedWriter> writer_;
  std::unique_ptr<db::TransactionRunner> transactions_;
  std::unique_ptr<CouponsModule> module_;
  Tree tree_;
  std::map<int64_t, org::NodePath> stores_;  // every store by id
  std::map<int64_t, int64_t> member_brand_;  // member id -> brand id
  org::Actor system_ = org::Actor::System("test");
  org::Actor admin_, region1_manager_, dealer_a_manager_, dealer_b_manager_, clerk_a1_, clerk_a2_,
      clerk_b1_, analyst_a_, admin_z_;
  int64_t next_staff_id_ = 100;
  int64_t next_openid_ = 1;
};

#define MILEAGE_COUPONS_TEST_SUITE(suite)                                          \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                        \
                           ::testing::Values(::mileage::testing::Backend::kSqlite, \
                                             ::mileage::testing::Backend::kMysql), \
                           ::mileage::testing::BackendName)

}  // namespace mileage::coupons
