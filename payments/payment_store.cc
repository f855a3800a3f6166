#include "payments/payment_store.h"

#include <algorithm>

#include "db/paged_query.h"
#include "db/sql_dialect.h"
#include "members/member_store.h"
#include "org/scope_sql.h"

namespace mileage::payments {
namespace {

constexpr org::PathColumns kColumns{"brand_id", "region_id", "dealer_id", "store_id"};

constexpr const char* kTransactionColumns =
    "id, transaction_id, merchant_id, mchid, brand_id, region_id, dealer_id, store_id, appid, "
    "out_trade_no, payer_openid, amount_fen, payer_total_fen, paid_at, member_id, "
    "points_earned, rule_version, refunded_fen, points_reversed, state, created_at";

constexpr const char* kRefundColumns =
    "id, refund_id, transaction_id, out_refund_no, merchant_id, brand_id, region_id, "
    "dealer_id, store_id, amount_fen, status, applied, points_reversed, refunded_at, created_at, "
    "applied_at";

TransactionRecord TransactionFromRow(const db::Row& row) {
  TransactionRecord t;
  t.id = row.Int(0);
  t.transaction_id = row.Text(1);
  t.merchant.id = row.Int(2);
  t.merchant.mchid = row.Text(3);
  t.merchant.store = org::PathFromRow(row, 4, org::NodeType::kStore);
  t.appid = row.Text(8);
  t.merchant.appid = t.appid;
  t.out_trade_no = row.Text(9);
  t.payer_openid = row.Text(10);
  t.amount_fen = row.Int(11);
  t.payer_total_fen = row.Int(12);
  t.paid_at = row.Int(13);
  t.member_id = row.Int(14);
  t.points_earned = row.Int(15);
  t.rule_version = row.Int(16);
  t.refunded_fen = row.Int(17);
  t.points_reversed = row.Int(18);
  t.state = row.Text(19);
  t.created_at = row.Int(20);
  return t;
}

RefundRecord RefundFromRow(const db::Row& row) {
  RefundRecord r;
  r.id = row.Int(0);
  r.refund_id = row.Text(1);
  r.transaction_id = row.Text(2);
  r.out_refund_no = row.Text(3);
  r.merchant.id = row.Int(4);
  r.merchant.store = org::PathFromRow(row, 5, org::NodeType::kStore);
  r.amount_fen = row.Int(9);
  r.status = row.Text(10);
  r.applied = row.Int(11) != 0;
  r.points_reversed = row.Int(12);
  r.refunded_at = row.Int(13);
  r.created_at = row.Int(14);
  r.applied_at = row.Int(15);
  return r;
}

// Runs `select` + " IN (?, ...)" over `ids` in batches, so that a statement never carries
// more than kInBatch parameters, and collects the rows. `select` ends with the column and
// takes `merchant_id` as its one parameter before it.
constexpr size_t kInBatch = 200;

template <typename T, typename FromRow>
Result<std::vector<T>> QueryIn(db::Connection& conn, const std::string& select, int64_t merchant_id,
                               const std::vector<std::string>& ids, FromRow from_row) {
  std::vector<T> out;
  for (size_t begin = 0; begin < ids.size(); begin += kInBatch) {
    const size_t end = std::min(ids.size(), begin + kInBatch);
    std::string sql = select + " IN (";
    std::vector<db::Value> params{db::Value(merchant_id)};
    for (size_t i = begin; i < end; ++i) {
      sql += i == begin ? "?" : ", ?";
      params.emplace_back(ids[i]);
    }
    sql += ")";
    MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn.Query(sql, params));
    for (const db::Row& row : rows) out.push_back(from_row(row));
  }
  return out;
}

}  // namespace

Status PaymentStore::RecordNotification(std::string_view id, std::string_view mchid,
                                        std::string_view event_type, std::string_view resource_ref,
                                        int64_t now) {
  return conn_
      .Exec(
          "INSERT INTO payment_notifications (id, mchid, event_type, resource_ref, received_at) "
          "VALUES (?, ?, ?, ?, ?)",
          {db::Value(std::string(id)), db::Value(std::string(mchid)),
           db::Value(std::string(event_type)), db::Value(std::string(resource_ref)),
           db::Value(now)})
      .status();
}

Result<int64_t> PaymentStore::InsertTransaction(const TransactionRecord& t) {
  const org::NodePath& p = t.merchant.store;
  const std::vector<db::Value> params = {
      db::Value(t.transaction_id), db::Value(t.merchant.id),  db::Value(t.merchant.mchid),
      db::Value(p.brand_id),       db::Value(p.region_id),    db::Value(p.dealer_id),
      db::Value(p.store_id),       db::Value(t.appid),        db::Value(t.out_trade_no),
      db::Value(t.payer_openid),   db::Value(t.amount_fen),   db::Value(t.payer_total_fen),
      db::Value(t.paid_at),        db::Value(t.member_id),    db::Value(t.points_earned),
      db::Value(t.rule_version),   db::Value(t.refunded_fen), db::Value(t.points_reversed),
      db::Value(t.state),          db::Value(t.created_at)};
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t inserted,
      conn_.Insert(
          "INSERT INTO payment_transactions (transaction_id, merchant_id, mchid, brand_id, "
          "region_id, dealer_id, store_id, appid, out_trade_no, payer_openid, amount_fen, "
          "payer_total_fen, paid_at, member_id, points_earned, rule_version, "
          "refunded_fen, points_reversed, state, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          params));
  return inserted;
}

Result<std::vector<TransactionRecord>> PaymentStore::TransactionsPaidBetween(int64_t merchant_id,
                                                                             int64_t start,
                                                                             int64_t end) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kTransactionColumns +
                      " FROM payment_transactions WHERE merchant_id = ? AND paid_at >= ? AND "
                      "paid_at < ? ORDER BY paid_at, id",
                  {db::Value(merchant_id), db::Value(start), db::Value(end)}));
  std::vector<TransactionRecord> out;
  for (const db::Row& row : rows) out.push_back(TransactionFromRow(row));
  return out;
}

Result<std::vector<TransactionRecord>> PaymentStore::TransactionsByIds(
    int64_t merchant_id, const std::vector<std::string>& transaction_ids) {
  return QueryIn<TransactionRecord>(
      conn_,
      std::string("SELECT ") + kTransactionColumns +
          " FROM payment_transactions WHERE merchant_id = ? AND transaction_id",
      merchant_id, transaction_ids, TransactionFromRow);
}

Result<std::optional<TransactionRecord>> PaymentStore::FindTransaction(
    int64_t merchant_id, std::string_view transaction_id, bool for_update) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kTransactionColumns +
                      " FROM payment_transactions WHERE merchant_id = ? AND transaction_id = ?" +
                      std::string(for_update ? db::ForUpdate(conn_.dialect()) : ""),
                  {db::Value(merchant_id), db::Value(std::string(transaction_id))}));
  if (rows.empty()) return std::optional<TransactionRecord>();
  return std::optional<TransactionRecord>(TransactionFromRow(rows.front()));
}

Result<std::optional<TransactionRecord>> PaymentStore::FindById(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string("SELECT ") + kTransactionColumns +
                                           " FROM payment_transactions WHERE id = ?",
                                       {db::Value(id)}));
  if (rows.empty()) return std::optional<TransactionRecord>();
  return std::optional<TransactionRecord>(TransactionFromRow(rows.front()));
}

Result<std::vector<TransactionRecord>> PaymentStore::PaidByMemberSince(int64_t member_id,
                                                                       int64_t since,
                                                                       int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kTransactionColumns +
                      " FROM payment_transactions WHERE member_id = ? AND paid_at >= ?"
                      " ORDER BY paid_at DESC, id DESC LIMIT ?",
                  {db::Value(member_id), db::Value(since), db::Value(limit)}));
  std::vector<TransactionRecord> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(TransactionFromRow(row));
  return out;
}

Result<std::vector<TransactionRecord>> PaymentStore::TransactionsWithId(
    std::string_view transaction_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kTransactionColumns +
                      " FROM payment_transactions WHERE transaction_id = ? ORDER BY id",
                  {db::Value(std::string(transaction_id))}));
  std::vector<TransactionRecord> out;
  for (const db::Row& row : rows) out.push_back(TransactionFromRow(row));
  return out;
}

Result<std::vector<RefundRecord>> PaymentStore::RefundsOf(int64_t merchant_id,
                                                          std::string_view transaction_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kRefundColumns +
                      " FROM payment_refunds WHERE merchant_id = ? AND transaction_id = ? "
                      "ORDER BY created_at, id",
                  {db::Value(merchant_id), db::Value(std::string(transaction_id))}));
  std::vector<RefundRecord> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(RefundFromRow(row));
  return out;
}

Status PaymentStore::UpdateRefundTotals(int64_t id, int64_t refunded_before, int64_t refunded_after,
                                        int64_t points_reversed_after, std::string_view state) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE payment_transactions SET refunded_fen = ?, points_reversed = ?, "
                 "state = ? WHERE id = ? AND refunded_fen = ?",
                 {db::Value(refunded_after), db::Value(points_reversed_after),
                  db::Value(std::string(state)), db::Value(id), db::Value(refunded_before)}));
  if (updated.affected_rows == 0) {
    return AbortedError("the transaction's refunds changed concurrently");
  }
  return Status::Ok();
}

Result<int64_t> PaymentStore::InsertRefund(const RefundRecord& r) {
  const org::NodePath& p = r.merchant.store;
  const std::vector<db::Value> params = {db::Value(r.refund_id),
                                         db::Value(r.transaction_id),
                                         db::Value(r.out_refund_no),
                                         db::Value(r.merchant.id),
                                         db::Value(p.brand_id),
                                         db::Value(p.region_id),
                                         db::Value(p.dealer_id),
                                         db::Value(p.store_id),
                                         db::Value(r.amount_fen),
                                         db::Value(r.status),
                                         db::Value(int64_t{r.applied ? 1 : 0}),
                                         db::Value(r.points_reversed),
                                         db::Value(r.refunded_at),
                                         db::Value(r.created_at),
                                         db::Value(r.applied_at)};
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t inserted,
      conn_.Insert("INSERT INTO payment_refunds (refund_id, transaction_id, out_refund_no, "
                   "merchant_id, brand_id, region_id, dealer_id, store_id, amount_fen, status, "
                   "applied, points_reversed, refunded_at, created_at, applied_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   params));
  return inserted;
}

Result<std::vector<RefundRecord>> PaymentStore::RefundsByIds(
    int64_t merchant_id, const std::vector<std::string>& refund_ids) {
  return QueryIn<RefundRecord>(conn_,
                               std::string("SELECT ") + kRefundColumns +
                                   " FROM payment_refunds WHERE merchant_id = ? AND refund_id",
                               merchant_id, refund_ids, RefundFromRow);
}

Result<bool> PaymentStore::PromoteRefundToSuccess(int64_t merchant_id, std::string_view refund_id,
                                                  int64_t refunded_at) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec(
          "UPDATE payment_refunds SET status = 'success', refunded_at = ? "
          "WHERE merchant_id = ? AND refund_id = ? AND status <> 'success'",
          {db::Value(refunded_at), db::Value(merchant_id), db::Value(std::string(refund_id))}));
  return updated.affected_rows > 0;
}

Result<std::vector<RefundRecord>> PaymentStore::PendingRefunds(int64_t merchant_id,
                                                               std::string_view transaction_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kRefundColumns +
                      " FROM payment_refunds WHERE merchant_id = ? AND transaction_id = ? "
                      "AND applied = 0 AND status = 'success' ORDER BY id",
                  {db::Value(merchant_id), db::Value(std::string(transaction_id))}));
  std::vector<RefundRecord> out;
  for (const db::Row& row : rows) out.push_back(RefundFromRow(row));
  return out;
}

Status PaymentStore::MarkRefundApplied(int64_t merchant_id, std::string_view refund_id,
                                       int64_t points_reversed, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE payment_refunds SET applied = 1, points_reversed = ?, applied_at = ? "
                 "WHERE merchant_id = ? AND refund_id = ? AND applied = 0",
                 {db::Value(points_reversed), db::Value(now), db::Value(merchant_id),
                  db::Value(std::string(refund_id))}));
  if (updated.affected_rows == 0) return AbortedError("the refund was applied concurrently");
  return Status::Ok();
}

Result<bool> PaymentStore::HasOtherPayment(int64_t member_id, int64_t except_id) {
  // A locking read sees the latest commit: a consistent read on MySQL could miss a payment of
  // the member committed after this transaction's snapshot but before it locked the member.
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT id FROM payment_transactions WHERE member_id = ? AND id <> ? LIMIT 1" +
                      std::string(db::ForUpdate(conn_.dialect())),
                  {db::Value(member_id), db::Value(except_id)}));
  return !rows.empty();
}

Result<bool> PaymentStore::HasPaidInSubtree(int64_t member_id, const org::NodePath& scope) {
  std::string sql = "SELECT 1 FROM payment_transactions WHERE member_id = ?";
  std::vector<db::Value> params{db::Value(member_id)};
  if (!org::AppendSubtreeFilter(kColumns, scope, sql, params)) return false;
  sql += " LIMIT 1";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  return !rows.empty();
}

bool PaymentStore::AppendMembersSeenIn(const org::NodePath& scope, std::string& where,
                                       std::vector<db::Value>& params) {
  static constexpr org::PathColumns kStorePath{"brand_id", "region_id", "dealer_id", "id"};
  static constexpr org::PathColumns kPaidPath{"p.brand_id", "p.region_id", "p.dealer_id",
                                              "p.store_id"};
  if (scope.type == org::NodeType::kBrand) return true;
  // Each member is checked by its enrolling store (the subtree's stores, a handful of ids) or
  // one payment_transactions_member (member_id, paid_at) lookup.
  where += " AND (m.enrolled_store_id IN (SELECT id FROM stores WHERE 1 = 1";
  if (!org::AppendSubtreeFilter(kStorePath, scope, where, params)) return false;
  where += ") OR EXISTS (SELECT 1 FROM payment_transactions p WHERE p.member_id = m.id";
  if (!org::AppendSubtreeFilter(kPaidPath, scope, where, params)) return false;
  where += "))";
  return true;
}

Result<PageOf<members::Member>> PaymentStore::MembersSeenIn(const org::NodePath& scope,
                                                            const PageRequest& page) {
  // members_brand (brand_id, id) walks the brand in id order.
  std::string where = " WHERE m.brand_id = ?";
  std::vector<db::Value> params{db::Value(scope.brand_id)};
  if (!AppendMembersSeenIn(scope, where, params)) return PageOf<members::Member>{{}, 0, page};
  const std::string select = std::string("SELECT ") + members::kMemberColumns + " FROM members m";
  return db::QueryPage<members::Member>(conn_,
                                        {select, "SELECT COUNT(*) FROM members m", where, "m.id"},
                                        std::move(params), page, members::MemberFromRow);
}

Result<PageOf<TransactionRecord>> PaymentStore::ListTransactions(
    const org::NodePath& scope, std::optional<int64_t> member_id, const PageRequest& page,
    const std::optional<TimeWindow>& paid) {
  std::string where = " WHERE 1 = 1";
  std::vector<db::Value> params;
  if (!org::AppendSubtreeFilter(kColumns, scope, where, params)) {
    return PageOf<TransactionRecord>{{}, 0, page};
  }
  if (member_id.has_value()) {
    where += " AND member_id = ?";
    params.emplace_back(*member_id);
  }
  if (paid.has_value()) {
    where += " AND paid_at >= ? AND paid_at < ?";
    params.emplace_back(paid->from);
    params.emplace_back(paid->until);
  }
  const std::string select =
      std::string("SELECT ") + kTransactionColumns + " FROM payment_transactions";
  return db::QueryPage<TransactionRecord>(
      conn_, {select, "SELECT COUNT(*) FROM payment_transactions", where, "paid_at DESC, id DESC"},
      std::move(params), page, TransactionFromRow);
}

Result<PageOf<RefundRecord>> PaymentStore::ListRefunds(const org::NodePath& scope,
                                                       const PageRequest& page) {
  std::string where = " WHERE 1 = 1";
  std::vector<db::Value> params;
  if (!org::AppendSubtreeFilter(kColumns, scope, where, params)) {
    return PageOf<RefundRecord>{{}, 0, page};
  }
  const std::string select = std::string("SELECT ") + kRefundColumns + " FROM payment_refunds";
  return db::QueryPage<RefundRecord>(
      conn_, {select, "SELECT COUNT(*) FROM payment_refunds", where, "created_at DESC, id DESC"},
      std::move(params), page, RefundFromRow);
}

}  // namespace mileage::payments
