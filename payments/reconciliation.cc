#include "payments/reconciliation.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "common/civil_time.h"
#include "payments/payment_store.h"

namespace mileage::payments {
namespace {

// A bill row applied concurrently with its notification, or a first payment of a new payer
// losing the enrollment race, is retried (as NotificationService does).
constexpr int kTransactionAttempts = 5;

Status BadRow(const std::string& id, const char* what) {
  return InvalidArgumentError("bill row " + id + ": " + what, "BILL_ROW_UNUSABLE");
}

}  // namespace

Result<ChinaDay> ChinaDayOf(std::string_view date) {
  std::optional<civil::Date> parsed = civil::ParseDate(date);
  if (!parsed.has_value()) {
    return InvalidArgumentError("the date must be YYYY-MM-DD, got \"" + std::string(date) + "\"",
                                "BAD_DATE");
  }
  ChinaDay day;
  day.date = std::string(date);
  day.start = civil::BeijingStartOfDay(*parsed);
  day.end = day.start + civil::kSecondsPerDay;
  return day;
}

Result<int64_t> ParseChinaTime(std::string_view text) {
  std::optional<int64_t> at = civil::ParseBeijingDateTime(text);
  if (!at.has_value()) {
    return InvalidArgumentError("not a time YYYY-MM-DD HH:MM:SS: \"" + std::string(text) + "\"",
                                "BAD_TIME");
  }
  return *at;
}

ReconciliationReport CompareBill(const MerchantRef& merchant, const ChinaDay& day, const Bill& bill,
                                 const std::vector<TransactionRecord>& recorded,
                                 const std::vector<RefundRecord>& recorded_refunds) {
  ReconciliationReport report;
  report.mchid = merchant.mchid;
  report.date = day.date;

  std::map<std::string, const TransactionRecord*> by_id;
  for (const TransactionRecord& t : recorded) {
    by_id.emplace(t.transaction_id, &t);
    if (t.paid_at >= day.start && t.paid_at < day.end) {
      ++report.recorded_count;
      report.recorded_total_fen += t.amount_fen;
    }
  }
  std::set<std::string> billed_ids;
  for (const BilledPayment& p : bill.payments) {
    billed_ids.insert(p.transaction_id);
    if (p.trade_state != "SUCCESS") continue;
    ++report.billed_count;
    report.billed_total_fen += p.amount_fen;
    auto it = by_id.find(p.transaction_id);
    if (it == by_id.end()) {
      report.missing_in_mileage.push_back(p);
    } else if (it->second->amount_fen != p.amount_fen) {
      report.amount_mismatches.push_back({p.transaction_id, p.amount_fen, it->second->amount_fen});
    } else {
      ++report.matched_count;
    }
  }
  for (const auto& [id, t] : by_id) {
    if (t->paid_at < day.start || t->paid_at >= day.end || billed_ids.count(id) > 0) continue;
    report.missing_in_bill.push_back(
        {t->transaction_id, t->out_trade_no, t->amount_fen, t->paid_at});
  }

  std::map<std::string, const RefundRecord*> refunds_by_id;
  for (const RefundRecord& r : recorded_refunds) refunds_by_id.emplace(r.refund_id, &r);
  for (const BilledRefund& r : bill.refunds) {
    if (r.refund_status != "SUCCESS") continue;
    ++report.billed_refund_count;
    report.billed_refund_total_fen += r.amount_fen;
    auto it = refunds_by_id.find(r.refund_id);
    if (it == refunds_by_id.end()) {
      report.refunds_missing_in_mileage.push_back(r);
    } else if (it->second->amount_fen != r.amount_fen) {
      report.refund_amount_mismatches.push_back(
          {r.refund_id, r.amount_fen, it->second->amount_fen});
    }
  }
  return report;
}

Result<ReconciliationReport> Reconciler::Compare(const MerchantRef& merchant, const ChinaDay& day,
                                                 const Bill& bill) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  PaymentStore store(*conn);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<TransactionRecord> recorded,
                           store.TransactionsPaidBetween(merchant.id, day.start, day.end));
  std::set<std::string> known;
  for (const TransactionRecord& t : recorded) known.insert(t.transaction_id);
  std::vector<std::string> named;
  for (const BilledPayment& p : bill.payments) {
    if (known.count(p.transaction_id) == 0) named.push_back(p.transaction_id);
  }
  MILEAGE_ASSIGN_OR_RETURN(std::vector<TransactionRecord> elsewhen,
                           store.TransactionsByIds(merchant.id, named));
  for (TransactionRecord& t : elsewhen) {
    if (known.insert(t.transaction_id).second) recorded.push_back(std::move(t));
  }
  std::vector<std::string> refund_ids;
  for (const BilledRefund& r : bill.refunds) refund_ids.push_back(r.refund_id);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<RefundRecord> refunds,
                           store.RefundsByIds(merchant.id, refund_ids));
  return CompareBill(merchant, day, bill, recorded, refunds);
}

Status Reconciler::ApplyMissing(const MerchantKeys& keys, const ReconciliationReport& report,
                                std::vector<AppliedItem>* applied) {
  MILEAGE_RETURN_IF_ERROR(keys.CheckActive());
  const MerchantRef& merchant = keys.merchant;
  for (const BilledPayment& p : report.missing_in_mileage) {
    if (p.trade_state != "SUCCESS") continue;
    MILEAGE_ASSIGN_OR_RETURN(AppliedItem item, ApplyPayment(keys, p));
    applied->push_back(std::move(item));
  }
  for (const BilledRefund& r : report.refunds_missing_in_mileage) {
    if (r.refund_status != "SUCCESS") continue;
    MILEAGE_ASSIGN_OR_RETURN(AppliedItem item, ApplyRefund(merchant, r));
    applied->push_back(std::move(item));
  }
  return Status::Ok();
}

Result<AppliedItem> Reconciler::ApplyPayment(const MerchantKeys& keys,
                                             const BilledPayment& billed) {
  const MerchantRef& merchant = keys.merchant;
  if (billed.openid.empty()) return BadRow(billed.transaction_id, "no payer openid");
  if (billed.amount_fen <= 0) return BadRow(billed.transaction_id, "no positive amount");
  TransactionRecord paid;
  paid.transaction_id = billed.transaction_id;
  paid.merchant = merchant;
  paid.appid = billed.appid.empty() ? merchant.appid : billed.appid;
  MILEAGE_RETURN_IF_ERROR(keys.CheckAppid(paid.appid));
  paid.out_trade_no = billed.out_trade_no;
  paid.payer_openid = billed.openid;
  paid.amount_fen = billed.amount_fen;
  paid.payer_total_fen = billed.payer_total_fen;
  paid.paid_at = billed.paid_at;

  const int64_t now = UnixSeconds(clock_.Now());
  AppliedItem item{billed.transaction_id, Outcome::kApplied, 0, 0};
  Status status = db::InTransaction(
      db_,
      [&](db::Connection& conn) -> Status {
        Status recorded = PaymentStore(conn).RecordNotification(
            "bill:" + billed.transaction_id, merchant.mchid, "TRANSACTION.SUCCESS",
            billed.transaction_id, now);
        if (recorded.code() == StatusCode::kAlreadyExists) {
          return AlreadyExistsError("bill row " + billed.transaction_id + " was applied before",
                                    std::string(kDuplicateReason));
        }
        MILEAGE_RETURN_IF_ERROR(recorded);
        MILEAGE_ASSIGN_OR_RETURN(TransactionRecord record,
                                 recorder_.RecordPayment(conn, paid, now));
        item.member_id = record.member_id;
        item.points = record.points_earned;
        return Status::Ok();
      },
      kTransactionAttempts);
  if (status.code() == StatusCode::kAlreadyExists && status.reason() == kDuplicateReason) {
    return AppliedItem{billed.transaction_id, Outcome::kDuplicate, 0, 0};
  }
  MILEAGE_RETURN_IF_ERROR(status);
  return item;
}

Result<AppliedItem> Reconciler::ApplyRefund(const MerchantRef& merchant,
                                            const BilledRefund& billed) {
  if (billed.amount_fen <= 0) return BadRow(billed.refund_id, "no positive refund amount");
  RefundRecord refund;
  refund.refund_id = billed.refund_id;
  refund.transaction_id = billed.transaction_id;
  refund.out_refund_no = billed.out_refund_no;
  refund.merchant = merchant;
  refund.amount_fen = billed.amount_fen;
  refund.status = "success";
  refund.refunded_at = billed.refunded_at;

  const int64_t now = UnixSeconds(clock_.Now());
  Outcome outcome = Outcome::kApplied;
  Status status = db::InTransaction(
      db_,
      [&](db::Connection& conn) -> Status {
        Status recorded =
            PaymentStore(conn).RecordNotification("bill-refund:" + billed.refund_id, merchant.mchid,
                                                  "REFUND.SUCCESS", billed.refund_id, now);
        if (recorded.code() == StatusCode::kAlreadyExists) {
          return AlreadyExistsError("bill refund " + billed.refund_id + " was applied before",
                                    std::string(kDuplicateReason));
        }
        MILEAGE_RETURN_IF_ERROR(recorded);
        MILEAGE_ASSIGN_OR_RETURN(outcome, recorder_.RecordRefund(conn, refund, now));
        return Status::Ok();
      },
      kTransactionAttempts);
  if (status.code() == StatusCode::kAlreadyExists && status.reason() == kDuplicateReason) {
    return AppliedItem{billed.refund_id, Outcome::kDuplicate, 0, 0};
  }
  MILEAGE_RETURN_IF_ERROR(status);
  return AppliedItem{billed.refund_id, outcome, 0, 0};
}

}  // namespace mileage::payments
