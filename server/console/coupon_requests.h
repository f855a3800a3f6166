#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <vector>

#include "common/civil_time.h"
#include "common/result.h"
#include "coupons/grant_service.h"
#include "coupons/redemption_service.h"
#include "coupons/types.h"

namespace mileage::server {

// The request parsers of the console's coupon routes (docs/API.md, "Coupons (console)"). They
// check the HTTP shape only: unknown members (UNKNOWN_FIELD, nested ones too), absent required
// members (MISSING_FIELD), wrong JSON types, integers beyond int64, bad enum names and times
// that are not RFC 3339 (INVALID_FIELD, naming the field). Ranges and combinations are the
// coupons services' to check. Pure functions; safe for concurrent use.

// POST /stocks: {"node":{"type","id"},"name","type","total_quantity","channels", and the other
// NewStock fields}; valid_from / valid_until are RFC 3339 times.
Result<coupons::NewStock> ParseNewStock(const httplib::Request& req);
// PATCH /stocks/{id}: any of "name", "description", "total_quantity", "daily_quantity",
// "valid_until", "store_ids", "state".
Result<coupons::StockPatch> ParseStockPatch(const httplib::Request& req);
// GET /stocks: ?state=&type= and at most one of ?brand_id=, region_id=, dealer_id=,
// store_id= (the node whose subtree the stocks were created in). INVALID_ID for a bad id.
Result<coupons::StockFilter> ParseStockFilter(const httplib::Request& req);

// POST /stocks/{id}/grants: {"request_id","members":[member id or 12-digit member number...]}.
struct GrantRequest {
  std::string request_id;
  std::vector<coupons::GrantTarget> targets;
};
Result<GrantRequest> ParseGrant(const httplib::Request& req);

// POST /redemptions: {"code" or "qr_token","store_id","order_amount_fen"?,"request_id"}.
// INVALID_ID for a store id that is not a positive integer.
Result<coupons::RedeemRequest> ParseRedeem(const httplib::Request& req);
// POST /redemptions/{id}/reverse: {"reason"}.
Result<std::string> ParseReverseReason(const httplib::Request& req);

// ?day=YYYY-MM-DD (a Beijing day), optional: INVALID_FIELD when malformed.
Result<std::optional<civil::Date>> QueryDay(const httplib::Request& req);
// ?state=issued|redeemed|expired|voided, optional: INVALID_FIELD otherwise.
Result<std::optional<coupons::CouponState>> QueryCouponState(const httplib::Request& req);

}  // namespace mileage::server
