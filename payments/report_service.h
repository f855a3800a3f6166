#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_time.h"
#include "common/clock.h"
#include "common/day_range.h"
#include "common/result.h"
#include "db/db.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "org/types.h"
#include "payments/report_store.h"

namespace mileage::payments {

// The node a report is narrowed to (?store_id=, ?dealer_id= or ?region_id=).
struct ReportNode {
  org::NodeType type = org::NodeType::kStore;
  int64_t id = 0;
};

// One Beijing day's numbers in one scope. points_spent and points_outstanding are known for a
// brand scope only: a member's points belong to the brand, not to a store (docs/API.md
// "Reports").
struct DaySummary {
  civil::Date date;
  org::NodePath scope;
  DayTotals totals;
  std::optional<int64_t> points_spent;
  std::optional<int64_t> points_outstanding;  // now, not at the end of `date`
};

struct DayReport {
  civil::Date date;
  DayTotals totals;
};

// Which Beijing days a campaign's daily report covers (ReportService::StockDaily).
using DayRange = civil::DayRange;

struct StockDay {
  civil::Date date;
  StockDayTotals totals;
};

// A campaign's numbers per Beijing day from `from` to `to`, one entry per day, oldest first.
struct StockDailyReport {
  int64_t stock_id = 0;
  civil::Date from;
  civil::Date to;
  std::vector<StockDay> days;
};

// The console dashboard's reports (docs/API.md "Reports"): a day's summary, daily series and a
// campaign funnel over the last N Beijing days, aggregated in SQL (ReportStore) inside the
// caller's scope, or inside a node of it. Reading reports needs org::Action::kPaymentRead at
// the reported node, which every role has in its scope. Owned by the composition root; safe for
// concurrent use.
//
// Errors common to the methods: InvalidArgument INVALID_ID (node id), INVALID_FIELD (days
// outside 1..kMaxDays; the system actor naming no node); NotFound "<node> N not found" when
// the node does not exist or lies outside the caller's subtree (its ancestors included);
// PermissionDenied when the role may not read payments; the db errors.
class ReportService {
 public:
  static constexpr int64_t kMaxDays = 90;
  static constexpr int64_t kFunnelItems = 20;
  // A quarter's days, for a campaign's page.
  static constexpr int64_t kMaxStockDays = 92;

  ReportService(db::Db& db, const org::Authorizer& authorizer, const Clock& clock)
      : db_(db), authorizer_(authorizer), clock_(clock) {}

  // The Beijing day `date` ("YYYY-MM-DD"; today when absent). InvalidArgument INVALID_FIELD
  // when the text names no date between 2000-01-01 and 2199-12-31.
  Result<DaySummary> Summary(const org::Actor& actor, std::optional<std::string_view> date,
                             const std::optional<ReportNode>& node);
  // The last `days` Beijing days ending today, oldest first, one entry per day.
  Result<std::vector<DayReport>> Daily(const org::Actor& actor, int64_t days,
                                       const std::optional<ReportNode>& node);
  // The campaigns seen at the reported node (coupons::StockAccess's rule) that issued coupons
  // in the last `days` Beijing days: at most kFunnelItems, most issued first.
  Result<std::vector<FunnelItem>> Funnel(const org::Actor& actor, int64_t days,
                                         const std::optional<ReportNode>& node);
  // Stock `stock_id`'s numbers per day of `range`, brand-wide (as the funnel and GET
  // /stocks/{id} count them, whichever store redeemed). The caller must see the stock and have
  // stock.read (coupons::StockAccess, as GET /stocks/{id}). Errors: InvalidArgument INVALID_ID;
  // INVALID_FIELD (a date that is not a day between 2000-01-01 and 2199-12-31, `days` outside
  // 1..kMaxStockDays, both `from` and `days`, `from` after `to`, more than kMaxStockDays days);
  // NotFound STOCK_NOT_FOUND (unknown or not visible); PermissionDenied; the db errors.
  Result<StockDailyReport> StockDaily(const org::Actor& actor, int64_t stock_id,
                                      const DayRange& range);

 private:
  // The reported node's path: `node` after the authorizer's check, else the caller's scope.
  Result<org::NodePath> ReportedNode(db::Connection& conn, const org::Actor& actor,
                                     const std::optional<ReportNode>& node) const;
  // The first second of the Beijing day `days - 1` days before today, and the end of today.
  Result<std::pair<int64_t, int64_t>> LastDays(int64_t days) const;

  db::Db& db_;
  const org::Authorizer& authorizer_;
  const Clock& clock_;
};

}  // namespace mileage::payments
