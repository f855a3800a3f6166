#include "payments/payment_views.h"

#include <optional>
#include <string>

#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"
#include "payments/payment_store.h"

namespace mileage::payments {
namespace {

constexpr size_t kMaxTransactionId = 64;

Status ValidateTransactionId(std::string_view id) {
  bool ok = !id.empty() && id.size() <= kMaxTransactionId;
  for (char c : id) {
    ok = ok && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
  }
  if (ok) return Status::Ok();
  return InvalidArgumentError("transaction_id is 1-64 letters and digits",
                              "INVALID_TRANSACTION_ID");
}

}  // namespace

Result<org::NodePath> PaymentViews::ReadableStore(db::Connection& conn, const org::Actor& actor,
                                                  int64_t store_id) {
  const std::string label = org::NodeLabel(org::NodeType::kStore, store_id);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                           org::NodeStore(conn).Find(org::NodeType::kStore, store_id));
  if (!store.has_value()) return NotFoundError(label + " not found");
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kPaymentRead, store->path, label));
  return store->path;
}

Result<PageOf<TransactionRecord>> PaymentViews::StoreTransactions(
    const org::Actor& actor, int64_t store_id, const PageRequest& page,
    const std::optional<TimeWindow>& paid) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(org::NodePath store, ReadableStore(*conn, actor, store_id));
  return PaymentStore(*conn).ListTransactions(store, std::nullopt, page, paid);
}

Result<PageOf<RefundRecord>> PaymentViews::StoreRefunds(const org::Actor& actor, int64_t store_id,
                                                        const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(org::NodePath store, ReadableStore(*conn, actor, store_id));
  return PaymentStore(*conn).ListRefunds(store, page);
}

Result<TransactionDetail> PaymentViews::Transaction(const org::Actor& actor,
                                                    std::string_view transaction_id,
                                                    std::optional<std::string_view> mchid) {
  MILEAGE_RETURN_IF_ERROR(ValidateTransactionId(transaction_id));
  if (mchid.has_value()) MILEAGE_RETURN_IF_ERROR(org::ValidateMchid(*mchid));
  const std::string label = "transaction " + std::string(transaction_id);
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  PaymentStore store(*conn);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<TransactionRecord> found,
                           store.TransactionsWithId(transaction_id));
  // Only what the caller may see counts, so the answer never depends on other scopes.
  std::vector<TransactionRecord> visible;
  for (TransactionRecord& t : found) {
    if (mchid.has_value() && t.merchant.mchid != *mchid) continue;
    Status allowed = authorizer_.Check(actor, org::Action::kPaymentRead, t.merchant.store, label);
    if (allowed.code() == StatusCode::kNotFound) continue;
    MILEAGE_RETURN_IF_ERROR(allowed);
    visible.push_back(std::move(t));
  }
  if (visible.empty()) return NotFoundError(label + " not found", "TRANSACTION_NOT_FOUND");
  if (visible.size() > 1) {
    return FailedPreconditionError(label + " was reported by " + std::to_string(visible.size()) +
                                       " merchants; name one with ?mchid=",
                                   "TRANSACTION_AMBIGUOUS");
  }
  TransactionDetail detail;
  detail.transaction = std::move(visible.front());
  MILEAGE_ASSIGN_OR_RETURN(detail.refunds,
                           store.RefundsOf(detail.transaction.merchant.id, transaction_id));
  return detail;
}

}  // namespace mileage::payments
