#include "payments/report_service.h"

#include <string>
#include <utility>

#include "coupons/access.h"
#include "coupons/stock_store.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::payments {
namespace {

Status InvalidDays(int64_t max_days) {
  return InvalidArgumentError("days must be 1-" + std::to_string(max_days), "INVALID_FIELD");
}

}  // namespace

Result<org::NodePath> ReportService::ReportedNode(db::Connection& conn, const org::Actor& actor,
                                                  const std::optional<ReportNode>& node) const {
  if (!node.has_value()) {
    if (!actor.staff.has_value()) {
      return InvalidArgumentError("the operator names a node to report on", "INVALID_FIELD");
    }
    const org::NodePath& scope = actor.staff->scope;
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kPaymentRead, scope,
                                              org::NodeLabel(scope.type, scope.id())));
    return scope;
  }
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(node->id, "id"));
  const std::string label = org::NodeLabel(node->type, node->id);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> found,
                           org::NodeStore(conn).Find(node->type, node->id));
  if (!found.has_value()) return NotFoundError(label + " not found");
  // Check, not CheckList: a report of an ancestor would show numbers outside the subtree.
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kPaymentRead, found->path, label));
  return found->path;
}

Result<std::pair<int64_t, int64_t>> ReportService::LastDays(int64_t days) const {
  if (days < 1 || days > kMaxDays) return InvalidDays(kMaxDays);
  const int64_t today = civil::DaysFromCivil(civil::BeijingDate(UnixSeconds(clock_.Now())));
  const int64_t from = civil::BeijingStartOfDay(civil::CivilFromDays(today - (days - 1)));
  const int64_t to = civil::BeijingStartOfDay(civil::CivilFromDays(today + 1));
  return std::make_pair(from, to);
}

Result<DaySummary> ReportService::Summary(const org::Actor& actor,
                                          std::optional<std::string_view> date,
                                          const std::optional<ReportNode>& node) {
  DaySummary summary;
  if (date.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(summary.date, civil::ParseReportDay(*date, "date"));
  } else {
    summary.date = civil::BeijingDate(UnixSeconds(clock_.Now()));
  }
  const int64_t from = civil::BeijingStartOfDay(summary.date);
  const int64_t to = from + civil::kSecondsPerDay;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(summary.scope, ReportedNode(*conn, actor, node));
  ReportStore store(*conn);
  MILEAGE_ASSIGN_OR_RETURN(auto days, store.Days(summary.scope, from, to));
  if (!days.empty()) summary.totals = days.begin()->second;
  if (summary.scope.type == org::NodeType::kBrand) {
    MILEAGE_ASSIGN_OR_RETURN(summary.points_spent,
                             store.PointsSpent(summary.scope.brand_id, from, to));
    MILEAGE_ASSIGN_OR_RETURN(summary.points_outstanding,
                             store.PointsOutstanding(summary.scope.brand_id));
  }
  return summary;
}

Result<std::vector<DayReport>> ReportService::Daily(const org::Actor& actor, int64_t days,
                                                    const std::optional<ReportNode>& node) {
  MILEAGE_ASSIGN_OR_RETURN(auto window, LastDays(days));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(org::NodePath scope, ReportedNode(*conn, actor, node));
  MILEAGE_ASSIGN_OR_RETURN(auto totals,
                           ReportStore(*conn).Days(scope, window.first, window.second));
  std::vector<DayReport> out;
  out.reserve(static_cast<size_t>(days));
  const int64_t first = civil::DaysFromCivil(civil::BeijingDate(window.first));
  for (int64_t day = first; day < first + days; ++day) {
    DayReport report{civil::CivilFromDays(day), {}};
    auto it = totals.find(day);
    if (it != totals.end()) report.totals = it->second;
    out.push_back(report);
  }
  return out;
}

Result<std::vector<FunnelItem>> ReportService::Funnel(const org::Actor& actor, int64_t days,
                                                      const std::optional<ReportNode>& node) {
  MILEAGE_ASSIGN_OR_RETURN(auto window, LastDays(days));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(org::NodePath viewer, ReportedNode(*conn, actor, node));
  return ReportStore(*conn).Funnel(viewer, window.first, window.second, kFunnelItems);
}

Result<StockDailyReport> ReportService::StockDaily(const org::Actor& actor, int64_t stock_id,
                                                   const DayRange& range) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(stock_id, "stock_id"));
  MILEAGE_ASSIGN_OR_RETURN(
      civil::DaySpan window,
      civil::ResolveDayRange(range, civil::BeijingDate(UnixSeconds(clock_.Now())), kMaxStockDays));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Stock> stock,
                           coupons::StockStore(*conn).Find(stock_id));
  const Status not_found = coupons::NotFoundOf("stock", stock_id, "STOCK_NOT_FOUND");
  if (!stock.has_value()) return not_found;
  MILEAGE_RETURN_IF_ERROR(coupons::StockAccess(authorizer_)
                              .CheckSees(actor, *stock, org::Action::kStockRead, not_found));
  const int64_t first = civil::DaysFromCivil(window.first);
  const int64_t last = civil::DaysFromCivil(window.last);
  MILEAGE_ASSIGN_OR_RETURN(
      auto totals,
      ReportStore(*conn).StockDays(stock_id, civil::BeijingStartOfDay(window.first),
                                   civil::BeijingStartOfDay(civil::CivilFromDays(last + 1))));
  StockDailyReport report{stock_id, window.first, window.last, {}};
  report.days.reserve(static_cast<size_t>(last - first + 1));
  for (int64_t day = first; day <= last; ++day) {
    StockDay entry{civil::CivilFromDays(day), {}};
    auto it = totals.find(day);
    if (it != totals.end()) entry.totals = it->second;
    report.days.push_back(entry);
  }
  return report;
}

}  // namespace mileage::payments
