#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::payments {

// A payment as PaymentRecorder has just recorded it, for observers. A value type.
struct PaidPayment {
  int64_t payment_id = 0;  // payment_transactions.id
  std::string mchid;
  std::string transaction_id;
  org::NodePath store;  // where it was paid (brand included)
  int64_t member_id = 0;
  int64_t amount_fen = 0;
  int64_t paid_at = 0;
  // The member has no other recorded payment (what the recorder already knew: no extra query).
  bool first_payment = false;
  // The payment enrolled the member just now (so nothing else can refer to them yet).
  bool enrolled = false;
};

// A refund of a recorded payment as PaymentRecorder has just applied it. A value type.
struct RefundedPayment {
  int64_t payment_id = 0;
  std::string mchid;
  std::string transaction_id;
  std::string refund_id;
  org::NodePath store;
  int64_t member_id = 0;
  int64_t amount_fen = 0;     // the payment's amount
  int64_t remaining_fen = 0;  // what is left of it after this refund
};

// A hook of PaymentRecorder for the modules above payments (growth/): called inside the
// payment's transaction on the same connection, once per recorded payment (after the payer,
// points and coupons, before refunds that arrived first are applied) and once per applied refund
// (after its reversal), so that whatever an observer writes commits or rolls back with the
// payment. A duplicate notification never reaches it (the recorder stops at the duplicate key).
// An error fails the notification (WeChat retries it): observers skip what they cannot do
// rather than fail, and keep the common case cheap (a payment that concerns them not should
// cost no query). Implementations are owned by the composition root and must be safe for
// concurrent use.
class PaymentObserver {
 public:
  virtual ~PaymentObserver() = default;
  virtual Status OnPaid(db::Connection& conn, const PaidPayment& payment, int64_t now) = 0;
  virtual Status OnRefunded(db::Connection& conn, const RefundedPayment& refund, int64_t now) = 0;
};

}  // namespace mileage::payments
