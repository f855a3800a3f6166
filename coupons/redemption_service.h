#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/civil_time.h"
#include "common/paging.h"
#include "common/result.h"
#include "coupons/access.h"
#include "coupons/qr_tokens.h"
#include "coupons/types.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::coupons {

// A redemption as the counter submits it: the coupon by its code or by a QR token (exactly one
// of them), the store, the order amount and the caller's idempotency key.
struct RedeemRequest {
  std::string code;
  std::string qr_token;
  int64_t store_id = 0;
  int64_t order_amount_fen = 0;
  std::string request_id;
};

// Redemption (核销) at a store's counter, its reversal, and a store's redemptions. A coupon is
// redeemed at most once under any concurrency: the redemption row (unique per brand and
// request id) and the coupon's conditional update issued -> redeemed commit together with the
// audit record ("coupon.redeem", "redemption.reverse"), or not at all. The same request id
// answers the redemption it made (also to concurrent repeats); a request id used for another
// coupon, store or amount is refused. Visibility is StockAccess's rule: a coupon whose stock the
// caller does not see answers COUPON_NOT_FOUND like an unknown code, and the store must be in the
// caller's subtree (a store clerk's own store). Owned by the composition root; safe for
// concurrent use.
//
// Errors common to the methods: InvalidArgument INVALID_ID, INVALID_PAGE; PermissionDenied (the
// role lacks the action); the db errors.
class RedemptionService {
 public:
  RedemptionService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
                    const QrTokens& tokens)
      : db_(db), authorizer_(authorizer), access_(authorizer), writer_(writer), tokens_(tokens) {}

  // Redeems the coupon at the store. Errors, in the order they are checked: InvalidArgument
  // INVALID_REDEMPTION (neither or both of code and qr_token), INVALID_COUPON_CODE,
  // INVALID_QR_TOKEN, INVALID_ID, INVALID_REQUEST_ID, INVALID_ORDER_AMOUNT (out of range);
  // FailedPrecondition QR_TOKEN_EXPIRED; NotFound COUPON_NOT_FOUND, NOT_FOUND "store N not
  // found"; FailedPrecondition STORE_INACTIVE, REQUEST_ID_REUSED, WRONG_STORE, then
  // ALREADY_REDEEMED, COUPON_EXPIRED, COUPON_VOIDED, COUPON_NOT_YET_VALID, COUPON_RESERVED (an
  // appointment holds it until the visit); InvalidArgument
  // INVALID_ORDER_AMOUNT (0 for a cash or discount coupon); FailedPrecondition BELOW_THRESHOLD.
  Result<RedemptionResult> Redeem(const org::Actor& actor, const RedeemRequest& request,
                                  int64_t now);
  // Redeems the coupon that `holder` ("appointment:<id>") holds at the store, for an order of
  // 0 (an exchange coupon), with `holder` as the request id: the Redeem checks and write, so the
  // redemption is recorded, audited and evented like any other, and a repeat (or a concurrent
  // one) answers the first redemption instead of redeeming again. A client's request id never
  // contains ':', so no counter request can take it. Errors: Redeem's after its input checks,
  // and FailedPrecondition COUPON_NOT_HELD when `holder` does not hold the coupon (and it was
  // not redeemed for `holder` already).
  Result<RedemptionResult> RedeemReserved(const org::Actor& actor, int64_t coupon_id,
                                          int64_t store_id, std::string_view holder, int64_t now);
  // Takes a redemption back: the coupon returns to issued (or to voided when its payment was
  // refunded below the reward rule meanwhile, payments' policy), and the redemption keeps who
  // reversed it, when and why. Errors: InvalidArgument INVALID_ID, INVALID_REASON (not 1..255
  // characters); NotFound REDEMPTION_NOT_FOUND; FailedPrecondition ALREADY_REVERSED.
  Result<RedemptionResult> Reverse(const org::Actor& actor, int64_t redemption_id,
                                   std::string_view reason, int64_t now);
  // The store's redemptions, newest first; with `day`, those of that Beijing day. Errors:
  // NotFound "store N not found" (unknown or outside the caller's subtree).
  Result<PageOf<Redemption>> StoreRedemptions(const org::Actor& actor, int64_t store_id,
                                              const std::optional<civil::Date>& day,
                                              const PageRequest& page);

 private:
  // How a request names its coupon, once its input is validated.
  struct CouponKey {
    std::string code;       // the stored form, or "" with a token
    int64_t coupon_id = 0;  // from a token, or 0 with a code
  };
  Result<CouponKey> ValidateRedeem(const RedeemRequest& request, int64_t now) const;
  // What the checks before the write found: the coupon, its stock, the store, and an earlier
  // redemption of the same request id (then nothing else was checked) or the discount.
  struct Checked {
    Coupon coupon;
    Stock stock;
    org::NodePath store;
    std::optional<Redemption> earlier;
    int64_t discount_fen = 0;
  };
  // `reservation` is who must hold the coupon (Coupon::reserved_for): "" at the counter, which
  // never redeems a held coupon; the holder for RedeemReserved.
  Result<Checked> CheckRedeem(const org::Actor& actor, const RedeemRequest& request,
                              const CouponKey& key, const std::string& reservation, int64_t now);
  // One attempt: checks, then the audited write. `raced` is set when a concurrent request with
  // the same request id committed first (the caller reads again).
  Result<RedemptionResult> RedeemOnce(const org::Actor& actor, const RedeemRequest& request,
                                      const CouponKey& key, const std::string& reservation,
                                      int64_t now, bool& raced);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  const StockAccess access_;
  org::AuditedWriter& writer_;
  const QrTokens& tokens_;
};

}  // namespace mileage::coupons
