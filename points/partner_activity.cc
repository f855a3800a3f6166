#include "points/partner_activity.h"

#include "db/paged_query.h"

namespace mileage::points {

Result<PageOf<PartnerEarningLine>> PartnerActivityStore::Earnings(int64_t partner_id,
                                                                  const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  return db::QueryPage<PartnerEarningLine>(
      conn_,
      {"SELECT request_id, member_id, amount_fen, points, rule_version, reversed_fen, "
       "reversed_points, occurred_at, created_at FROM partner_earnings",
       "SELECT COUNT(*) FROM partner_earnings", " WHERE partner_id = ?",
       "created_at DESC, id DESC"},
      {db::Value(partner_id)}, page, [](const db::Row& row) {
        PartnerEarningLine line;
        line.request_id = row.Text(0);
        line.member_id = row.Int(1);
        line.amount_fen = row.Int(2);
        line.points = row.Int(3);
        line.rule_version = row.Int(4);
        line.reversed_fen = row.Int(5);
        line.reversed_points = row.Int(6);
        line.occurred_at = row.Int(7);
        line.created_at = row.Int(8);
        return line;
      });
}

Result<PageOf<PartnerRedemptionLine>> PartnerActivityStore::Redemptions(int64_t partner_id,
                                                                        const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  return db::QueryPage<PartnerRedemptionLine>(
      conn_,
      {"SELECT request_id, member_id, points, discount_fen, created_at, cancelled_at "
       "FROM partner_redemptions",
       "SELECT COUNT(*) FROM partner_redemptions", " WHERE partner_id = ?",
       "created_at DESC, id DESC"},
      {db::Value(partner_id)}, page, [](const db::Row& row) {
        PartnerRedemptionLine line;
        line.request_id = row.Text(0);
        line.member_id = row.Int(1);
        line.points = row.Int(2);
        line.discount_fen = row.Int(3);
        line.created_at = row.Int(4);
        line.cancelled_at = row.Int(5);
        return line;
      });
}

}  // namespace mileage::points
