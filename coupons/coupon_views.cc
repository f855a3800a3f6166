#include "coupons/coupon_views.h"

#include "common/random.h"
#include "coupons/codes.h"
#include "coupons/coupon_service.h"
#include "coupons/coupon_store.h"
#include "coupons/stock_store.h"
#include "members/member_store.h"
#include "org/validation.h"

namespace mileage::coupons {

Result<CouponDetail> CouponViews::FindByCode(const org::Actor& actor, std::string_view code,
                                             int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::string stored, NormalizeCouponCode(code));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kStockRead));
  const Status not_found =
      NotFoundError("coupon " + FormatCouponCode(stored) + " not found", "COUPON_NOT_FOUND");
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Coupon> coupon, CouponStore(*conn).FindByCode(stored));
  if (!coupon.has_value()) return not_found;
  MILEAGE_ASSIGN_OR_RETURN(std::vector<CouponDetail> details,
                           WithStocks(*conn, {std::move(*coupon)}, now));
  MILEAGE_RETURN_IF_ERROR(
      access_.CheckSees(actor, details.front().stock, org::Action::kStockRead, not_found));
  return std::move(details.front());
}

Result<PageOf<CouponDetail>> CouponViews::MemberCoupons(const org::Actor& actor, int64_t member_id,
                                                        const std::optional<CouponState>& state,
                                                        const PageRequest& page, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member_id, "member_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kStockRead));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  OsRandom no_draws;  // MemberStore wants a source; reads never draw
  MILEAGE_ASSIGN_OR_RETURN(std::optional<members::Member> member,
                           members::MemberStore(*conn, no_draws).Find(member_id));
  std::optional<org::NodePath> viewer;
  if (actor.staff.has_value()) viewer = actor.staff->scope;
  bool visible = member.has_value();
  if (visible && viewer.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(visible, visible_(*conn, *viewer, *member));
  }
  if (!visible) {
    return NotFoundError("member " + std::to_string(member_id) + " not found", "MEMBER_NOT_FOUND");
  }
  MILEAGE_ASSIGN_OR_RETURN(PageOf<Coupon> coupons,
                           CouponStore(*conn).OfMember(member_id, state, page, now, viewer));
  PageOf<CouponDetail> out;
  out.total = coupons.total;
  out.request = coupons.request;
  MILEAGE_ASSIGN_OR_RETURN(out.items, WithStocks(*conn, std::move(coupons.items), now));
  return out;
}

}  // namespace mileage::coupons
