#include "coupons/rules.h"

#include <algorithm>
#include <set>
#include <string>

#include "common/civil_time.h"
#include "members/member_store.h"
#include "org/validation.h"

namespace mileage::coupons {
namespace {

Status Invalid(const std::string& message) {
  return InvalidArgumentError(message, "INVALID_STOCK");
}

// `field` must lie in lo..hi.
Status InRange(int64_t value, int64_t lo, int64_t hi, const char* field) {
  if (value < lo || value > hi) {
    return Invalid(std::string(field) + " must be " + std::to_string(lo) + ".." +
                   std::to_string(hi));
  }
  return Status::Ok();
}

// A field that does not apply to the stock's type must be left at 0.
Status Unused(int64_t value, const char* field, const char* applies_to) {
  if (value != 0) return Invalid(std::string(field) + " applies to " + applies_to + " stocks only");
  return Status::Ok();
}

// The text rules of org::ValidateText, reported as INVALID_STOCK.
Status Text(std::string_view text, const char* field, size_t min_chars, size_t max_chars) {
  Status valid = org::ValidateText(text, field, min_chars, max_chars);
  if (!valid.ok()) return Invalid(valid.message());
  return Status::Ok();
}

Status ValidateValue(const NewStock& s) {
  constexpr int64_t kMax = NewStock::kMaxMoneyFen;
  switch (s.type) {
    case StockType::kCash:
      MILEAGE_RETURN_IF_ERROR(InRange(s.value_fen, 1, kMax, "value_fen"));
      MILEAGE_RETURN_IF_ERROR(InRange(s.threshold_fen, 0, kMax, "threshold_fen"));
      MILEAGE_RETURN_IF_ERROR(Unused(s.percent_off, "percent_off", "discount"));
      MILEAGE_RETURN_IF_ERROR(Unused(s.max_discount_fen, "max_discount_fen", "discount"));
      if (!s.item.empty()) return Invalid("item applies to exchange stocks only");
      return InRange(s.budget_fen, 0, NewStock::kMaxBudgetFen, "budget_fen");
    case StockType::kDiscount:
      MILEAGE_RETURN_IF_ERROR(Unused(s.value_fen, "value_fen", "cash"));
      MILEAGE_RETURN_IF_ERROR(InRange(s.threshold_fen, 0, kMax, "threshold_fen"));
      MILEAGE_RETURN_IF_ERROR(InRange(s.percent_off, 1, 99, "percent_off"));
      MILEAGE_RETURN_IF_ERROR(InRange(s.max_discount_fen, 0, kMax, "max_discount_fen"));
      if (!s.item.empty()) return Invalid("item applies to exchange stocks only");
      return Unused(s.budget_fen, "budget_fen", "cash");
    case StockType::kExchange:
      MILEAGE_RETURN_IF_ERROR(Unused(s.value_fen, "value_fen", "cash"));
      MILEAGE_RETURN_IF_ERROR(Unused(s.threshold_fen, "threshold_fen", "cash and discount"));
      MILEAGE_RETURN_IF_ERROR(Unused(s.percent_off, "percent_off", "discount"));
      MILEAGE_RETURN_IF_ERROR(Unused(s.max_discount_fen, "max_discount_fen", "discount"));
      MILEAGE_RETURN_IF_ERROR(Text(s.item, "item", 1, 64));
      return Unused(s.budget_fen, "budget_fen", "cash");
  }
  return Invalid("unknown type");
}

Status ValidateValidity(const NewStock& s, int64_t now) {
  constexpr int64_t kMaxDays = NewStock::kMaxValidDays;
  if (s.valid_days != 0) {
    if (s.valid_from != 0 || s.valid_until != 0) {
      return Invalid("give either valid_days or valid_from and valid_until, not both");
    }
    return InRange(s.valid_days, 1, kMaxDays, "valid_days");
  }
  if (s.valid_from <= 0 || s.valid_until <= 0) {
    return Invalid("give valid_days (1.." + std::to_string(kMaxDays) +
                   ") or a window valid_from..valid_until");
  }
  if (s.valid_until <= s.valid_from) return Invalid("valid_until must be after valid_from");
  if (s.valid_until <= now) return Invalid("valid_until is in the past");
  if (s.valid_until - s.valid_from > kMaxDays * civil::kSecondsPerDay) {
    return Invalid("the window may last at most " + std::to_string(kMaxDays) + " days");
  }
  return Status::Ok();
}

Status ValidateQuantities(const NewStock& s) {
  MILEAGE_RETURN_IF_ERROR(
      InRange(s.total_quantity, 1, NewStock::kMaxTotalQuantity, "total_quantity"));
  MILEAGE_RETURN_IF_ERROR(
      InRange(s.per_member_limit, 1, NewStock::kMaxPerMemberLimit, "per_member_limit"));
  MILEAGE_RETURN_IF_ERROR(InRange(s.daily_quantity, 0, s.total_quantity, "daily_quantity"));
  if (s.budget_fen > 0 && s.budget_fen < s.value_fen) {
    return Invalid("budget_fen must pay for at least one coupon (value_fen)");
  }
  return Status::Ok();
}

Status ValidateChannels(const NewStock& s) {
  if (s.channels.empty())
    return Invalid("channels must name at least one of claim, payment, grant");
  if (s.channels.count(Channel::kPayment) == 0) {
    if (s.reward_min_amount_fen != 0 || s.reward_first_payment_only) {
      return Invalid(
          "reward_min_amount_fen and reward_first_payment_only need the payment channel");
    }
    return Status::Ok();
  }
  return InRange(s.reward_min_amount_fen, 0, NewStock::kMaxMoneyFen, "reward_min_amount_fen");
}

}  // namespace

Status ValidateNewStock(const NewStock& stock, const members::TierPolicy& tiers, int64_t now) {
  if (stock.node_id <= 0) {
    return InvalidArgumentError("the node id must be a positive integer id", "INVALID_ID");
  }
  MILEAGE_RETURN_IF_ERROR(Text(stock.name, "name", 1, 64));
  MILEAGE_RETURN_IF_ERROR(Text(stock.description, "description", 0, 255));
  MILEAGE_RETURN_IF_ERROR(ValidateValue(stock));
  MILEAGE_RETURN_IF_ERROR(ValidateValidity(stock, now));
  MILEAGE_RETURN_IF_ERROR(ValidateQuantities(stock));
  MILEAGE_RETURN_IF_ERROR(ValidateChannels(stock));
  MILEAGE_RETURN_IF_ERROR(ValidateStoreIds(stock.store_ids));
  if (!stock.min_tier.empty() && !members::TierRank(tiers, stock.min_tier).has_value()) {
    std::string known;
    for (const members::TierRule& rule : tiers.tiers)
      known += (known.empty() ? "" : ", ") + rule.name;
    return InvalidArgumentError("min_tier is not a tier (tiers: " + known + ")", "UNKNOWN_TIER");
  }
  return Status::Ok();
}

Status ValidateStoreIds(const std::vector<int64_t>& ids) {
  if (ids.size() > NewStock::kMaxStores) {
    return Invalid("store_ids may name at most " + std::to_string(NewStock::kMaxStores) +
                   " stores");
  }
  std::set<int64_t> seen;
  for (int64_t id : ids) {
    if (id <= 0) return Invalid("store_ids must be positive ids");
    if (!seen.insert(id).second)
      return Invalid("store_ids names store " + std::to_string(id) + " twice");
  }
  return Status::Ok();
}

int64_t EffectiveTotal(int64_t total_quantity, int64_t budget_fen, int64_t value_fen) {
  if (budget_fen <= 0 || value_fen <= 0) return total_quantity;
  return std::min(total_quantity, budget_fen / value_fen);
}

int64_t EffectiveTotal(const Stock& stock) {
  return EffectiveTotal(stock.total_quantity, stock.budget_fen, stock.value_fen);
}

std::vector<int64_t> ShardCaps(int64_t effective_total) {
  return SplitIncrease(effective_total, effective_total >= kShardedFrom ? kShards : 1);
}

std::vector<int64_t> SplitIncrease(int64_t increase, int64_t shards) {
  std::vector<int64_t> parts(static_cast<size_t>(std::max<int64_t>(shards, 1)));
  const int64_t n = static_cast<int64_t>(parts.size());
  for (int64_t i = 0; i < n; ++i) {
    parts[static_cast<size_t>(i)] = increase / n + (i < increase % n ? 1 : 0);
  }
  return parts;
}

int64_t CouponValidFrom(const Stock& stock, int64_t issued_at) {
  return stock.valid_days > 0 ? issued_at : stock.valid_from;
}

int64_t CouponExpiresAt(const Stock& stock, int64_t issued_at) {
  if (stock.valid_days <= 0) return stock.valid_until;
  const int64_t day = civil::DaysFromCivil(civil::BeijingDate(issued_at));
  return civil::BeijingStartOfDay(civil::CivilFromDays(day + stock.valid_days)) - 1;
}

int64_t BeijingDay(int64_t now) {
  const civil::Date date = civil::BeijingDate(now);
  return date.year * 10000 + date.month * 100 + date.day;
}

Status CheckIssuing(const Stock& stock, Channel channel, int64_t now) {
  if (stock.state != StockState::kActive) {
    return FailedPreconditionError(
        "stock " + std::to_string(stock.id) + " is " + std::string(StockStateName(stock.state)),
        "NOT_ACTIVE");
  }
  if (stock.valid_days == 0 && now > stock.valid_until) {
    return FailedPreconditionError("stock " + std::to_string(stock.id) + "'s window is over",
                                   "NOT_ACTIVE");
  }
  if (!stock.Takes(channel)) {
    return FailedPreconditionError("stock " + std::to_string(stock.id) + " does not issue by " +
                                       std::string(ChannelName(channel)),
                                   "NOT_ELIGIBLE");
  }
  return Status::Ok();
}

bool MeetsTier(const members::TierPolicy& tiers, std::string_view min_tier,
               std::string_view member_tier) {
  if (min_tier.empty()) return true;
  const std::optional<size_t> needed = members::TierRank(tiers, min_tier);
  const std::optional<size_t> held = members::TierRank(tiers, member_tier);
  return needed.has_value() && held.has_value() && *held >= *needed;
}

Result<int64_t> DiscountFor(const Stock& stock, int64_t order_amount_fen) {
  if (order_amount_fen < 0 || order_amount_fen > kMaxOrderFen) {
    return InvalidArgumentError("order_amount_fen must be 0.." + std::to_string(kMaxOrderFen),
                                "INVALID_ORDER_AMOUNT");
  }
  if (stock.type == StockType::kExchange) return int64_t{0};
  if (order_amount_fen == 0) {
    return InvalidArgumentError(
        "order_amount_fen is required for a " + std::string(StockTypeName(stock.type)) + " coupon",
        "INVALID_ORDER_AMOUNT");
  }
  if (order_amount_fen < stock.threshold_fen) {
    return FailedPreconditionError("the order is below the coupon's threshold of " +
                                       std::to_string(stock.threshold_fen) + " fen",
                                   "BELOW_THRESHOLD");
  }
  int64_t discount = stock.value_fen;
  if (stock.type == StockType::kDiscount) {
    discount = order_amount_fen * stock.percent_off / 100;  // both non-negative: / floors
    if (stock.max_discount_fen > 0) discount = std::min(discount, stock.max_discount_fen);
  }
  return std::min(discount, order_amount_fen);
}

Status CheckUsable(const Coupon& coupon, int64_t now) {
  const std::string label = "coupon " + std::to_string(coupon.id);
  switch (coupon.state) {
    case CouponState::kRedeemed:
      return FailedPreconditionError(label + " was redeemed already", "ALREADY_REDEEMED");
    case CouponState::kExpired:
      return FailedPreconditionError(label + " has expired", "COUPON_EXPIRED");
    case CouponState::kVoided:
      return FailedPreconditionError(label + " was voided", "COUPON_VOIDED");
    case CouponState::kIssued:
      break;
  }
  if (now > coupon.expires_at) {
    return FailedPreconditionError(label + " has expired", "COUPON_EXPIRED");
  }
  if (now < coupon.valid_from) {
    return FailedPreconditionError(
        label + " is not valid before " + civil::FormatRfc3339Utc(coupon.valid_from),
        "COUPON_NOT_YET_VALID");
  }
  return Status::Ok();
}

Status CheckHolder(const Coupon& coupon, const std::string& reservation) {
  if (coupon.reserved_for == reservation) return Status::Ok();
  const std::string label = "coupon " + std::to_string(coupon.id);
  if (reservation.empty()) {
    return FailedPreconditionError(label + " is held for an appointment", "COUPON_RESERVED");
  }
  return FailedPreconditionError(label + " is not held for " + reservation, "COUPON_NOT_HELD");
}

Status CheckTransition(StockState from, StockState to) {
  const bool allowed = (from == StockState::kDraft && to == StockState::kActive) ||
                       (from == StockState::kActive && to == StockState::kPaused) ||
                       (from == StockState::kPaused && to == StockState::kActive) ||
                       (from == StockState::kActive && to == StockState::kEnded) ||
                       (from == StockState::kPaused && to == StockState::kEnded);
  if (allowed) return Status::Ok();
  return FailedPreconditionError("a stock cannot go from " + std::string(StockStateName(from)) +
                                     " to " + std::string(StockStateName(to)),
                                 "INVALID_STATE_TRANSITION");
}

Status ValidateRequestId(std::string_view request_id) {
  bool ok = !request_id.empty() && request_id.size() <= 64;
  for (char c : request_id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-');
  }
  if (!ok) {
    return InvalidArgumentError("request_id must be 1..64 of A-Z a-z 0-9 _ -",
                                "INVALID_REQUEST_ID");
  }
  return Status::Ok();
}

}  // namespace mileage::coupons
