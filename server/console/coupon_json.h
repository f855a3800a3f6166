#pragma once

#include <vector>

#include "coupons/grant_service.h"
#include "coupons/types.h"
#include "server/http/json.h"

namespace mileage::server {

// The JSON of stocks, coupons, grants and redemptions in console answers (docs/API.md,
// "Coupons (console)"). Money in fen, times RFC 3339 UTC (null when absent), codes formatted
// XXXX-XXXX-XXXX-XXXX-C.

// What a coupon of the stock is worth and when it is valid (name .. valid_days): the fields the
// console's STOCK and the member's MEMBER_STOCK share, written into an open object.
void WriteStockTerms(JsonWriter& w, const coupons::Stock& stock);
// STOCK; the view adds issued, redeemed, expired, voided and remaining.
void WriteStock(JsonWriter& w, const coupons::Stock& stock);
void WriteStockView(JsonWriter& w, const coupons::StockView& view);
// COUPON; the detail adds "stock":STOCK.
void WriteCoupon(JsonWriter& w, const coupons::Coupon& coupon);
void WriteCouponDetail(JsonWriter& w, const coupons::CouponDetail& detail);
void WriteRedemption(JsonWriter& w, const coupons::Redemption& redemption);
// {"redemption":REDEMPTION,"coupon":COUPON,"discount_fen"}
void WriteRedemptionResult(JsonWriter& w, const coupons::RedemptionResult& result);
// {"outcomes":[{"member","member_id","outcome","coupon"}...],"issued","already_granted",
// "refused"}: "member" as the request named them, member_id null and coupon null when none.
void WriteGrantOutcomes(JsonWriter& w, const std::vector<coupons::GrantOutcome>& outcomes);

}  // namespace mileage::server
