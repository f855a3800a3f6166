#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "coupons/types.h"
#include "members/types.h"

namespace mileage::coupons {

// The pure rules of stocks and coupons (no storage), shared by the services and the tests'
// reading of them in docs/API.md. Safe for concurrent use.

// InvalidArgument INVALID_STOCK (the message names the field) unless every field of `stock`
// keeps the rules of NewStock's comment: the type's own fields in range and the others 0 / "";
// a fixed window with 0 < valid_from < valid_until, valid_until after `now`, at most
// kMaxValidDays long; or valid_days 1..kMaxValidDays; total, per-member limit, daily quantity
// (<= total) and budget (cash only, at least one coupon's value) in range; at least one
// channel; reward fields only with the payment channel; at most kMaxStores distinct positive
// store ids. UNKNOWN_TIER when min_tier is not a tier of `tiers`. Names and texts: 1..64
// characters (description 0..255) of UTF-8 without control characters.
Status ValidateNewStock(const NewStock& stock, const members::TierPolicy& tiers, int64_t now);

// INVALID_STOCK unless at most NewStock::kMaxStores distinct positive ids.
Status ValidateStoreIds(const std::vector<int64_t>& ids);

// What may be issued: the total, or fewer when a cash budget pays for fewer
// (min(total, budget / value)).
int64_t EffectiveTotal(int64_t total_quantity, int64_t budget_fen, int64_t value_fen);
int64_t EffectiveTotal(const Stock& stock);

// The counter shards of a new stock: kShards for an effective total of kShardedFrom or more,
// else one; caps as even as possible, summing to the total.
inline constexpr int64_t kShards = 16;
inline constexpr int64_t kShardedFrom = 1000;
std::vector<int64_t> ShardCaps(int64_t effective_total);
// `increase` spread over `shards` shards as evenly as possible (the first ones get the rest).
std::vector<int64_t> SplitIncrease(int64_t increase, int64_t shards);

// When a coupon issued at `issued_at` becomes usable and the last second it is usable: the
// stock's window, or from issue to 23:59:59 Beijing time of the (valid_days - 1)-th day after
// the Beijing day of issue.
int64_t CouponValidFrom(const Stock& stock, int64_t issued_at);
int64_t CouponExpiresAt(const Stock& stock, int64_t issued_at);

// The Beijing calendar day of `now` as yyyymmdd (the day counters' key).
int64_t BeijingDay(int64_t now);

// Whether `stock` issues through `channel` at `now`, before quantities: FailedPrecondition
// NOT_ACTIVE unless it is active and, for a fixed window, now <= valid_until; NOT_ELIGIBLE when
// it does not take the channel.
Status CheckIssuing(const Stock& stock, Channel channel, int64_t now);

// Whether a member of `member_tier` meets `min_tier` ("" = everyone; else that tier or a
// higher one of the policy). A tier the policy no longer has meets nothing but "".
bool MeetsTier(const members::TierPolicy& tiers, std::string_view min_tier,
               std::string_view member_tier);

// The discount a coupon of `stock` gives on an order of `order_amount_fen`: cash its value,
// discount floor(order x percent_off / 100) capped by max_discount_fen (0 = no cap), never more
// than the order; exchange 0. InvalidArgument INVALID_ORDER_AMOUNT for an amount outside
// 0..kMaxOrderFen, or 0 for a cash or discount coupon; FailedPrecondition BELOW_THRESHOLD when a
// cash or discount coupon's threshold is above the order.
inline constexpr int64_t kMaxOrderFen = 100'000'000'000;  // 1 billion yuan
Result<int64_t> DiscountFor(const Stock& stock, int64_t order_amount_fen);

// Whether `coupon` can be redeemed (or shown as a QR token) at `now`: FailedPrecondition
// ALREADY_REDEEMED, COUPON_EXPIRED (expired, or issued but past expires_at), COUPON_VOIDED or
// COUPON_NOT_YET_VALID (before valid_from); OK otherwise.
Status CheckUsable(const Coupon& coupon, int64_t now);

// Whether `reservation` may use `coupon` (Coupon::reserved_for): OK when it is the coupon's
// holder ("" for a coupon nothing holds). Otherwise FailedPrecondition COUPON_RESERVED for ""
// (the counter, a QR token: the coupon is held for an appointment) and COUPON_NOT_HELD for a
// holder other than the coupon's.
Status CheckHolder(const Coupon& coupon, const std::string& reservation);

// FailedPrecondition INVALID_STATE_TRANSITION unless `from` -> `to` is one of draft->active,
// active->paused, paused->active, active->ended, paused->ended.
Status CheckTransition(StockState from, StockState to);

// InvalidArgument INVALID_REQUEST_ID unless 1..64 characters of [A-Za-z0-9_-].
Status ValidateRequestId(std::string_view request_id);

}  // namespace mileage::coupons
