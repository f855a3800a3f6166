#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/db.h"
#include "payments/merchant_keys.h"
#include "payments/payment_recorder.h"
#include "payments/types.h"

namespace mileage::payments {

// One Beijing day, [start, end) in Unix seconds. WeChat Pay's bill days are China Standard Time
// (+08:00, no daylight saving), so 2026-11-23 is [2026-11-22T16:00:00Z, 2026-11-23T16:00:00Z).
// A value type.
struct ChinaDay {
  std::string date;  // "2026-11-23"
  int64_t start = 0;
  int64_t end = 0;
};

// The day named by `date` ("YYYY-MM-DD", a real calendar date). InvalidArgument BAD_DATE
// otherwise.
Result<ChinaDay> ChinaDayOf(std::string_view date);
// The Unix time of a bill's "YYYY-MM-DD HH:MM:SS" China Standard Time. InvalidArgument
// BAD_TIME when it is not such a time.
Result<int64_t> ParseChinaTime(std::string_view text);

// A payment row of a WeChat Pay trade bill, in payments' terms. Money in fen. A value type.
struct BilledPayment {
  std::string transaction_id;
  std::string out_trade_no;
  std::string appid;
  std::string openid;
  int64_t amount_fen = 0;       // the order amount (订单金额), what a notification's total says
  int64_t payer_total_fen = 0;  // the order amount less vouchers
  int64_t paid_at = 0;          // Unix seconds
  std::string trade_state;      // SUCCESS | REVOKED | ... (REFUND rows are BilledRefunds)
};

// A refund row of a trade bill. Money in fen. A value type.
struct BilledRefund {
  std::string refund_id;
  std::string out_refund_no;
  std::string transaction_id;
  int64_t amount_fen = 0;
  int64_t refunded_at = 0;    // Unix seconds
  std::string refund_status;  // SUCCESS | PROCESSING | ...
};

// A merchant's trade bill for one day.
struct Bill {
  std::vector<BilledPayment> payments;
  std::vector<BilledRefund> refunds;
};

// A payment Mileage recorded that the bill does not show.
struct RecordedPayment {
  std::string transaction_id;
  std::string out_trade_no;
  int64_t amount_fen = 0;
  int64_t paid_at = 0;
};

// A transaction (or refund) on both sides with different amounts.
struct AmountMismatch {
  std::string id;  // transaction_id or refund_id
  int64_t billed_fen = 0;
  int64_t recorded_fen = 0;
};

// What a bill and Mileage's records of the same merchant and day disagree on. A value type.
struct ReconciliationReport {
  std::string mchid;
  std::string date;
  // The bill's successful payments and what Mileage recorded paid that day.
  int64_t billed_count = 0;
  int64_t billed_total_fen = 0;
  int64_t recorded_count = 0;
  int64_t recorded_total_fen = 0;
  int64_t matched_count = 0;  // on both sides with the same amount
  // The bill's successful refunds.
  int64_t billed_refund_count = 0;
  int64_t billed_refund_total_fen = 0;

  std::vector<BilledPayment> missing_in_mileage;         // SUCCESS rows Mileage has no record of
  std::vector<RecordedPayment> missing_in_bill;          // recorded that day, not in the bill
  std::vector<AmountMismatch> amount_mismatches;         // by transaction_id
  std::vector<BilledRefund> refunds_missing_in_mileage;  // SUCCESS refunds with no record
  std::vector<AmountMismatch> refund_amount_mismatches;  // by refund_id

  bool clean() const {
    return missing_in_mileage.empty() && missing_in_bill.empty() && amount_mismatches.empty() &&
           refunds_missing_in_mileage.empty() && refund_amount_mismatches.empty();
  }
};

// Compares a bill with Mileage's records (the pure part of Reconciler::Compare). `recorded`
// are the merchant's transactions paid in the day plus any transaction the bill names;
// `recorded_refunds` the refunds the bill names. Lists come out in bill order, then
// transaction_id order for missing_in_bill.
ReconciliationReport CompareBill(const MerchantRef& merchant, const ChinaDay& day, const Bill& bill,
                                 const std::vector<TransactionRecord>& recorded,
                                 const std::vector<RefundRecord>& recorded_refunds);

// What applying one missing payment or refund did.
struct AppliedItem {
  std::string id;   // transaction_id or refund_id
  Outcome outcome;  // kApplied; kDuplicate when it was recorded meanwhile (nothing changed);
                    // kRefundPending for a refund whose payment Mileage has not seen
  int64_t member_id = 0;
  int64_t points = 0;  // earned by a payment
};

// Reconciles a merchant's WeChat Pay trade bill with the recorded payments and refunds, and
// applies what the bill shows and Mileage missed (a lost notification) exactly as the
// notification would have. Owned by its caller (the `mileage reconcile` command); stateless
// apart from its references, so safe for concurrent use.
class Reconciler {
 public:
  Reconciler(db::Db& db, PaymentRecorder& recorder, const Clock& clock)
      : db_(db), recorder_(recorder), clock_(clock) {}

  // Reads the merchant's transactions paid in `day`, those of the merchant the bill names
  // whatever their time, and the merchant's refunds the bill names, then CompareBill. Another
  // merchant's records never count. Errors: the db errors.
  Result<ReconciliationReport> Compare(const MerchantRef& merchant, const ChinaDay& day,
                                       const Bill& bill);

  // Applies each missing SUCCESS payment, then each missing SUCCESS refund, through the
  // PaymentRecorder, each in its own transaction with an inbox record "bill:<transaction_id>"
  // (or "bill-refund:<refund_id>"), so that a later notification of the same transaction is a
  // duplicate, and one that arrived meanwhile makes the apply a duplicate. Appends what each
  // did to `applied`. Stops at the first failure: the items before it stay applied (and
  // listed). A bill row is trusted as a notification is, under the same rules. Errors:
  // Unauthenticated MERCHANT_INACTIVE (nothing applied) or APPID_NOT_REGISTERED (a row's appid
  // is not an active app of the brand); InvalidArgument BILL_ROW_UNUSABLE (no payer or a
  // non-positive amount); the recorder's and the db errors.
  Status ApplyMissing(const MerchantKeys& merchant, const ReconciliationReport& report,
                      std::vector<AppliedItem>* applied);

 private:
  Result<AppliedItem> ApplyPayment(const MerchantKeys& keys, const BilledPayment& billed);
  Result<AppliedItem> ApplyRefund(const MerchantRef& merchant, const BilledRefund& billed);

  db::Db& db_;
  PaymentRecorder& recorder_;
  const Clock& clock_;
};

}  // namespace mileage::payments
