#include "coupons/types.h"

#include "coupons/package_types.h"

#include <array>
#include <utility>

namespace mileage::coupons {
namespace {

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [e, name] : names) {
    if (e == value) return name;
  }
  return "?";
}

template <typename E, size_t N>
std::optional<E> ParseName(const std::array<std::pair<E, std::string_view>, N>& names,
                           std::string_view text) {
  for (const auto& [e, name] : names) {
    if (name == text) return e;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<StockType, std::string_view>, 3> kTypes{
    {{StockType::kCash, "cash"},
     {StockType::kDiscount, "discount"},
     {StockType::kExchange, "exchange"}}};
constexpr std::array<std::pair<StockState, std::string_view>, 4> kStockStates{
    {{StockState::kDraft, "draft"},
     {StockState::kActive, "active"},
     {StockState::kPaused, "paused"},
     {StockState::kEnded, "ended"}}};
constexpr std::array<std::pair<Channel, std::string_view>, 3> kChannels{
    {{Channel::kClaim, "claim"}, {Channel::kPayment, "payment"}, {Channel::kGrant, "grant"}}};
constexpr std::array<std::pair<CouponState, std::string_view>, 4> kCouponStates{
    {{CouponState::kIssued, "issued"},
     {CouponState::kRedeemed, "redeemed"},
     {CouponState::kExpired, "expired"},
     {CouponState::kVoided, "voided"}}};
constexpr std::array<std::pair<PackageState, std::string_view>, 3> kPackageStates{
    {{PackageState::kDraft, "draft"},
     {PackageState::kOnSale, "on_sale"},
     {PackageState::kOffSale, "off_sale"}}};
constexpr std::array<std::pair<OrderState, std::string_view>, 4> kOrderStates{
    {{OrderState::kPending, "pending"},
     {OrderState::kPaid, "paid"},
     {OrderState::kGrantFailed, "grant_failed"},
     {OrderState::kRefunded, "refunded"}}};

}  // namespace

std::string_view StockTypeName(StockType type) { return NameOf(kTypes, type); }
std::optional<StockType> ParseStockType(std::string_view name) { return ParseName(kTypes, name); }
std::string_view StockStateName(StockState state) { return NameOf(kStockStates, state); }
std::optional<StockState> ParseStockState(std::string_view name) {
  return ParseName(kStockStates, name);
}
std::string_view ChannelName(Channel channel) { return NameOf(kChannels, channel); }
std::optional<Channel> ParseChannel(std::string_view name) { return ParseName(kChannels, name); }
std::string_view CouponStateName(CouponState state) { return NameOf(kCouponStates, state); }
std::optional<CouponState> ParseCouponState(std::string_view name) {
  return ParseName(kCouponStates, name);
}

std::string_view PackageStateName(PackageState state) { return NameOf(kPackageStates, state); }
std::optional<PackageState> ParsePackageState(std::string_view name) {
  return ParseName(kPackageStates, name);
}
std::string_view OrderStateName(OrderState state) { return NameOf(kOrderStates, state); }
std::optional<OrderState> ParseOrderState(std::string_view name) {
  return ParseName(kOrderStates, name);
}

}  // namespace mileage::coupons
