#include "members/member_drift.h"

#include <span>
#include <unordered_map>
#include <utility>

#include "db/in_list.h"
#include "members/rules.h"

namespace mileage::members {
namespace {

constexpr int64_t kMaxIds = 1000;
// The stores of a scope below the brand (a region's may be many): well under both dialects'
// limits on bound parameters.
constexpr int64_t kMaxStores = 10000;

// " FROM members m WHERE <drifting>" with its parameters. The newest vehicle's purchase date
// decides the warranty; with none, '9999-12-31' keeps the member in warranty.
void AppendDrifting(const DriftCut& cut, std::string& sql, std::vector<db::Value>& params) {
  sql +=
      " FROM members m WHERE m.brand_id = ? AND m.status = 'active' AND m.last_visit_at <= ? "
      "AND (m.last_visit_at <= ? OR COALESCE((SELECT MAX(v.purchase_date) FROM vehicles v "
      "WHERE v.member_id = m.id), '9999-12-31') > ?)";
  params.emplace_back(cut.brand_id);
  params.emplace_back(cut.visited_by);
  params.emplace_back(cut.long_visited_by);
  params.emplace_back(cut.bought_by);
}

Status CheckIds(std::span<const int64_t> ids, const char* what, int64_t max = kMaxIds) {
  if (ids.empty() || static_cast<int64_t>(ids.size()) > max) {
    return InvalidArgumentError(std::string(what) + " must hold 1.." + std::to_string(max) +
                                " ids");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<DriftingMember>> MemberDrift::Drifting(const DriftCut& cut,
                                                          const DriftPage& page, int64_t now) {
  if (page.limit < 1 || page.limit > kMaxIds) {
    return InvalidArgumentError("limit must be 1..1000");
  }
  std::string sql =
      "SELECT m.id, m.number, m.tier, m.last_visit_at, m.last_visit_store_id, "
      "(SELECT MAX(v.purchase_date) FROM vehicles v WHERE v.member_id = m.id)";
  std::vector<db::Value> params;
  AppendDrifting(cut, sql, params);
  if (page.store_ids.has_value()) {
    MILEAGE_RETURN_IF_ERROR(CheckIds(*page.store_ids, "store_ids", kMaxStores));
    sql += " AND m.last_visit_store_id IN ";
    db::AppendInList(sql, params, *page.store_ids);
  }
  if (page.after.has_value()) {
    sql += " AND (m.last_visit_at > ? OR (m.last_visit_at = ? AND m.id > ?))";
    params.emplace_back(page.after->first);
    params.emplace_back(page.after->first);
    params.emplace_back(page.after->second);
  }
  sql += " ORDER BY m.last_visit_at, m.id LIMIT ?";
  params.emplace_back(page.limit);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  std::vector<DriftingMember> out;
  out.reserve(rows.size());
  std::vector<int64_t> ids;
  for (const db::Row& row : rows) {
    DriftingMember d;
    d.id = row.Int(0);
    d.number = row.Text(1);
    d.tier = row.Text(2);
    d.last_visit_at = row.Int(3);
    d.store_id = row.Int(4);
    if (!row.IsNull(5)) d.newest_purchase_date = row.Text(5);
    ids.push_back(d.id);
    out.push_back(std::move(d));
  }
  if (ids.empty()) return out;
  const MonthRange window = RollingWindow(now);
  std::string activity_sql =
      "SELECT member_id, COALESCE(SUM(spend_fen), 0), COALESCE(SUM(visits), 0) FROM "
      "member_activity WHERE month >= ? AND month <= ? AND member_id IN ";
  std::vector<db::Value> activity_params{db::Value(window.first), db::Value(window.last)};
  db::AppendInList(activity_sql, activity_params, ids);
  activity_sql += " GROUP BY member_id";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> activity,
                           conn_.Query(activity_sql, activity_params));
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> by_member;
  for (const db::Row& row : activity) by_member[row.Int(0)] = {row.Int(1), row.Int(2)};
  for (DriftingMember& d : out) {
    auto it = by_member.find(d.id);
    if (it == by_member.end()) continue;
    d.spend_fen = it->second.first;
    d.visits = it->second.second;
  }
  return out;
}

Result<std::map<int64_t, int64_t>> MemberDrift::CountByStore(const DriftCut& cut) {
  std::string sql = "SELECT m.last_visit_store_id, COUNT(*)";
  std::vector<db::Value> params;
  AppendDrifting(cut, sql, params);
  sql += " GROUP BY m.last_visit_store_id";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  std::map<int64_t, int64_t> out;
  for (const db::Row& row : rows) out[row.Int(0)] = row.Int(1);
  return out;
}

Result<std::map<int64_t, int64_t>> MemberDrift::LastVisits(const std::vector<int64_t>& member_ids) {
  MILEAGE_RETURN_IF_ERROR(CheckIds(member_ids, "member_ids"));
  return db::IntsById(
      conn_, "SELECT id, last_visit_at FROM members WHERE last_visit_at IS NOT NULL AND id IN",
      member_ids);
}

}  // namespace mileage::members
