#include "members/member_behaviour.h"

#include "db/in_list.h"

namespace mileage::members {

Result<std::vector<MemberBehaviour>> MemberBehaviours::Page(int64_t brand_id, int64_t after_id,
                                                            int64_t limit, int64_t from_month,
                                                            int64_t to_month) {
  if (limit <= 0) return InvalidArgumentError("limit must be positive");
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT id, tier, status, last_visit_at FROM members "
                  "WHERE brand_id = ? AND id > ? ORDER BY id LIMIT ?",
                  {db::Value(brand_id), db::Value(after_id), db::Value(limit)}));
  std::vector<MemberBehaviour> page;
  page.reserve(rows.size());
  std::map<int64_t, size_t> index;
  for (const db::Row& row : rows) {
    MemberBehaviour m;
    m.id = row.Int(0);
    m.tier = row.Text(1);
    m.status = row.Text(2);
    m.last_visit_at = row.OptionalInt(3);
    index[m.id] = page.size();
    page.push_back(std::move(m));
  }
  if (page.empty()) return page;
  const db::Value first(page.front().id);
  const db::Value last(page.back().id);
  // By member id range: the range may hold other brands' members, which `index` leaves out.
  MILEAGE_ASSIGN_OR_RETURN(
      rows, conn_.Query("SELECT member_id, SUM(visits), SUM(spend_fen) FROM member_activity "
                        "WHERE member_id >= ? AND member_id <= ? AND month >= ? AND month <= ? "
                        "GROUP BY member_id",
                        {first, last, db::Value(from_month), db::Value(to_month)}));
  for (const db::Row& row : rows) {
    auto it = index.find(row.Int(0));
    if (it == index.end()) continue;
    page[it->second].visits = row.Int(1);
    page[it->second].spend_fen = row.Int(2);
  }
  MILEAGE_ASSIGN_OR_RETURN(
      rows, conn_.Query("SELECT member_id, purchase_date FROM vehicles "
                        "WHERE member_id >= ? AND member_id <= ? AND brand_id = ? ORDER BY id",
                        {first, last, db::Value(brand_id)}));
  for (const db::Row& row : rows) {
    auto it = index.find(row.Int(0));
    if (it == index.end()) continue;
    page[it->second].purchase_dates.push_back(row.OptionalText(1));
  }
  return page;
}

Result<std::vector<int64_t>> MemberBehaviours::Brands() {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query("SELECT DISTINCT brand_id FROM members ORDER BY brand_id"));
  std::vector<int64_t> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(row.Int(0));
  return out;
}

Result<std::map<int64_t, MemberTierStatus>> MemberBehaviours::Standings(
    int64_t brand_id, const std::vector<int64_t>& member_ids) {
  std::map<int64_t, MemberTierStatus> out;
  if (member_ids.empty()) return out;
  std::string sql = "SELECT id, tier, status FROM members WHERE brand_id = ? AND id IN ";
  std::vector<db::Value> params = {db::Value(brand_id)};
  db::AppendInList(sql, params, member_ids);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  for (const db::Row& row : rows) out[row.Int(0)] = MemberTierStatus{row.Text(1), row.Text(2)};
  return out;
}

}  // namespace mileage::members
