#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coupons/types.h"
#include "org/types.h"

namespace mileage::coupons {

// A package is sold only while on_sale; draft is being set up (items may change), off_sale
// stops new orders (orders already made still complete).
enum class PackageState { kDraft, kOnSale, kOffSale };
// pending: prepay made, not paid; paid: coupons granted; grant_failed: paid but a stock had no
// room, so the brand refunds; refunded: the payment was refunded in full and the unredeemed
// coupons voided.
enum class OrderState { kPending, kPaid, kGrantFailed, kRefunded };

// "draft", "on_sale", "off_sale"; "pending", "paid", "grant_failed", "refunded". The Parse
// functions answer nullopt for any other text.
std::string_view PackageStateName(PackageState state);
std::optional<PackageState> ParsePackageState(std::string_view name);
std::string_view OrderStateName(OrderState state);
std::optional<OrderState> ParseOrderState(std::string_view name);

// `quantity` coupons of a stock, and the stock (filled on reads).
struct PackageItem {
  int64_t stock_id = 0;
  int64_t quantity = 1;
  Stock stock;
};

// What staff give to create a package (PackageService::Create).
struct NewPackage {
  int64_t store_id = 0;
  std::string name;                // 1..64 characters
  std::string description;         // 0..255 characters
  int64_t price_fen = 0;           // 1..kMaxPriceFen
  std::vector<PackageItem> items;  // 1..kMaxItems distinct stocks

  static constexpr int64_t kMaxPriceFen = 100'000'000;  // 1 million yuan
  static constexpr size_t kMaxItems = 10;
  static constexpr int64_t kMaxQuantity = 50;
};

// A package for sale at a store (`store` is its path; store_name for display). A value type.
struct Package {
  int64_t id = 0;
  org::NodePath store;
  std::string store_name;
  std::string name;
  std::string description;
  int64_t price_fen = 0;
  PackageState state = PackageState::kDraft;
  std::vector<PackageItem> items;
  std::optional<int64_t> created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A change to a package; unset fields stay. The price only while draft; `state` asks for a
// transition: draft->on_sale, on_sale->off_sale, off_sale->on_sale.
struct PackagePatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<int64_t> price_fen;
  std::optional<PackageState> state;
};

// A member's order for a package. A value type.
struct PackageOrder {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t member_id = 0;
  int64_t package_id = 0;
  std::string package_name;  // filled on reads
  int64_t store_id = 0;
  int64_t merchant_id = 0;
  std::string appid;
  std::string out_trade_no;
  int64_t amount_fen = 0;
  OrderState state = OrderState::kPending;
  std::optional<std::string> prepay_id;
  std::optional<std::string> transaction_id;
  int64_t created_at = 0;
  std::optional<int64_t> paid_at;
  int64_t updated_at = 0;
};

// An order with the coupons it granted (id order), each with its stock.
struct OrderDetail {
  PackageOrder order;
  std::vector<CouponDetail> coupons;
};

}  // namespace mileage::coupons
