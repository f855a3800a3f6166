#include "coupons/coupon_service.h"

#include <map>

#include "coupons/access.h"
#include "coupons/coupon_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "members/member_store.h"
#include "org/validation.h"

namespace mileage::coupons {
namespace {

Status StockNotFound(int64_t id) { return NotFoundOf("stock", id, "STOCK_NOT_FOUND"); }
Status CouponNotFound(int64_t id) { return NotFoundOf("coupon", id, "COUPON_NOT_FOUND"); }

Status NotEligible(const Stock& stock) {
  return FailedPreconditionError(
      "stock " + std::to_string(stock.id) + " is for members of tier " + stock.min_tier + " and up",
      "NOT_ELIGIBLE");
}

}  // namespace

Result<std::vector<CouponDetail>> WithStocks(db::Connection& conn, std::vector<Coupon> coupons,
                                             int64_t now) {
  std::map<int64_t, Stock> stocks;
  std::vector<CouponDetail> out;
  out.reserve(coupons.size());
  for (Coupon& coupon : coupons) {
    auto found = stocks.find(coupon.stock_id);
    if (found == stocks.end()) {
      MILEAGE_ASSIGN_OR_RETURN(std::optional<Stock> stock, StockStore(conn).Find(coupon.stock_id));
      if (!stock.has_value())
        return InternalError("coupon " + std::to_string(coupon.id) + " has no stock");
      found = stocks.emplace(coupon.stock_id, std::move(*stock)).first;
    }
    if (coupon.state == CouponState::kIssued && now > coupon.expires_at) {
      coupon.state = CouponState::kExpired;
    }
    out.push_back({std::move(coupon), found->second});
  }
  return out;
}

Result<std::vector<ClaimableStock>> CouponService::ClaimableStocks(const MemberRef& member,
                                                                   int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member.member_id, "member_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<members::Member> found,
                           members::MemberStore(*conn, random_).Find(member.member_id));
  if (!found.has_value() || found->brand_id != member.brand_id) {
    return NotFoundError("member " + std::to_string(member.member_id) + " not found",
                         "MEMBER_NOT_FOUND");
  }
  MILEAGE_ASSIGN_OR_RETURN(std::vector<ClaimCandidate> candidates,
                           StockStore(*conn).ClaimCandidates(member.brand_id, member.member_id,
                                                             BeijingDay(now), now, kMaxOffered));
  std::vector<ClaimableStock> out;
  for (ClaimCandidate& c : candidates) {
    const Stock& s = c.stock;
    if (c.remaining <= 0 || c.member_slots >= s.per_member_limit ||
        (s.daily_quantity > 0 && c.issued_today >= s.daily_quantity) ||
        !MeetsTier(tiers_, s.min_tier, found->tier)) {
      continue;
    }
    out.push_back({std::move(c.stock), c.remaining, c.member_slots});
  }
  return out;
}

Result<Coupon> CouponService::ClaimIn(db::Connection& conn, const MemberRef& member,
                                      int64_t stock_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<IssueContext> context,
                           StockStore(conn).LoadForIssue(stock_id, member.member_id));
  if (!context.has_value() || context->stock.node.brand_id != member.brand_id) {
    return StockNotFound(stock_id);
  }
  MILEAGE_RETURN_IF_ERROR(CheckIssuing(context->stock, Channel::kClaim, now));
  if (!context->stock.min_tier.empty()) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<members::Member> found,
                             members::MemberStore(conn, random_).Find(member.member_id));
    if (!found.has_value() || !MeetsTier(tiers_, context->stock.min_tier, found->tier)) {
      return NotEligible(context->stock);
    }
  }
  return issuer_.Issue(conn, *context, {member.member_id, Channel::kClaim, std::nullopt, now});
}

Result<Coupon> CouponService::Claim(const MemberRef& member, int64_t stock_id, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member.member_id, "member_id"));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(stock_id, "stock_id"));
  std::optional<Coupon> issued;
  const Status status = transactions_.Run(
      [&](db::Connection& conn) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(Coupon coupon, ClaimIn(conn, member, stock_id, now));
        issued = std::move(coupon);
        return Status::Ok();
      },
      kIssueAttempts);
  if (status.code() == StatusCode::kAborted) {
    // Whether the last loss was a race for a unit or a deadlock, the client's answer is one.
    return AbortedError("the claim of stock " + std::to_string(stock_id) + " lost " +
                        std::to_string(kIssueAttempts) + " races in a row; retry");
  }
  MILEAGE_RETURN_IF_ERROR(status);
  return std::move(*issued);
}

Result<CouponDetail> CouponService::FindOwned(db::Connection& conn, const MemberRef& member,
                                              int64_t coupon_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Coupon> coupon, CouponStore(conn).Find(coupon_id));
  if (!coupon.has_value() || coupon->member_id != member.member_id ||
      coupon->brand_id != member.brand_id) {
    return CouponNotFound(coupon_id);
  }
  MILEAGE_ASSIGN_OR_RETURN(std::vector<CouponDetail> details,
                           WithStocks(conn, {std::move(*coupon)}, now));
  return std::move(details.front());
}

Result<PageOf<CouponDetail>> CouponService::MemberCoupons(const MemberRef& member,
                                                          const std::optional<CouponState>& state,
                                                          const PageRequest& page, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member.member_id, "member_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(PageOf<Coupon> coupons,
                           CouponStore(*conn).OfMember(member.member_id, state, page, now));
  PageOf<CouponDetail> out;
  out.total = coupons.total;
  out.request = coupons.request;
  MILEAGE_ASSIGN_OR_RETURN(out.items, WithStocks(*conn, std::move(coupons.items), now));
  return out;
}

Result<int64_t> CouponService::UsableCount(const MemberRef& member, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member.member_id, "member_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return UsableCount(*conn, member, now);
}

Result<int64_t> CouponService::UsableCount(db::Connection& conn, const MemberRef& member,
                                           int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member.member_id, "member_id"));
  return CouponStore(conn).CountUsableOfMember(member.member_id, now);
}

Result<CouponDetail> CouponService::MemberCoupon(const MemberRef& member, int64_t coupon_id,
                                                 int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member.member_id, "member_id"));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(coupon_id, "coupon_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return FindOwned(*conn, member, coupon_id, now);
}

Result<QrToken> CouponService::MemberQrToken(const MemberRef& member, int64_t coupon_id,
                                             int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(CouponDetail detail, MemberCoupon(member, coupon_id, now));
  MILEAGE_RETURN_IF_ERROR(CheckUsable(detail.coupon, now));
  MILEAGE_RETURN_IF_ERROR(CheckHolder(detail.coupon, ""));
  return tokens_.Mint(coupon_id, now);
}

}  // namespace mileage::coupons
