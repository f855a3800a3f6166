#include "coupons/redeemers.h"

namespace mileage::coupons {

Result<std::vector<int64_t>> Redeemers::In(int64_t brand_id, int64_t first_id, int64_t last_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT DISTINCT member_id FROM coupon_redemptions WHERE member_id >= ? AND "
                  "member_id <= ? AND reversed_at IS NULL AND brand_id = ? ORDER BY member_id",
                  {db::Value(first_id), db::Value(last_id), db::Value(brand_id)}));
  std::vector<int64_t> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(row.Int(0));
  return out;
}

}  // namespace mileage::coupons
