#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "growth/growth_module.h"
#include "growth/segment_filter.h"
#include "tests/contract/coupons/coupons_fixture.h"

namespace mileage::growth {

using coupons::kNow;
using coupons::StatusOf;

// Filters built in C++ (the contract tests do not link the server's JSON reader).
FilterNode Tag(const std::string& key, const std::string& op, FilterValue value);
FilterNode TagIn(const std::string& key, const std::string& op, std::vector<FilterValue> values);
FilterNode Manual(const std::string& name);
FilterNode All(std::vector<FilterNode> children);
FilterNode Any(std::vector<FilterNode> children);
FilterNode Not(FilterNode child);

// One generated member and what the test expects the tags job to make of it, computed here
// from the generator's choices (kNow is 2026-11-17 10:00 Beijing; the 12 months are
// 2025-12..2026-11), never by the code under test.
struct Expected {
  int64_t id = 0;
  std::string tier;
  bool active = true;
  std::optional<int64_t> recency_days;
  int64_t visits = 0;
  int64_t spend = 0;
  int r = 1, f = 1, m = 1;
  std::vector<std::string> vehicle_ages;  // distinct
  std::vector<std::string> partner_categories;
  bool redeemer = false;
  bool vip = false;
};

// CouponsTest's brands, staff and coupons with the growth module as the App builds it (a
// parser that reads back the filters this test stored), and a generator of a member base
// written with multi-row INSERTs.
class GrowthTest : public coupons::CouponsTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // `n` members of brand A (ids from kFirstId) with activity, vehicles, partner earnings,
  // redemptions and VIP manual tags chosen deterministically; returns the expectations.
  std::vector<Expected> Generate(int64_t n);
  // The tags job at `now` (batch `batch`).
  Result<int64_t> RunTags(int64_t now = kNow, int64_t batch = 1000);
  // The FilterParser the module uses: the filters this test built, by their JSON.
  Result<FilterNode> Parse(std::string_view json);
  // Remembers `filter` for Parse and returns it.
  FilterNode Remember(FilterNode filter);

  static constexpr int64_t kFirstId = 1'000'001;

  points::ExpiryPolicy expiry_;  // the referral rewards' (unused by these tests)
  std::unique_ptr<GrowthModule> growth_;
  std::map<std::string, FilterNode> known_;
};

#define MILEAGE_GROWTH_TEST_SUITE(suite) MILEAGE_COUPONS_TEST_SUITE(suite)

}  // namespace mileage::growth
