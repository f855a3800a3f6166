#include "coupons/member_privacy.h"

#include "coupons/coupon_store.h"
#include "db/outbox.h"

namespace mileage::coupons {

Result<std::vector<db::ExportSection>> ExportMemberCoupons(db::Connection& conn,
                                                           int64_t member_id) {
  std::vector<db::ExportSection> out;
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection coupons,
      db::QuerySection(conn, "coupons",
                       {"id", "code", "stock_id", "channel", "state", "issued_at", "valid_from",
                        "expires_at", "redeemed_at", "voided_at"},
                       "SELECT id, code, stock_id, channel, state, issued_at, valid_from, "
                       "expires_at, redeemed_at, voided_at FROM coupons WHERE member_id = ? "
                       "ORDER BY id",
                       {db::Value(member_id)}));
  out.push_back(std::move(coupons));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection redemptions,
      db::QuerySection(conn, "coupon_redemptions",
                       {"id", "coupon_id", "store_id", "order_amount_fen", "discount_fen",
                        "created_at", "reversed_at"},
                       "SELECT id, coupon_id, store_id, order_amount_fen, discount_fen, "
                       "created_at, reversed_at FROM coupon_redemptions WHERE member_id = ? "
                       "ORDER BY id",
                       {db::Value(member_id)}));
  out.push_back(std::move(redemptions));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection orders,
      db::QuerySection(
          conn, "package_orders",
          {"id", "package_id", "store_id", "amount_fen", "state", "created_at", "paid_at"},
          "SELECT id, package_id, store_id, amount_fen, state, created_at, paid_at "
          "FROM package_orders WHERE member_id = ? ORDER BY id",
          {db::Value(member_id)}));
  out.push_back(std::move(orders));
  return out;
}

Status EraseMemberCoupons(db::Connection& conn, int64_t member_id, int64_t now) {
  CouponStore coupons(conn);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Coupon> issued, coupons.IssuedOfMember(member_id));
  for (const Coupon& coupon : issued) {
    MILEAGE_ASSIGN_OR_RETURN(bool voided, coupons.Void(coupon.id, "member deleted", now));
    if (!voided) continue;
    MILEAGE_RETURN_IF_ERROR(db::AddOutboxEvent(
        conn, "coupon.voided", coupon.brand_id, std::to_string(coupon.id),
        db::PayloadJson(
            {{"coupon_id", coupon.id}, {"stock_id", coupon.stock_id}, {"member_id", member_id}}),
        now));
  }
  return Status::Ok();
}

}  // namespace mileage::coupons
