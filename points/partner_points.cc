#include "points/partner_points.h"

#include <optional>
#include <string>
#include <vector>

#include "common/civil_time.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "db/sql_dialect.h"
#include "members/member_store.h"
#include "org/partner_store.h"
#include "points/ledger.h"
#include "points/refund_math.h"

namespace mileage::points {
namespace {

constexpr size_t kMaxRequestId = 64;
constexpr size_t kMaxDetail = 4096;
// Postings of one member queue on its account rows; a deadlock or a lost race is retried.
constexpr int kAttempts = 8;

bool ValidRequestId(const std::string& id) {
  if (id.empty() || id.size() > kMaxRequestId) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

Status CheckIds(int64_t partner_id, int64_t brand_id, int64_t member_id) {
  if (partner_id <= 0 || brand_id <= 0 || member_id <= 0) {
    return InvalidArgumentError("partner, brand and member ids must be positive", "INVALID_ID");
  }
  return Status::Ok();
}

// SHA-256 (hex) of the canonical request: what a repeat must match.
std::string RequestHash(const std::vector<std::string>& fields) {
  std::string canonical;
  for (const std::string& field : fields) {
    canonical += std::to_string(field.size());
    canonical += ':';
    canonical += field;
  }
  return crypto::HexEncode(crypto::Sha256(canonical));
}

Status Reused(const std::string& id) {
  return AlreadyExistsError("request id " + id + " was used for another request",
                            "REQUEST_ID_REUSED");
}

std::string Key(int64_t partner_id, const char* what, const std::string& id) {
  return "partner:" + std::to_string(partner_id) + ":" + what + ":" + id;
}

// The partner must be one of the brand's and active.
Status CheckPartner(db::Connection& conn, int64_t partner_id, int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Partner> partner,
                           org::PartnerStore(conn).Find(partner_id));
  if (!partner.has_value() || partner->brand_id != brand_id) {
    return NotFoundError("no such partner in the brand", "PARTNER_NOT_FOUND");
  }
  if (!partner->active)
    return FailedPreconditionError("the partner is inactive", "PARTNER_INACTIVE");
  return Status::Ok();
}

// The member, who must be the brand's and active.
Result<members::Member> CheckMember(db::Connection& conn, RandomSource& no_draws, int64_t member_id,
                                    int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<members::Member> member,
                           members::MemberStore(conn, no_draws).Find(member_id));
  if (!member.has_value() || member->brand_id != brand_id) {
    return NotFoundError("no such member in the brand", "MEMBER_NOT_FOUND");
  }
  if (member->status != "active") {
    return FailedPreconditionError("the member is suspended", "MEMBER_SUSPENDED");
  }
  return *member;
}

// Inserts a request row; a concurrent request with the same id took the key first: Aborted,
// so that the retry finds it.
Status InsertRequest(db::Connection& conn, const std::string& sql,
                     const std::vector<db::Value>& params) {
  Result<db::ExecResult> inserted = conn.Exec(sql, params);
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return AbortedError("partner request recorded concurrently; retry");
  }
  return inserted.status();
}

Result<int64_t> BalanceAfter(db::Connection& conn, int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(Balance balance, Ledger(conn).BalanceOf(member_id));
  return balance.balance;
}

// What the member earned at the partner in the Beijing day and month of `now`: the sum of
// the partner_earn journals (point_journals_partner).
struct EarnedSoFar {
  int64_t today = 0;
  int64_t this_month = 0;
};

Result<EarnedSoFar> EarnedAtPartner(db::Connection& conn, int64_t partner_id, int64_t member_id,
                                    int64_t now) {
  const civil::Date date = civil::BeijingDate(now);
  const int64_t day_start = civil::BeijingStartOfDay(date);
  const int64_t month_start = civil::BeijingStartOfDay({date.year, date.month, 1});
  const int64_t month_end = civil::EndOfBeijingMonth(now, 0) + 1;
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT COALESCE(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN points "
                 "ELSE 0 END), 0), COALESCE(SUM(points), 0) FROM point_journals "
                 "WHERE partner_id = ? AND member_id = ? AND created_at >= ? AND created_at < ? "
                 "AND reason = ?",
                 {db::Value(day_start), db::Value(day_start + civil::kSecondsPerDay),
                  db::Value(partner_id), db::Value(member_id), db::Value(month_start),
                  db::Value(month_end), db::Value(std::string(kPartnerEarnReason))}));
  if (rows.empty()) return EarnedSoFar{};
  return EarnedSoFar{rows.front().Int(0), rows.front().Int(1)};
}

// A partner_earnings row.
struct StoredEarning {
  int64_t id = 0;
  std::string request_hash;
  int64_t member_id = 0;
  int64_t amount_fen = 0;
  PartnerEarningResult result;
  int64_t lot_id = 0;
  int64_t reversed_fen = 0;
  int64_t reversed_points = 0;
};

// The earning of (partner, request id) in the brand; `lock` reads the latest row and locks it
// until commit (reversals of one earning go one at a time).
Result<std::optional<StoredEarning>> FindEarning(db::Connection& conn, int64_t partner_id,
                                                 int64_t brand_id, const std::string& request_id,
                                                 bool lock) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT id, request_hash, member_id, amount_fen, points, journal_id, "
                 "balance_after, rule_version, lot_id, reversed_fen, reversed_points, brand_id "
                 "FROM partner_earnings WHERE partner_id = ? AND request_id = ?" +
                     std::string(lock ? db::ForUpdate(conn.dialect()) : ""),
                 {db::Value(partner_id), db::Value(request_id)}));
  if (rows.empty() || rows.front().Int(11) != brand_id) return std::optional<StoredEarning>();
  const db::Row& row = rows.front();
  StoredEarning out;
  out.id = row.Int(0);
  out.request_hash = row.Text(1);
  out.member_id = row.Int(2);
  out.amount_fen = row.Int(3);
  out.result.points = row.Int(4);
  out.result.journal_id = row.Int(5);
  out.result.balance_after = row.Int(6);
  out.result.rule_version = row.Int(7);
  out.lot_id = row.Int(8);
  out.reversed_fen = row.Int(9);
  out.reversed_points = row.Int(10);
  return std::optional<StoredEarning>(out);
}

// The debt an earning repaid, from its journal (0 without one).
Result<int64_t> DebtRepaid(db::Connection& conn, int64_t journal_id) {
  if (journal_id == 0) return int64_t{0};
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT debt_change FROM point_journals WHERE id = ?", {db::Value(journal_id)}));
  return rows.empty() ? int64_t{0} : -rows.front().Int(0);
}

Status ValidateEarning(const PartnerEarning& r) {
  MILEAGE_RETURN_IF_ERROR(CheckIds(r.partner_id, r.brand_id, r.member_id));
  MILEAGE_RETURN_IF_ERROR(PartnerPoints::CheckRequestId(r.request_id));
  MILEAGE_RETURN_IF_ERROR(PartnerPoints::CheckAmount(r.amount_fen));
  MILEAGE_RETURN_IF_ERROR(PartnerPoints::CheckOccurredAt(r.occurred_at, r.now));
  if (r.detail.size() > kMaxDetail) {
    return InvalidArgumentError("detail is at most 4096 bytes", "INVALID_DETAIL");
  }
  return Status::Ok();
}

}  // namespace

Status PartnerPoints::CheckRequestId(const std::string& id) {
  if (!ValidRequestId(id)) {
    return InvalidArgumentError("request ids are 1-64 of A-Z a-z 0-9 _ . : -",
                                "INVALID_REQUEST_ID");
  }
  return Status::Ok();
}

Status PartnerPoints::CheckAmount(int64_t amount_fen) {
  if (amount_fen < 1 || amount_fen > kMaxAmountFen) {
    return InvalidArgumentError("amount_fen must be 1..10^12", "INVALID_AMOUNT");
  }
  return Status::Ok();
}

Status PartnerPoints::CheckPoints(int64_t points) {
  if (points < 1 || points > kMaxAmountFen) {
    return InvalidArgumentError("points must be 1..10^12", "INVALID_POINTS");
  }
  return Status::Ok();
}

Status PartnerPoints::CheckOccurredAt(int64_t occurred_at, int64_t now) {
  if (occurred_at <= 0 || occurred_at > now + kMaxFutureSkewS) {
    return InvalidArgumentError("occurred_at must not be more than 300 s in the future",
                                "INVALID_OCCURRED_AT");
  }
  return Status::Ok();
}

Result<PartnerEarningResult> PartnerPoints::Earn(const PartnerEarning& r) {
  MILEAGE_RETURN_IF_ERROR(ValidateEarning(r));
  const std::string hash =
      RequestHash({"earn", std::to_string(r.member_id), std::to_string(r.amount_fen),
                   std::to_string(r.occurred_at), r.detail});
  PartnerEarningResult out;
  const Status done = db::InTransaction(
      db_,
      [&](db::Connection& conn) -> Status {
        out = PartnerEarningResult{};
        Ledger ledger(conn);
        // First: every later read (the caps) sees the member's earlier postings (LockMember).
        Result<Balance> locked = ledger.LockMember(r.brand_id, r.member_id);
        if (!locked.ok() && locked.status().reason() == "MEMBER_BRAND_MISMATCH") {
          return NotFoundError("no such member in the brand", "MEMBER_NOT_FOUND");
        }
        MILEAGE_RETURN_IF_ERROR(locked.status());
        MILEAGE_ASSIGN_OR_RETURN(
            std::optional<StoredEarning> stored,
            FindEarning(conn, r.partner_id, r.brand_id, r.request_id, /*lock=*/false));
        if (stored.has_value()) {
          if (stored->request_hash != hash) return Reused(r.request_id);
          out = stored->result;
          MILEAGE_ASSIGN_OR_RETURN(out.debt_repaid, DebtRepaid(conn, out.journal_id));
          out.duplicate = true;
          return Status::Ok();
        }
        MILEAGE_RETURN_IF_ERROR(CheckPartner(conn, r.partner_id, r.brand_id));
        MILEAGE_ASSIGN_OR_RETURN(members::Member member,
                                 CheckMember(conn, no_draws_, r.member_id, r.brand_id));
        MILEAGE_ASSIGN_OR_RETURN(std::optional<PartnerEarningRule> rule,
                                 PartnerRuleStore(conn).Current(r.partner_id));
        if (!rule.has_value()) {
          return FailedPreconditionError("the partner has no earning rule", "PARTNER_RULE_MISSING");
        }
        MILEAGE_ASSIGN_OR_RETURN(EarnedSoFar earned,
                                 EarnedAtPartner(conn, r.partner_id, r.member_id, r.now));
        out.points = ApplyPartnerCaps(
            *rule, PartnerPointsBeforeCaps(*rule, member.tier, r.amount_fen, r.occurred_at),
            earned.today, earned.this_month);
        out.rule_version = rule->version;
        PostResult posted;
        if (out.points > 0) {
          EarnRequest earn;
          earn.brand_id = r.brand_id;
          earn.member_id = r.member_id;
          earn.points = out.points;
          earn.idempotency_key = Key(r.partner_id, "earn", r.request_id);
          earn.reason = kPartnerEarnReason;
          earn.source_ref = earn.idempotency_key;
          earn.rule_version = rule->version;
          earn.now = r.now;
          earn.expires_at = expiry_.ExpiresAt(r.occurred_at);
          earn.partner_id = r.partner_id;
          MILEAGE_ASSIGN_OR_RETURN(posted, ledger.Earn(earn));
        }
        out.journal_id = posted.journal_id;
        out.debt_repaid = -posted.debt_change;
        MILEAGE_ASSIGN_OR_RETURN(out.balance_after, BalanceAfter(conn, r.member_id));
        return InsertRequest(
            conn,
            "INSERT INTO partner_earnings (brand_id, partner_id, request_id, request_hash, "
            "member_id, amount_fen, points, rule_version, journal_id, lot_id, balance_after, "
            "occurred_at, detail, reversed_fen, reversed_points, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)",
            {db::Value(r.brand_id), db::Value(r.partner_id), db::Value(r.request_id),
             db::Value(hash), db::Value(r.member_id), db::Value(r.amount_fen),
             db::Value(out.points), db::Value(out.rule_version), db::Value(out.journal_id),
             db::Value(posted.lot_id), db::Value(out.balance_after), db::Value(r.occurred_at),
             db::Value(r.detail), db::Value(r.now)});
      },
      kAttempts);
  if (!done.ok()) return done;
  return out;
}

Result<PartnerBurnResult> PartnerPoints::Burn(const PartnerBurn& r) {
  MILEAGE_RETURN_IF_ERROR(CheckIds(r.partner_id, r.brand_id, r.member_id));
  MILEAGE_RETURN_IF_ERROR(CheckRequestId(r.request_id));
  MILEAGE_RETURN_IF_ERROR(CheckPoints(r.points));
  const std::string hash =
      RequestHash({"burn", std::to_string(r.member_id), std::to_string(r.points)});
  PartnerBurnResult out;
  const Status done = db::InTransaction(
      db_,
      [&](db::Connection& conn) -> Status {
        out = PartnerBurnResult{};
        MILEAGE_ASSIGN_OR_RETURN(
            std::vector<db::Row> rows,
            conn.Query("SELECT request_hash, points, discount_fen, balance_after, journal_id, "
                       "brand_id FROM partner_redemptions WHERE partner_id = ? AND request_id = ?",
                       {db::Value(r.partner_id), db::Value(r.request_id)}));
        if (!rows.empty()) {
          const db::Row& row = rows.front();
          if (row.Text(0) != hash || row.Int(5) != r.brand_id) return Reused(r.request_id);
          out = {row.Int(1), row.Int(2), row.Int(3), row.Int(4), true};
          return Status::Ok();
        }
        MILEAGE_RETURN_IF_ERROR(CheckPartner(conn, r.partner_id, r.brand_id));
        MILEAGE_RETURN_IF_ERROR(CheckMember(conn, no_draws_, r.member_id, r.brand_id).status());
        MILEAGE_ASSIGN_OR_RETURN(
            std::vector<db::Row> brand,
            conn.Query("SELECT point_value_fen_per_100 FROM brands WHERE id = ?",
                       {db::Value(r.brand_id)}));
        if (brand.empty()) return NotFoundError("no such brand", "PARTNER_NOT_FOUND");
        DebitRequest spend;
        spend.brand_id = r.brand_id;
        spend.member_id = r.member_id;
        spend.points = r.points;
        spend.idempotency_key = Key(r.partner_id, "burn", r.request_id);
        spend.reason = kPartnerBurnReason;
        spend.source_ref = spend.idempotency_key;
        spend.now = r.now;
        spend.partner_id = r.partner_id;
        MILEAGE_ASSIGN_OR_RETURN(PostResult posted, Ledger(conn).Spend(spend));
        out.points = r.points;
        out.discount_fen = MulDivFloor(r.points, brand.front().Int(0), 100);
        out.journal_id = posted.journal_id;
        MILEAGE_ASSIGN_OR_RETURN(out.balance_after, BalanceAfter(conn, r.member_id));
        return InsertRequest(
            conn,
            "INSERT INTO partner_redemptions (brand_id, partner_id, request_id, request_hash, "
            "member_id, points, discount_fen, journal_id, balance_after, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {db::Value(r.brand_id), db::Value(r.partner_id), db::Value(r.request_id),
             db::Value(hash), db::Value(r.member_id), db::Value(out.points),
             db::Value(out.discount_fen), db::Value(out.journal_id), db::Value(out.balance_after),
             db::Value(r.now)});
      },
      kAttempts);
  if (!done.ok()) return done;
  return out;
}

Result<PartnerReversalResult> PartnerPoints::Reverse(const PartnerReversal& r) {
  MILEAGE_RETURN_IF_ERROR(CheckIds(r.partner_id, r.brand_id, /*member_id=*/1));
  MILEAGE_RETURN_IF_ERROR(CheckRequestId(r.earning_request_id));
  MILEAGE_RETURN_IF_ERROR(CheckRequestId(r.reversal_id));
  MILEAGE_RETURN_IF_ERROR(CheckAmount(r.amount_fen));
  const std::string hash =
      RequestHash({"reversal", r.earning_request_id, std::to_string(r.amount_fen)});
  PartnerReversalResult out;
  const Status done = db::InTransaction(
      db_,
      [&](db::Connection& conn) -> Status {
        out = PartnerReversalResult{};
        MILEAGE_ASSIGN_OR_RETURN(
            std::vector<db::Row> rows,
            conn.Query("SELECT request_hash, points, debt_change, balance_after, journal_id, "
                       "brand_id, earning_id FROM partner_reversals "
                       "WHERE partner_id = ? AND reversal_id = ?",
                       {db::Value(r.partner_id), db::Value(r.reversal_id)}));
        if (!rows.empty()) {
          const db::Row& row = rows.front();
          if (row.Text(0) != hash || row.Int(5) != r.brand_id) return Reused(r.reversal_id);
          MILEAGE_ASSIGN_OR_RETURN(
              std::vector<db::Row> earning,
              conn.Query("SELECT reversed_fen FROM partner_earnings WHERE id = ?",
                         {db::Value(row.Int(6))}));
          out = {row.Int(1),
                 row.Int(2),
                 row.Int(3),
                 row.Int(4),
                 earning.empty() ? 0 : earning.front().Int(0),
                 true};
          return Status::Ok();
        }
        MILEAGE_ASSIGN_OR_RETURN(
            std::optional<StoredEarning> earning,
            FindEarning(conn, r.partner_id, r.brand_id, r.earning_request_id, /*lock=*/true));
        if (!earning.has_value()) {
          return NotFoundError("no such earning of the partner", "EARNING_NOT_FOUND");
        }
        if (r.amount_fen > earning->amount_fen - earning->reversed_fen) {
          return FailedPreconditionError("the reversal exceeds what is left of the earning",
                                         "REVERSAL_EXCEEDS_EARNING");
        }
        const RefundEffect effect =
            ComputeRefundEffect(earning->amount_fen, earning->result.points, earning->reversed_fen,
                                earning->reversed_points, r.amount_fen);
        PostResult posted;
        if (effect.points_to_reverse > 0) {
          DebitRequest reverse;
          reverse.brand_id = r.brand_id;
          reverse.member_id = earning->member_id;
          reverse.points = effect.points_to_reverse;
          reverse.idempotency_key = Key(r.partner_id, "reversal", r.reversal_id);
          reverse.reason = kPartnerReversalReason;
          reverse.source_ref = Key(r.partner_id, "earn", r.earning_request_id);
          reverse.now = r.now;
          reverse.partner_id = r.partner_id;
          reverse.first_lot_id = earning->lot_id;
          MILEAGE_ASSIGN_OR_RETURN(posted, Ledger(conn).Reverse(reverse));
        }
        MILEAGE_ASSIGN_OR_RETURN(
            db::ExecResult updated,
            conn.Exec("UPDATE partner_earnings SET reversed_fen = ?, reversed_points = ? "
                      "WHERE id = ? AND reversed_fen = ?",
                      {db::Value(effect.refunded_after),
                       db::Value(earning->reversed_points + effect.points_to_reverse),
                       db::Value(earning->id), db::Value(earning->reversed_fen)}));
        if (updated.affected_rows == 0) return AbortedError("earning reversed concurrently");
        out.points = effect.points_to_reverse;
        out.debt_recorded = posted.debt_change;
        out.journal_id = posted.journal_id;
        out.reversed_fen = effect.refunded_after;
        MILEAGE_ASSIGN_OR_RETURN(out.balance_after, BalanceAfter(conn, earning->member_id));
        return InsertRequest(
            conn,
            "INSERT INTO partner_reversals (brand_id, partner_id, reversal_id, request_hash, "
            "earning_id, amount_fen, points, debt_change, journal_id, balance_after, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {db::Value(r.brand_id), db::Value(r.partner_id), db::Value(r.reversal_id),
             db::Value(hash), db::Value(earning->id), db::Value(r.amount_fen),
             db::Value(out.points), db::Value(out.debt_recorded), db::Value(out.journal_id),
             db::Value(out.balance_after), db::Value(r.now)});
      },
      kAttempts);
  if (!done.ok()) return done;
  return out;
}

Result<PartnerBurnCancelResult> PartnerPoints::CancelBurn(const PartnerBurnCancel& r) {
  MILEAGE_RETURN_IF_ERROR(CheckIds(r.partner_id, r.brand_id, /*member_id=*/1));
  MILEAGE_RETURN_IF_ERROR(CheckRequestId(r.request_id));
  PartnerBurnCancelResult out;
  const Status done = db::InTransaction(
      db_,
      [&](db::Connection& conn) -> Status {
        out = PartnerBurnCancelResult{};
        const std::string select =
            "SELECT id, member_id, points, journal_id, created_at, cancel_journal_id, "
            "cancelled_at, brand_id FROM partner_redemptions WHERE partner_id = ? AND "
            "request_id = ?";
        const std::vector<db::Value> params = {db::Value(r.partner_id), db::Value(r.request_id)};
        MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn.Query(select, params));
        if (rows.empty() || rows.front().Int(7) != r.brand_id) {
          return NotFoundError("no such redemption of the partner", "REDEMPTION_NOT_FOUND");
        }
        const int64_t member_id = rows.front().Int(1);
        // The member's rows first, as every posting takes them; then the burn's latest state.
        MILEAGE_RETURN_IF_ERROR(Ledger(conn).LockMember(r.brand_id, member_id).status());
        MILEAGE_ASSIGN_OR_RETURN(
            rows, conn.Query(select + std::string(db::ForUpdate(conn.dialect())), params));
        const db::Row& row = rows.front();
        if (row.Int(5) != 0) {
          out = {row.Int(2), row.Int(6), row.Int(5), true};
          return Status::Ok();
        }
        if (r.now > row.Int(4) + kCancelWindowS) {
          return FailedPreconditionError("a burn can be cancelled within 30 minutes",
                                         "CANCEL_WINDOW_PASSED");
        }
        UnspendRequest unspend;
        unspend.brand_id = r.brand_id;
        unspend.member_id = member_id;
        unspend.spend_journal_id = row.Int(3);
        unspend.idempotency_key = Key(r.partner_id, "burn_cancel", r.request_id);
        unspend.reason = kPartnerBurnCancelReason;
        unspend.source_ref = Key(r.partner_id, "burn", r.request_id);
        unspend.now = r.now;
        unspend.partner_id = r.partner_id;
        MILEAGE_ASSIGN_OR_RETURN(PostResult posted, Ledger(conn).Unspend(unspend));
        MILEAGE_ASSIGN_OR_RETURN(
            db::ExecResult updated,
            conn.Exec("UPDATE partner_redemptions SET cancel_journal_id = ?, cancelled_at = ? "
                      "WHERE id = ? AND cancel_journal_id = 0",
                      {db::Value(posted.journal_id), db::Value(r.now), db::Value(row.Int(0))}));
        if (updated.affected_rows == 0) return AbortedError("burn cancelled concurrently");
        out = {posted.points, r.now, posted.journal_id, false};
        return Status::Ok();
      },
      kAttempts);
  if (!done.ok()) return done;
  return out;
}

Result<PartnerEarningRule> PartnerPoints::PutRule(const PartnerEarningRule& rule, int64_t now) {
  PartnerEarningRule out;
  const Status done = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    MILEAGE_ASSIGN_OR_RETURN(out, PutRule(conn, rule, now));
    return Status::Ok();
  });
  if (!done.ok()) return done;
  return out;
}

Result<PartnerEarningRule> PartnerPoints::PutRule(db::Connection& conn,
                                                  const PartnerEarningRule& rule, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Partner> partner,
                           org::PartnerStore(conn).Find(rule.partner_id));
  if (!partner.has_value() || partner->brand_id != rule.brand_id) {
    return NotFoundError("no such partner in the brand", "PARTNER_NOT_FOUND");
  }
  return PartnerRuleStore(conn).Put(rule, now);
}

}  // namespace mileage::points
