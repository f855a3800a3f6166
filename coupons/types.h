#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "org/types.h"

namespace mileage::coupons {

// What a coupon of a stock is worth (DESIGN.md section 4): cash off an order at or above a
// threshold (满减), a percentage off (折扣), or a named service or item (兑换).
enum class StockType { kCash, kDiscount, kExchange };
// A stock issues only while active; paused stops issuing until it is active again; ended is
// final. Coupons already issued stay usable in every state.
enum class StockState { kDraft, kActive, kPaused, kEnded };
// How a coupon reaches a member: the member claims it in the mini-program, a qualifying payment
// earns it, or staff grant it.
enum class Channel { kClaim, kPayment, kGrant };
enum class CouponState { kIssued, kRedeemed, kExpired, kVoided };

// "cash", "discount", "exchange"; "draft", "active", "paused", "ended"; "claim", "payment",
// "grant"; "issued", "redeemed", "expired", "voided". The Parse functions answer nullopt for
// any other text.
std::string_view StockTypeName(StockType type);
std::optional<StockType> ParseStockType(std::string_view name);
std::string_view StockStateName(StockState state);
std::optional<StockState> ParseStockState(std::string_view name);
std::string_view ChannelName(Channel channel);
std::optional<Channel> ParseChannel(std::string_view name);
std::string_view CouponStateName(CouponState state);
std::optional<CouponState> ParseCouponState(std::string_view name);

// A stock (campaign) as the console defines it (StockService::Create). Fields that do not
// apply to the type are 0 / "" (anything else is refused). Validity is either the fixed window
// valid_from..valid_until (Unix seconds, both inclusive, valid_days 0) or valid_days (1 = the
// Beijing day of issue, n = until 23:59:59 Beijing of the (n-1)-th day after it; the window 0).
// A value type.
struct NewStock {
  org::NodeType node_type = org::NodeType::kBrand;  // where the stock is created
  int64_t node_id = 0;
  std::string name;         // 1..64 characters
  std::string description;  // 0..255 characters
  StockType type = StockType::kCash;
  int64_t value_fen = 0;         // cash: 1..kMaxMoneyFen
  int64_t threshold_fen = 0;     // cash, discount: 0 (none)..kMaxMoneyFen
  int64_t percent_off = 0;       // discount: 1..99 (10 = 9折)
  int64_t max_discount_fen = 0;  // discount: 0 (no cap)..kMaxMoneyFen
  std::string item;              // exchange: 1..64 characters
  int64_t valid_from = 0;
  int64_t valid_until = 0;
  int64_t valid_days = 0;
  int64_t total_quantity = 0;    // 1..kMaxTotalQuantity
  int64_t per_member_limit = 1;  // 1..kMaxPerMemberLimit
  int64_t daily_quantity = 0;    // 0 (none)..total_quantity
  int64_t budget_fen = 0;        // cash only: 0 (none)..kMaxBudgetFen
  std::string min_tier;          // "" = any; else a tier of the deployment's TierPolicy
  std::set<Channel> channels;    // at least one
  // The payment channel's reward rule: a payment of at least this much (and at least 1 fen)
  // at one of the stock's stores earns a coupon; with first_payment_only, only the member's
  // first payment does.
  int64_t reward_min_amount_fen = 0;
  bool reward_first_payment_only = false;
  // Where coupons may be redeemed (and which payments earn the reward): active stores inside
  // the node's subtree, at most kMaxStores; empty = every store in the subtree.
  std::vector<int64_t> store_ids;

  static constexpr int64_t kMaxMoneyFen = 10'000'000'000;       // 100 million yuan
  static constexpr int64_t kMaxBudgetFen = 10'000'000'000'000;  // 100 billion yuan
  static constexpr int64_t kMaxTotalQuantity = 10'000'000;
  static constexpr int64_t kMaxPerMemberLimit = 100;
  static constexpr int64_t kMaxValidDays = 3650;
  static constexpr size_t kMaxStores = 500;
};

// A stock as stored. `node` is where it was created; `stores` are the paths of the stores where
// it may be redeemed, by id (empty: every store of the node's subtree). created_by is nullopt
// for the operator CLI. A value type.
struct Stock {
  int64_t id = 0;
  org::NodePath node;
  std::string name;
  std::string description;
  StockType type = StockType::kCash;
  int64_t value_fen = 0;
  int64_t threshold_fen = 0;
  int64_t percent_off = 0;
  int64_t max_discount_fen = 0;
  std::string item;
  int64_t valid_from = 0;
  int64_t valid_until = 0;
  int64_t valid_days = 0;
  int64_t total_quantity = 0;
  int64_t per_member_limit = 1;
  int64_t daily_quantity = 0;
  int64_t budget_fen = 0;
  std::string min_tier;
  std::set<Channel> channels;
  int64_t reward_min_amount_fen = 0;
  bool reward_first_payment_only = false;
  std::vector<org::NodePath> stores;
  StockState state = StockState::kDraft;
  std::optional<int64_t> created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool Takes(Channel channel) const { return channels.count(channel) == 1; }
};

// A stock with its numbers: `issued` counts every coupon ever issued (what the total bounds),
// redeemed / expired / voided the coupons in that state now, remaining what may still be
// issued (the effective total, rules.h, minus issued).
struct StockView {
  Stock stock;
  int64_t issued = 0;
  int64_t redeemed = 0;
  int64_t expired = 0;
  int64_t voided = 0;
  int64_t remaining = 0;
};

// A hierarchy node named by its level and id, as input names one.
struct NodeRef {
  org::NodeType type = org::NodeType::kBrand;
  int64_t id = 0;
};

// What StockService::List filters on (each optional): the state, the type, and a node whose
// subtree the stocks were created in.
struct StockFilter {
  std::optional<StockState> state;
  std::optional<StockType> type;
  std::optional<NodeRef> node;
};

// A change to a stock (StockService::Update); unset fields stay. The total may only go up and
// valid_until only later (fixed windows); stores only while draft. `state` asks for a
// transition: draft->active, active->paused, paused->active, active|paused->ended.
struct StockPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<int64_t> total_quantity;
  std::optional<int64_t> daily_quantity;
  std::optional<int64_t> valid_until;
  std::optional<std::vector<int64_t>> store_ids;
  std::optional<StockState> state;
};

// One coupon. `code` is stored without dashes (codes.h formats it for display). A value type.
struct Coupon {
  int64_t id = 0;
  std::string code;
  int64_t brand_id = 0;
  int64_t stock_id = 0;
  int64_t member_id = 0;
  int64_t member_slot = 0;
  Channel channel = Channel::kClaim;
  std::optional<std::string> source_ref;
  CouponState state = CouponState::kIssued;
  int64_t issued_at = 0;
  int64_t valid_from = 0;  // usable from here
  int64_t expires_at = 0;  // to here, inclusive
  std::optional<int64_t> redeemed_at;
  std::optional<int64_t> redemption_id;
  std::optional<int64_t> voided_at;
  std::string void_reason;
  bool reward_refunded_after_redemption = false;
  int64_t updated_at = 0;
  // What holds the coupon ("appointment:<id>"), "" when nothing does: a held coupon is redeemed
  // only by its holder (RedemptionService::RedeemReserved), never at the counter.
  std::string reserved_for;
};

// A coupon with the stock it belongs to (what a member's list and the console show).
struct CouponDetail {
  Coupon coupon;
  Stock stock;
};

// A redemption at a store's counter. `store` is the store's path. staff_id / reversed_by are
// nullopt for the operator CLI.
struct Redemption {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t coupon_id = 0;
  int64_t stock_id = 0;
  int64_t member_id = 0;
  org::NodePath store;
  std::optional<int64_t> staff_id;
  std::string request_id;
  int64_t order_amount_fen = 0;
  int64_t discount_fen = 0;
  int64_t created_at = 0;
  std::optional<int64_t> reversed_at;
  std::optional<int64_t> reversed_by;
  std::string reverse_reason;
};

// What RedemptionService::Redeem answers: the redemption and the coupon as it is now.
struct RedemptionResult {
  Redemption redemption;
  Coupon coupon;
};

// A member as the member side of the API knows them (from the member session, never from
// input).
struct MemberRef {
  int64_t member_id = 0;
  int64_t brand_id = 0;
};

}  // namespace mileage::coupons
