#include "server/console/coupon_json.h"

#include "coupons/codes.h"
#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {

void WriteStockTerms(JsonWriter& w, const coupons::Stock& s) {
  WriteText(w, "name", s.name);
  WriteText(w, "description", s.description);
  WriteText(w, "type", coupons::StockTypeName(s.type));
  WriteInt(w, "value_fen", s.value_fen);
  WriteInt(w, "threshold_fen", s.threshold_fen);
  WriteInt(w, "percent_off", s.percent_off);
  WriteInt(w, "max_discount_fen", s.max_discount_fen);
  WriteText(w, "item", s.item);
  WriteOptionalTime(w, "valid_from", s.valid_from);
  WriteOptionalTime(w, "valid_until", s.valid_until);
  WriteInt(w, "valid_days", s.valid_days);
}

namespace {

void WriteStockFields(JsonWriter& w, const coupons::Stock& s) {
  WriteInt(w, "id", s.id);
  w.Key("node");
  w.StartObject();
  WriteText(w, "type", org::NodeTypeName(s.node.type));
  WriteInt(w, "id", s.node.id());
  w.EndObject();
  WritePathIds(w, s.node);
  WriteStockTerms(w, s);
  WriteInt(w, "total_quantity", s.total_quantity);
  WriteInt(w, "per_member_limit", s.per_member_limit);
  WriteInt(w, "daily_quantity", s.daily_quantity);
  WriteInt(w, "budget_fen", s.budget_fen);
  WriteText(w, "min_tier", s.min_tier);
  WriteArray(w, "channels", s.channels,
             [&w](coupons::Channel c) { WriteString(w, coupons::ChannelName(c)); });
  WriteInt(w, "reward_min_amount_fen", s.reward_min_amount_fen);
  WriteBool(w, "reward_first_payment_only", s.reward_first_payment_only);
  WriteArray(w, "store_ids", s.stores, [&w](const org::NodePath& store) { w.Int64(store.id()); });
  WriteText(w, "state", coupons::StockStateName(s.state));
  WriteOptionalInt(w, "created_by", s.created_by);
  WriteTime(w, "created_at", s.created_at);
  WriteTime(w, "updated_at", s.updated_at);
}

void WriteCouponFields(JsonWriter& w, const coupons::Coupon& c) {
  WriteInt(w, "id", c.id);
  WriteText(w, "code", coupons::FormatCouponCode(c.code));
  WriteInt(w, "brand_id", c.brand_id);
  WriteInt(w, "stock_id", c.stock_id);
  WriteInt(w, "member_id", c.member_id);
  WriteText(w, "channel", coupons::ChannelName(c.channel));
  w.Key("source_ref");
  if (c.source_ref.has_value()) {
    WriteString(w, *c.source_ref);
  } else {
    w.Null();
  }
  WriteText(w, "state", coupons::CouponStateName(c.state));
  WriteTime(w, "issued_at", c.issued_at);
  WriteTime(w, "valid_from", c.valid_from);
  WriteTime(w, "expires_at", c.expires_at);
  WriteOptionalTime(w, "redeemed_at", c.redeemed_at.value_or(0));
  WriteOptionalInt(w, "redemption_id", c.redemption_id);
  WriteOptionalTime(w, "voided_at", c.voided_at.value_or(0));
  WriteText(w, "void_reason", c.void_reason);
  WriteBool(w, "reward_refunded_after_redemption", c.reward_refunded_after_redemption);
  WriteTime(w, "updated_at", c.updated_at);
}

}  // namespace

void WriteStock(JsonWriter& w, const coupons::Stock& stock) {
  w.StartObject();
  WriteStockFields(w, stock);
  w.EndObject();
}

void WriteStockView(JsonWriter& w, const coupons::StockView& view) {
  w.StartObject();
  WriteStockFields(w, view.stock);
  WriteInt(w, "issued", view.issued);
  WriteInt(w, "redeemed", view.redeemed);
  WriteInt(w, "expired", view.expired);
  WriteInt(w, "voided", view.voided);
  WriteInt(w, "remaining", view.remaining);
  w.EndObject();
}

void WriteCoupon(JsonWriter& w, const coupons::Coupon& coupon) {
  w.StartObject();
  WriteCouponFields(w, coupon);
  w.EndObject();
}

void WriteCouponDetail(JsonWriter& w, const coupons::CouponDetail& detail) {
  w.StartObject();
  WriteCouponFields(w, detail.coupon);
  w.Key("stock");
  WriteStock(w, detail.stock);
  w.EndObject();
}

void WriteRedemption(JsonWriter& w, const coupons::Redemption& r) {
  w.StartObject();
  WriteInt(w, "id", r.id);
  WriteInt(w, "coupon_id", r.coupon_id);
  WriteInt(w, "stock_id", r.stock_id);
  WriteInt(w, "member_id", r.member_id);
  WritePathIds(w, r.store);
  WriteOptionalInt(w, "staff_id", r.staff_id);
  WriteText(w, "request_id", r.request_id);
  WriteInt(w, "order_amount_fen", r.order_amount_fen);
  WriteInt(w, "discount_fen", r.discount_fen);
  WriteTime(w, "created_at", r.created_at);
  WriteOptionalTime(w, "reversed_at", r.reversed_at.value_or(0));
  WriteOptionalInt(w, "reversed_by", r.reversed_by);
  WriteText(w, "reverse_reason", r.reverse_reason);
  w.EndObject();
}

void WriteRedemptionResult(JsonWriter& w, const coupons::RedemptionResult& result) {
  w.StartObject();
  w.Key("redemption");
  WriteRedemption(w, result.redemption);
  w.Key("coupon");
  WriteCoupon(w, result.coupon);
  WriteInt(w, "discount_fen", result.redemption.discount_fen);
  w.EndObject();
}

void WriteGrantOutcomes(JsonWriter& w, const std::vector<coupons::GrantOutcome>& outcomes) {
  int64_t issued = 0;
  int64_t already = 0;
  w.StartObject();
  WriteArray(w, "outcomes", outcomes, [&](const coupons::GrantOutcome& o) {
    if (o.outcome == "issued") ++issued;
    if (o.outcome == "already_granted") ++already;
    w.StartObject();
    w.Key("member");
    if (o.target.member_id.has_value()) {
      w.Int64(*o.target.member_id);
    } else {
      WriteString(w, o.target.member_number);
    }
    WriteOptionalId(w, "member_id", o.member_id);
    WriteText(w, "outcome", o.outcome);
    w.Key("coupon");
    if (o.coupon.has_value()) {
      WriteCoupon(w, *o.coupon);
    } else {
      w.Null();
    }
    w.EndObject();
  });
  WriteInt(w, "issued", issued);
  WriteInt(w, "already_granted", already);
  WriteInt(w, "refused", static_cast<int64_t>(outcomes.size()) - issued - already);
  w.EndObject();
}

}  // namespace mileage::server
