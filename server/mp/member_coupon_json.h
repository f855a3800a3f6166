#pragma once

#include "coupons/package_types.h"
#include "coupons/types.h"
#include "server/http/json.h"

namespace mileage::server {

// The JSON of the member API's coupons, stocks, packages and orders (docs/API.md, "Coupons
// (member side)" and "Packages and orders"): what a member sees, none of the console's numbers.

// MEMBER_STOCK's fields (what a coupon is worth, when it is valid, the limit and where it is
// redeemed; not the total, budget, channels, reward rule, state or who made it), written into
// an open object.
void WriteMemberStockFields(JsonWriter& w, const coupons::Stock& stock);
// MEMBER_COUPON's fields, written into an open object; "reserved_for_appointment_id" is the
// appointment holding the coupon (care::HoldingAppointment), null when none does.
void WriteMemberCouponFields(JsonWriter& w, const coupons::Coupon& coupon);
// MEMBER_COUPON; the detail adds "stock":MEMBER_STOCK.
void WriteMemberCoupon(JsonWriter& w, const coupons::Coupon& coupon);
void WriteMemberCouponDetail(JsonWriter& w, const coupons::CouponDetail& detail);
// PACKAGE: {"id","name","description","price_fen","store":{"id","name"},
// "items":[{"stock_id","quantity","stock":MEMBER_STOCK}]}.
void WriteMemberPackage(JsonWriter& w, const coupons::Package& package);
// ORDER: {"id","package_id","package_name","amount_fen","state","out_trade_no","created_at",
// "paid_at","coupons":[MEMBER_COUPON + "stock":MEMBER_STOCK]}.
void WriteMemberOrder(JsonWriter& w, const coupons::OrderDetail& order);

}  // namespace mileage::server
