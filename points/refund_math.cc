#include "points/refund_math.h"

#include <algorithm>

namespace mileage::points {
namespace {
__extension__ using Int128 = __int128;  // GCC and Clang; -Wpedantic needs the marker
}  // namespace

RefundEffect ComputeRefundEffect(int64_t amount_fen, int64_t points_earned, int64_t refunded_before,
                                 int64_t reversed_before, int64_t refund_fen) {
  RefundEffect effect;
  if (amount_fen <= 0) return effect;
  const int64_t room = std::max<int64_t>(0, amount_fen - refunded_before);
  effect.refunded_after = refunded_before + std::clamp<int64_t>(refund_fen, 0, room);
  // 128-bit product: points and fen may each approach 2^63.
  const auto target =
      static_cast<int64_t>(static_cast<Int128>(points_earned) * effect.refunded_after / amount_fen);
  effect.points_to_reverse = std::max<int64_t>(0, target - reversed_before);
  return effect;
}

}  // namespace mileage::points
