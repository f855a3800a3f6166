#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "coupons/issuer.h"
#include "coupons/types.h"
#include "db/db.h"
#include "members/types.h"
#include "org/types.h"

namespace mileage::coupons {

// A payment as its reward rules see it.
struct RewardPayment {
  org::NodePath store;  // where it was paid (brand included)
  std::string mchid;
  std::string transaction_id;
  int64_t amount_fen = 0;
  bool first_payment = false;  // the member's first recorded payment
};

// The payment channel of coupons: payments::PaymentRecorder calls it inside its notification
// transaction (same connection), so that a reward is granted exactly once per payment, with the
// points and the enrollment, keyed by the coupon's source_ref "pay:<mchid>:<transaction_id>".
// A payment earns a coupon of every active stock of its brand that takes the payment channel,
// whose window is not over, that is redeemable at the payment's store, whose reward rule the
// payment meets (amount >= max(reward_min_amount_fen, 1), the first payment when the rule says
// so) and whose min_tier the member meets (at most kMaxRewardStocks stocks are looked at). A
// reward that is sold out or at the member's limit is skipped and recorded as a
// coupon.reward_skipped outbox event, never an error that fails the payment.
//
// Refunds (the documented policy, docs/API.md): when what remains of the payment no longer
// meets a reward's rule, the reward coupon is voided if it is unredeemed (coupon.voided); if it
// was redeemed the service was delivered, so it is kept, marked
// reward_refunded_after_redemption and reported as a coupon.reward_refunded_after_redemption
// event for the brand to settle; expired or voided rewards are left alone. Stateless apart from
// its references; safe for concurrent use.
class PaymentRewards {
 public:
  static constexpr int64_t kMaxRewardStocks = 100;

  PaymentRewards(RandomSource& random, const members::TierPolicy& tiers)
      : issuer_(random), tiers_(tiers) {}

  // The coupons `payment` earned for the member (of `member_tier`). Errors: the db errors;
  // Aborted when a concurrent claim took what the payment's reads saw (retry the transaction).
  Result<std::vector<Coupon>> Grant(db::Connection& conn, int64_t member_id,
                                    std::string_view member_tier, const RewardPayment& payment,
                                    int64_t now);
  // Applies the refund policy above to the payment's rewards now that `remaining_fen` of it is
  // left. Errors: the db errors.
  Status OnRefunded(db::Connection& conn, int64_t member_id, const RewardPayment& payment,
                    int64_t remaining_fen, int64_t now);

  // "pay:<mchid>:<transaction_id>", the source_ref of a payment's rewards.
  static std::string SourceRef(const RewardPayment& payment);
  // Whether `amount_fen` meets `stock`'s reward rule amount.
  static bool MeetsMinimum(const Stock& stock, int64_t amount_fen);

 private:
  // Issues one reward inside a savepoint, so that a refusal after writing rolls back alone.
  Result<std::optional<Coupon>> GrantOne(db::Connection& conn, const Stock& stock,
                                         int64_t member_id, const RewardPayment& payment,
                                         int64_t now);

  const Issuer issuer_;
  const members::TierPolicy tiers_;
};

}  // namespace mileage::coupons
