#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "org/types.h"
#include "payments/types.h"

namespace mileage::payments {

// One transaction with every refund recorded for it.
struct TransactionDetail {
  TransactionRecord transaction;
  std::vector<RefundRecord> refunds;  // oldest first
};

// The console's read side of payments: a store's transactions and refunds and one transaction,
// each checked with org::Action::kPaymentRead against the store the payment was made at.
// Owned by the composition root; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument (INVALID_ID, INVALID_PAGE); NotFound
// "store N not found" when the store does not exist or is outside the caller's scope;
// PermissionDenied when the role may not read payments; the db errors.
class PaymentViews {
 public:
  PaymentViews(db::Db& db, const org::Authorizer& authorizer) : db_(db), authorizer_(authorizer) {}

  // Newest first; with `paid`, those paid in that window.
  Result<PageOf<TransactionRecord>> StoreTransactions(const org::Actor& actor, int64_t store_id,
                                                      const PageRequest& page,
                                                      const std::optional<TimeWindow>& paid = {});
  Result<PageOf<RefundRecord>> StoreRefunds(const org::Actor& actor, int64_t store_id,
                                            const PageRequest& page);
  // By WeChat's transaction_id: 1..64 letters and digits (InvalidArgument
  // INVALID_TRANSACTION_ID), and the merchant's mchid when given (INVALID_FIELD when
  // malformed). Transaction ids are unique per merchant only. NotFound TRANSACTION_NOT_FOUND
  // when none is recorded or every one was made at a store outside the caller's scope;
  // FailedPrecondition TRANSACTION_AMBIGUOUS when several merchants in the caller's scope
  // recorded it and no mchid says which.
  Result<TransactionDetail> Transaction(const org::Actor& actor, std::string_view transaction_id,
                                        std::optional<std::string_view> mchid = std::nullopt);

 private:
  // The path of the store, after the authorizer's check.
  Result<org::NodePath> ReadableStore(db::Connection& conn, const org::Actor& actor,
                                      int64_t store_id);

  db::Db& db_;
  const org::Authorizer& authorizer_;
};

}  // namespace mileage::payments
