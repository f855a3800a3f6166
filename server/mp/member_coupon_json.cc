#include "server/mp/member_coupon_json.h"

#include "care/types.h"
#include "coupons/codes.h"
#include "server/console/console_json.h"
#include "server/console/coupon_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {

void WriteMemberStockFields(JsonWriter& w, const coupons::Stock& stock) {
  WriteInt(w, "id", stock.id);
  WriteStockTerms(w, stock);
  WriteInt(w, "per_member_limit", stock.per_member_limit);
  WriteText(w, "min_tier", stock.min_tier);
  WritePathIds(w, stock.node);
  WriteArray(w, "store_ids", stock.stores,
             [&w](const org::NodePath& store) { w.Int64(store.store_id); });
}

void WriteMemberCouponFields(JsonWriter& w, const coupons::Coupon& coupon) {
  WriteInt(w, "id", coupon.id);
  WriteText(w, "code", coupons::FormatCouponCode(coupon.code));
  WriteInt(w, "stock_id", coupon.stock_id);
  WriteText(w, "state", coupons::CouponStateName(coupon.state));
  WriteText(w, "channel", coupons::ChannelName(coupon.channel));
  WriteTime(w, "issued_at", coupon.issued_at);
  WriteTime(w, "valid_from", coupon.valid_from);
  WriteTime(w, "expires_at", coupon.expires_at);
  WriteOptionalTime(w, "redeemed_at", coupon.redeemed_at.value_or(0));
  // A coupon held for an appointment stays `issued`; the hold says it is not the counter's.
  WriteOptionalInt(w, "reserved_for_appointment_id", care::HoldingAppointment(coupon.reserved_for));
}

void WriteMemberCoupon(JsonWriter& w, const coupons::Coupon& coupon) {
  w.StartObject();
  WriteMemberCouponFields(w, coupon);
  w.EndObject();
}

void WriteMemberCouponDetail(JsonWriter& w, const coupons::CouponDetail& detail) {
  w.StartObject();
  WriteMemberCouponFields(w, detail.coupon);
  w.Key("stock");
  w.StartObject();
  WriteMemberStockFields(w, detail.stock);
  w.EndObject();
  w.EndObject();
}

void WriteMemberPackage(JsonWriter& w, const coupons::Package& package) {
  w.StartObject();
  WriteInt(w, "id", package.id);
  WriteText(w, "name", package.name);
  WriteText(w, "description", package.description);
  WriteInt(w, "price_fen", package.price_fen);
  w.Key("store");
  w.StartObject();
  WriteInt(w, "id", package.store.store_id);
  WriteText(w, "name", package.store_name);
  w.EndObject();
  WriteArray(w, "items", package.items, [&w](const coupons::PackageItem& item) {
    w.StartObject();
    WriteInt(w, "stock_id", item.stock_id);
    WriteInt(w, "quantity", item.quantity);
    w.Key("stock");
    w.StartObject();
    WriteMemberStockFields(w, item.stock);
    w.EndObject();
    w.EndObject();
  });
  w.EndObject();
}

void WriteMemberOrder(JsonWriter& w, const coupons::OrderDetail& detail) {
  const coupons::PackageOrder& order = detail.order;
  w.StartObject();
  WriteInt(w, "id", order.id);
  WriteInt(w, "package_id", order.package_id);
  WriteText(w, "package_name", order.package_name);
  WriteInt(w, "amount_fen", order.amount_fen);
  WriteText(w, "state", coupons::OrderStateName(order.state));
  WriteText(w, "out_trade_no", order.out_trade_no);
  WriteTime(w, "created_at", order.created_at);
  WriteOptionalTime(w, "paid_at", order.paid_at.value_or(0));
  WriteArray(w, "coupons", detail.coupons,
             [&w](const coupons::CouponDetail& coupon) { WriteMemberCouponDetail(w, coupon); });
  w.EndObject();
}

}  // namespace mileage::server
