#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "members/types.h"
#include "org/types.h"
#include "payments/types.h"

namespace mileage::payments {

// The SQL of payment_notifications, payment_transactions and payment_refunds on
// one connection, inside the caller's transaction. Lives for one use of its connection; not
// safe for concurrent use. Errors: the db::Connection errors, plus those listed.
class PaymentStore {
 public:
  explicit PaymentStore(db::Connection& conn) : conn_(conn) {}

  // Records a verified notification in the inbox. AlreadyExists when the merchant recorded its
  // id already.
  Status RecordNotification(std::string_view id, std::string_view mchid,
                            std::string_view event_type, std::string_view resource_ref,
                            int64_t now);

  // Inserts the transaction (its id is ignored; returns the new one). AlreadyExists when its
  // merchant recorded the transaction_id already. WeChat's ids are unique per merchant, so
  // every key and lookup below is scoped by merchant: one merchant's notifications can neither
  // reach nor pre-empt another's records.
  Result<int64_t> InsertTransaction(const TransactionRecord& record);
  // The merchant's transactions paid in [start, end) (Unix seconds), by paid_at then id.
  Result<std::vector<TransactionRecord>> TransactionsPaidBetween(int64_t merchant_id, int64_t start,
                                                                 int64_t end);
  // The merchant's recorded transactions among `transaction_ids` (any order; unknown ids are
  // skipped).
  Result<std::vector<TransactionRecord>> TransactionsByIds(
      int64_t merchant_id, const std::vector<std::string>& transaction_ids);
  // The merchant's transaction of WeChat's `transaction_id`; with `for_update` its row stays
  // locked until commit (FOR UPDATE on MySQL; SQLite's write transaction holds the lock
  // already).
  Result<std::optional<TransactionRecord>> FindTransaction(int64_t merchant_id,
                                                           std::string_view transaction_id,
                                                           bool for_update = false);
  // The transaction of row id `id` (what a visit's rating names), any merchant.
  Result<std::optional<TransactionRecord>> FindById(int64_t id);
  // The member's transactions paid at or after `since`, newest first, at most `limit`: the
  // visits a member may rate (growth/feedback_visits.h).
  Result<std::vector<TransactionRecord>> PaidByMemberSince(int64_t member_id, int64_t since,
                                                           int64_t limit);
  // Every merchant's transaction of that id (the console searches by id alone), id order.
  Result<std::vector<TransactionRecord>> TransactionsWithId(std::string_view transaction_id);
  // Every refund the merchant recorded for `transaction_id` (any status, applied or not),
  // oldest first.
  Result<std::vector<RefundRecord>> RefundsOf(int64_t merchant_id, std::string_view transaction_id);
  // Sets the refunded totals, conditional on the totals read (`refunded_before`), so that two
  // writers can never both apply on the same snapshot: Aborted when it changed meanwhile.
  Status UpdateRefundTotals(int64_t id, int64_t refunded_before, int64_t refunded_after,
                            int64_t points_reversed_after, std::string_view state);

  // Inserts the refund (id ignored). AlreadyExists when its merchant recorded the refund_id.
  Result<int64_t> InsertRefund(const RefundRecord& record);
  // The merchant's recorded refunds among `refund_ids` (any order; unknown ids are skipped).
  Result<std::vector<RefundRecord>> RefundsByIds(int64_t merchant_id,
                                                 const std::vector<std::string>& refund_ids);
  // Moves a refund recorded as abnormal/closed to success (WeChat may report SUCCESS after
  // ABNORMAL); false when it already was success.
  Result<bool> PromoteRefundToSuccess(int64_t merchant_id, std::string_view refund_id,
                                      int64_t refunded_at);
  // The merchant's success refunds of a transaction not applied yet (they arrived before the
  // payment).
  Result<std::vector<RefundRecord>> PendingRefunds(int64_t merchant_id,
                                                   std::string_view transaction_id);
  // Marks a refund applied, conditional on it not being applied: Aborted otherwise.
  Status MarkRefundApplied(int64_t merchant_id, std::string_view refund_id, int64_t points_reversed,
                           int64_t now);

  // Whether the member has a recorded payment other than the one of row id `except_id` (any
  // merchant, any state): the payment rewards' "first payment". A locking read (the member's
  // row lock, PaymentRecorder's, orders payments of one member).
  Result<bool> HasOtherPayment(int64_t member_id, int64_t except_id);
  // Whether the member paid at a store in the subtree of `scope`.
  Result<bool> HasPaidInSubtree(int64_t member_id, const org::NodePath& scope);
  // The members of scope's brand that staff scoped at `scope` see (payments::MemberViews'
  // rule: every member at a brand scope; below it, those who enrolled at or paid at a store of
  // the subtree), id order, with their count. A read model like ReportStore: it reads the
  // members table directly, since the rule joins it with payments.
  Result<PageOf<members::Member>> MembersSeenIn(const org::NodePath& scope,
                                                const PageRequest& page);
  // The below-brand half of that rule as SQL for another list's query, whose members row is
  // aliased m: appends " AND (<m enrolled at or paid at a store of scope's subtree>)" and its
  // parameters to `where`; false (nothing appended) when the scope holds no store at all. A
  // brand scope appends nothing (the caller filters by brand). Pure.
  static bool AppendMembersSeenIn(const org::NodePath& scope, std::string& where,
                                  std::vector<db::Value>& params);
  // Newest first, in the subtree of `scope`, optionally of one member and paid in `paid`.
  Result<PageOf<TransactionRecord>> ListTransactions(const org::NodePath& scope,
                                                     std::optional<int64_t> member_id,
                                                     const PageRequest& page,
                                                     const std::optional<TimeWindow>& paid = {});
  Result<PageOf<RefundRecord>> ListRefunds(const org::NodePath& scope, const PageRequest& page);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::payments
