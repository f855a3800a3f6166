#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/paging.h"
#include "common/result.h"
#include "coupons/access.h"
#include "coupons/grant_service.h"
#include "coupons/types.h"
#include "db/db.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::coupons {

// The console's read side of coupons: a coupon looked up by its code at the counter, and the
// coupons in a member's profile. Staff see a coupon when they see its stock (StockAccess) and,
// for a member's list, the member by the console's member rule (`visible`); anything else
// answers NotFound like an unknown code or member. Needs stock.read. Owned by the composition
// root; safe for concurrent use.
class CouponViews {
 public:
  CouponViews(db::Db& db, const org::Authorizer& authorizer, MemberVisibility visible)
      : db_(db), authorizer_(authorizer), access_(authorizer), visible_(std::move(visible)) {}

  // The coupon as of `now` (WithStocks). Errors: InvalidArgument INVALID_COUPON_CODE (codes.h,
  // before any lookup); NotFound COUPON_NOT_FOUND; PermissionDenied; the db errors.
  Result<CouponDetail> FindByCode(const org::Actor& actor, std::string_view code, int64_t now);
  // The member's coupons whose stocks the caller sees (all of them for the system actor), as of
  // `now`, newest first, optionally in one state. Errors: InvalidArgument INVALID_ID, INVALID_PAGE;
  // NotFound MEMBER_NOT_FOUND (unknown, another brand's, or one the caller does not see);
  // PermissionDenied; the db errors.
  Result<PageOf<CouponDetail>> MemberCoupons(const org::Actor& actor, int64_t member_id,
                                             const std::optional<CouponState>& state,
                                             const PageRequest& page, int64_t now);

 private:
  db::Db& db_;
  const org::Authorizer& authorizer_;
  const StockAccess access_;
  const MemberVisibility visible_;
};

}  // namespace mileage::coupons
