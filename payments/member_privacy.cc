#include "payments/member_privacy.h"

namespace mileage::payments {

Result<std::vector<db::ExportSection>> ExportMemberPayments(db::Connection& conn,
                                                            int64_t member_id) {
  std::vector<db::ExportSection> out;
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection payments,
      db::QuerySection(
          conn, "payments",
          {"transaction_id", "out_trade_no", "mchid", "appid", "store_id", "payer_openid",
           "amount_fen", "paid_at", "points_earned", "refunded_fen", "state"},
          "SELECT transaction_id, out_trade_no, mchid, appid, store_id, payer_openid, "
          "amount_fen, paid_at, points_earned, refunded_fen, state "
          "FROM payment_transactions WHERE member_id = ? ORDER BY paid_at, id",
          {db::Value(member_id)}));
  out.push_back(std::move(payments));
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExportSection refunds,
      db::QuerySection(conn, "refunds",
                       {"refund_id", "transaction_id", "amount_fen", "status", "refunded_at"},
                       "SELECT r.refund_id, r.transaction_id, r.amount_fen, r.status, "
                       "r.refunded_at FROM payment_refunds r JOIN payment_transactions t ON "
                       "t.merchant_id = r.merchant_id AND t.transaction_id = r.transaction_id "
                       "WHERE t.member_id = ? ORDER BY r.id",
                       {db::Value(member_id)}));
  out.push_back(std::move(refunds));
  return out;
}

Status EraseMemberPayer(db::Connection& conn, int64_t member_id) {
  return conn
      .Exec("UPDATE payment_transactions SET payer_openid = '' WHERE member_id = ?",
            {db::Value(member_id)})
      .status();
}

}  // namespace mileage::payments
