#include "points/partner_use.h"

namespace mileage::points {

Result<std::vector<std::pair<int64_t, std::string>>> PartnerUse::Categories(int64_t brand_id,
                                                                            int64_t first_id,
                                                                            int64_t last_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT DISTINCT e.member_id, p.category FROM partner_earnings e "
                  "JOIN partners p ON p.id = e.partner_id "
                  "WHERE e.member_id >= ? AND e.member_id <= ? AND e.brand_id = ?",
                  {db::Value(first_id), db::Value(last_id), db::Value(brand_id)}));
  std::vector<std::pair<int64_t, std::string>> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.emplace_back(row.Int(0), row.Text(1));
  return out;
}

}  // namespace mileage::points
