#include "points/ledger.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "db/paged_query.h"
#include "db/sql_dialect.h"

namespace mileage::points {
namespace {

constexpr size_t kMaxKey = 128;
constexpr size_t kMaxReason = 32;
constexpr size_t kMaxSourceRef = 128;

constexpr const char* kEarn = "earn";
constexpr const char* kReverse = "reverse";
constexpr const char* kSpend = "spend";
constexpr const char* kExpire = "expire";
constexpr const char* kUnspend = "unspend";

constexpr const char* kPartnerFunding = "partner_funding";
constexpr const char* kPartnerRedeemed = "partner_redeemed";

// A locking read that others' locking reads do not block (MySQL; SQLite's Begin() already
// holds the write lock). Reads the latest committed rows instead of the transaction snapshot.
std::string_view ForShare(db::Dialect dialect) {
  return dialect == db::Dialect::kMysql ? " LOCK IN SHARE MODE" : "";
}

Status CheckPosting(db::Connection& conn, int64_t brand_id, int64_t member_id, int64_t points,
                    const std::string& key, const std::string& reason,
                    const std::string& source_ref) {
  if (brand_id <= 0 || member_id <= 0) {
    return InvalidArgumentError("a posting needs a brand and a member", "INVALID_POSTING");
  }
  if (points <= 0) return InvalidArgumentError("points must be positive", "INVALID_POINTS");
  if (key.empty() || key.size() > kMaxKey) {
    return InvalidArgumentError("the idempotency key must have 1-128 bytes",
                                "INVALID_IDEMPOTENCY_KEY");
  }
  if (reason.empty() || reason.size() > kMaxReason || source_ref.size() > kMaxSourceRef) {
    return InvalidArgumentError("reason must have 1-32 bytes and source_ref at most 128",
                                "INVALID_POSTING");
  }
  // Every statement of a posting must commit or roll back together.
  if (!conn.in_transaction()) {
    return FailedPreconditionError("ledger postings run inside a transaction");
  }
  return Status::Ok();
}

// The journal a key already names, if any. FailedPrecondition IDEMPOTENCY_KEY_REUSED when
// the key was used for another kind of posting or another member.
Result<std::optional<PostResult>> FindDuplicate(db::Connection& conn, int64_t brand_id,
                                                const std::string& key, std::string_view kind,
                                                int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT id, kind, member_id, points, debt_change FROM point_journals "
                 "WHERE brand_id = ? AND idempotency_key = ?",
                 {db::Value(brand_id), db::Value(key)}));
  if (rows.empty()) return std::optional<PostResult>();
  const db::Row& row = rows.front();
  if (row.Text(1) != kind || row.Int(2) != member_id) {
    return FailedPreconditionError("idempotency key " + key + " was used for another posting",
                                   "IDEMPOTENCY_KEY_REUSED");
  }
  PostResult out;
  out.journal_id = row.Int(0);
  out.points = row.Int(3);
  out.debt_change = row.Int(4);
  out.duplicate = true;
  return std::optional<PostResult>(out);
}

struct Journal {
  int64_t brand_id = 0;
  std::string key;
  const char* kind = "";
  std::string reason;
  std::string source_ref;
  int64_t rule_version = 0;
  int64_t points = 0;
  int64_t debt_change = 0;
  int64_t member_id = 0;
  int64_t now = 0;
  int64_t partner_id = 0;
};

// Inserts the journal; Aborted when a concurrent posting took the key first, so that the
// caller's db::InTransaction retries and then finds the duplicate.
Result<int64_t> InsertJournal(db::Connection& conn, const Journal& j) {
  Result<int64_t> inserted = conn.Insert(
      "INSERT INTO point_journals (brand_id, idempotency_key, kind, reason, source_ref, "
      "rule_version, points, debt_change, member_id, created_at, partner_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {db::Value(j.brand_id), db::Value(j.key), db::Value(std::string(j.kind)), db::Value(j.reason),
       db::Value(j.source_ref), db::Value(j.rule_version), db::Value(j.points),
       db::Value(j.debt_change), db::Value(j.member_id), db::Value(j.now),
       db::Value(j.partner_id)});
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return AbortedError("idempotency key " + j.key + " posted concurrently; retry");
  }
  if (!inserted.ok()) return inserted.status();
  return *inserted;
}

struct Entry {
  int64_t account_id;
  int64_t amount;
};

// One statement for all entries of a journal; entries of amount 0 are left out.
Status InsertEntries(db::Connection& conn, int64_t journal_id, std::initializer_list<Entry> all) {
  std::string sql = "INSERT INTO point_entries (journal_id, account_id, amount) VALUES ";
  std::vector<db::Value> params;
  int64_t sum = 0;
  for (const Entry& e : all) {
    sum += e.amount;
    if (e.amount == 0) continue;
    sql += params.empty() ? "(?, ?, ?)" : ", (?, ?, ?)";
    params.emplace_back(journal_id);
    params.emplace_back(e.account_id);
    params.emplace_back(e.amount);
  }
  if (sum != 0 || params.size() < 6) {
    return InternalError("a journal's entries must be two or more and sum to zero");
  }
  return conn.Exec(sql, params).status();
}

// One consumption of a lot (lot_id 0: debt repaid by an earning) by a journal.
struct LotUse {
  int64_t lot_id = 0;
  int64_t funder_partner_id = 0;
  int64_t points = 0;
};

// The point_lot_uses rows of one journal, in one statement.
Status InsertLotUses(db::Connection& conn, int64_t brand_id, int64_t journal_id,
                     int64_t consumer_partner_id, const std::vector<LotUse>& uses, int64_t now) {
  if (uses.empty()) return Status::Ok();
  std::string sql =
      "INSERT INTO point_lot_uses (brand_id, journal_id, lot_id, funder_partner_id, "
      "consumer_partner_id, points, created_at) VALUES ";
  std::vector<db::Value> params;
  for (const LotUse& use : uses) {
    sql += params.empty() ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)";
    for (int64_t v : {brand_id, journal_id, use.lot_id, use.funder_partner_id, consumer_partner_id,
                      use.points, now}) {
      params.emplace_back(v);
    }
  }
  return conn.Exec(sql, params).status();
}

// The account on the other side of a member posting: the brand's liability, or a partner's
// funding (earn, reverse) or redeemed (spend) account.
struct Counterparty {
  std::string kind;
  int64_t owner_id = 0;
};

Counterparty CounterpartyOf(int64_t brand_id, int64_t partner_id, const char* partner_kind) {
  if (partner_id == 0) return {"brand_liability", brand_id};
  return {partner_kind, partner_id};
}

// The accounts a member posting touches, with the member rows' running balances.
struct MemberAccounts {
  int64_t member = 0;
  int64_t debt = 0;
  int64_t counterparty = 0;
  int64_t balance = 0;
  int64_t debt_balance = 0;  // <= 0: the negated debt
};

// Finds the member's, member debt and counterparty accounts, creating a missing counterparty
// and (when `create`) missing member accounts. With `lock_member_rows`, re-reads the member
// rows with a locking read on MySQL, so that the balances are current and stay so until commit.
// NotFound when !create and the member has no account; InvalidArgument MEMBER_BRAND_MISMATCH
// when an account belongs to another brand.
Result<MemberAccounts> LoadAccounts(db::Connection& conn, int64_t brand_id, int64_t member_id,
                                    const Counterparty& counterparty, bool create,
                                    bool lock_member_rows) {
  const std::string select =
      "SELECT id, kind, brand_id, balance FROM point_accounts WHERE "
      "(kind = 'member' AND owner_id = ?) OR (kind = 'member_debt' AND owner_id = ?) OR "
      "(kind = ? AND owner_id = ?)";
  const std::initializer_list<db::Value> params = {db::Value(member_id), db::Value(member_id),
                                                   db::Value(counterparty.kind),
                                                   db::Value(counterparty.owner_id)};
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn.Query(select, params));
  bool has_member = false;
  bool has_counterparty = false;
  for (const db::Row& row : rows) {
    has_member = has_member || row.Text(1) == "member";
    has_counterparty = has_counterparty || row.Text(1) == counterparty.kind;
  }
  if (!has_member && !create) return NotFoundError("member has no points account");
  if (rows.size() < 3) {
    // The member's first posting; the unique (kind, owner_id) key decides who creates. The
    // member rows are upserted because an upsert takes the exclusive lock a later balance
    // update needs: two first postings of one member queue instead of both holding shared
    // locks and deadlocking on the upgrade. The brand or partner row is insert-ignored: its
    // shared lock is compatible with every other posting of the brand.
    if (!has_member) {
      MILEAGE_RETURN_IF_ERROR(
          conn.Exec("INSERT INTO point_accounts (brand_id, kind, owner_id, balance) VALUES "
                    "(?, 'member', ?, 0), (?, 'member_debt', ?, 0)" +
                        db::UpsertClause(conn.dialect(), {"kind", "owner_id"}, {}),
                    {db::Value(brand_id), db::Value(member_id), db::Value(brand_id),
                     db::Value(member_id)})
              .status());
    }
    if (!has_counterparty) {
      MILEAGE_RETURN_IF_ERROR(
          conn.Exec(
                  std::string(db::InsertIgnoreInto(conn.dialect())) +
                      " point_accounts (brand_id, kind, owner_id, balance) VALUES (?, ?, ?, NULL)",
                  {db::Value(brand_id), db::Value(counterparty.kind),
                   db::Value(counterparty.owner_id)})
              .status());
    }
    // A locking read sees rows committed after this transaction's MySQL snapshot.
    MILEAGE_ASSIGN_OR_RETURN(rows,
                             conn.Query(select + std::string(ForShare(conn.dialect())), params));
  }
  MemberAccounts out;
  for (const db::Row& row : rows) {
    const std::string kind = row.Text(1);
    if (row.Int(2) != brand_id) {
      return InvalidArgumentError("member " + std::to_string(member_id) + " or partner " +
                                      std::to_string(counterparty.owner_id) +
                                      " has points in another brand",
                                  "MEMBER_BRAND_MISMATCH");
    }
    if (kind == "member") {
      out.member = row.Int(0);
      out.balance = row.Int(3);
    } else if (kind == "member_debt") {
      out.debt = row.Int(0);
      out.debt_balance = row.Int(3);
    } else {
      out.counterparty = row.Int(0);
    }
  }
  if (out.member == 0 || out.debt == 0 || out.counterparty == 0) {
    return InternalError("point accounts missing after creation");
  }
  // Member rows that the upsert above wrote are locked already, and the locking re-read gave
  // their latest balances.
  if (lock_member_rows && has_member && conn.dialect() == db::Dialect::kMysql) {
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<db::Row> locked,
        conn.Query("SELECT id, balance FROM point_accounts WHERE id IN (?, ?) FOR UPDATE",
                   {db::Value(out.member), db::Value(out.debt)}));
    for (const db::Row& row : locked) {
      (row.Int(0) == out.member ? out.balance : out.debt_balance) = row.Int(1);
    }
  }
  return out;
}

// What taking points from a member's lots is about: whose journal, at which partner (0: the
// brand), and the lot to take from first (0: none).
struct Consumption {
  int64_t brand_id = 0;
  int64_t member_id = 0;
  int64_t journal_id = 0;
  int64_t consumer_partner_id = 0;
  int64_t first_lot_id = 0;
  int64_t now = 0;
};

// Takes `points` from the member's lots, `first_lot_id` first, then oldest expiry first
// (never-expiring lots last), each with a conditional update, and records each take as a lot
// use of the journal. Aborted when a lot changed underneath (retry); Internal when the lots do
// not cover the points (the balance and the lots disagree).
Status ConsumeLots(db::Connection& conn, const Consumption& c, int64_t points) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> lots,
      conn.Query("SELECT id, remaining, funder_partner_id FROM point_lots WHERE member_id = ? "
                 "AND active = 1 ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END, "
                 "CASE WHEN expires_at = 0 THEN 1 ELSE 0 END, expires_at, id" +
                     std::string(db::ForUpdate(conn.dialect())),
                 {db::Value(c.member_id), db::Value(c.first_lot_id)}));
  int64_t need = points;
  std::vector<LotUse> uses;
  for (const db::Row& lot : lots) {
    if (need == 0) break;
    const int64_t take = std::min(need, lot.Int(1));
    if (take <= 0) continue;
    // `active` is assigned first: MySQL evaluates SET left to right, SQLite on the old row.
    MILEAGE_ASSIGN_OR_RETURN(
        db::ExecResult updated,
        conn.Exec("UPDATE point_lots SET active = CASE WHEN remaining > ? THEN 1 ELSE 0 END, "
                  "remaining = remaining - ? WHERE id = ? AND remaining >= ?",
                  {db::Value(take), db::Value(take), db::Value(lot.Int(0)), db::Value(take)}));
    if (updated.affected_rows == 0) return AbortedError("point lot changed concurrently; retry");
    uses.push_back({lot.Int(0), lot.Int(2), take});
    need -= take;
  }
  if (need != 0) return InternalError("point lots do not cover the member balance");
  return InsertLotUses(conn, c.brand_id, c.journal_id, c.consumer_partner_id, uses, c.now);
}

// Debits the member's balance only if it covers `points` (the database enforces >= 0).
Result<bool> DebitBalance(db::Connection& conn, int64_t account_id, int64_t points) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn.Exec("UPDATE point_accounts SET balance = balance - ? WHERE id = ? AND balance >= ?",
                {db::Value(points), db::Value(account_id), db::Value(points)}));
  return updated.affected_rows > 0;
}

Status CheckPartner(int64_t partner_id) {
  if (partner_id < 0)
    return InvalidArgumentError("partner_id must not be negative", "INVALID_POSTING");
  return Status::Ok();
}

}  // namespace

Result<PostResult> Ledger::Earn(const EarnRequest& r) {
  MILEAGE_RETURN_IF_ERROR(CheckPosting(conn_, r.brand_id, r.member_id, r.points, r.idempotency_key,
                                       r.reason, r.source_ref));
  MILEAGE_RETURN_IF_ERROR(CheckPartner(r.partner_id));
  if (r.expires_at < 0) return InvalidArgumentError("expires_at must not be negative");
  if (!r.new_key) {
    MILEAGE_ASSIGN_OR_RETURN(
        std::optional<PostResult> duplicate,
        FindDuplicate(conn_, r.brand_id, r.idempotency_key, kEarn, r.member_id));
    if (duplicate.has_value()) return *duplicate;
  }

  MILEAGE_ASSIGN_OR_RETURN(
      MemberAccounts accounts,
      LoadAccounts(conn_, r.brand_id, r.member_id,
                   CounterpartyOf(r.brand_id, r.partner_id, kPartnerFunding), /*create=*/true,
                   /*lock_member_rows=*/true));
  const int64_t repaid = std::min(r.points, -accounts.debt_balance);
  const int64_t rest = r.points - repaid;

  MILEAGE_ASSIGN_OR_RETURN(
      int64_t journal_id,
      InsertJournal(conn_, {r.brand_id, r.idempotency_key, kEarn, r.reason, r.source_ref,
                            r.rule_version, r.points, -repaid, r.member_id, r.now, r.partner_id}));
  MILEAGE_RETURN_IF_ERROR(InsertEntries(
      conn_, journal_id,
      {{accounts.counterparty, -r.points}, {accounts.debt, repaid}, {accounts.member, rest}}));
  if (repaid > 0) {
    // Repays no more than the debt: the debt row never goes above zero.
    MILEAGE_ASSIGN_OR_RETURN(
        db::ExecResult updated,
        conn_.Exec("UPDATE point_accounts SET balance = balance + ? WHERE id = ? AND "
                   "balance <= ?",
                   {db::Value(repaid), db::Value(accounts.debt), db::Value(-repaid)}));
    if (updated.affected_rows == 0) return AbortedError("member debt changed concurrently");
    // The funder paid for points the member had already used: the brand consumed them.
    MILEAGE_RETURN_IF_ERROR(InsertLotUses(conn_, r.brand_id, journal_id, /*consumer=*/0,
                                          {{0, r.partner_id, repaid}}, r.now));
  }
  int64_t lot_id = 0;
  if (rest > 0) {
    MILEAGE_RETURN_IF_ERROR(
        conn_
            .Exec("UPDATE point_accounts SET balance = balance + ? WHERE id = ?",
                  {db::Value(rest), db::Value(accounts.member)})
            .status());
    MILEAGE_ASSIGN_OR_RETURN(
        int64_t lot,
        conn_.Insert(
            "INSERT INTO point_lots (member_id, brand_id, journal_id, amount, remaining, "
            "active, earned_at, expires_at, funder_partner_id) "
            "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
            {db::Value(r.member_id), db::Value(r.brand_id), db::Value(journal_id), db::Value(rest),
             db::Value(rest), db::Value(r.now), db::Value(r.expires_at), db::Value(r.partner_id)}));
    lot_id = lot;
  }
  return PostResult{journal_id, r.points, -repaid, lot_id, false};
}

Result<PostResult> Ledger::Reverse(const DebitRequest& r) {
  MILEAGE_RETURN_IF_ERROR(CheckPosting(conn_, r.brand_id, r.member_id, r.points, r.idempotency_key,
                                       r.reason, r.source_ref));
  MILEAGE_RETURN_IF_ERROR(CheckPartner(r.partner_id));
  MILEAGE_ASSIGN_OR_RETURN(
      std::optional<PostResult> duplicate,
      FindDuplicate(conn_, r.brand_id, r.idempotency_key, kReverse, r.member_id));
  if (duplicate.has_value()) return *duplicate;

  MILEAGE_ASSIGN_OR_RETURN(
      MemberAccounts accounts,
      LoadAccounts(conn_, r.brand_id, r.member_id,
                   CounterpartyOf(r.brand_id, r.partner_id, kPartnerFunding), /*create=*/true,
                   /*lock_member_rows=*/true));
  const int64_t covered = std::clamp<int64_t>(accounts.balance, 0, r.points);
  const int64_t uncovered = r.points - covered;
  if (covered > 0) {
    MILEAGE_ASSIGN_OR_RETURN(bool debited, DebitBalance(conn_, accounts.member, covered));
    if (!debited) return AbortedError("member balance changed concurrently; retry");
  }
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t journal_id,
      InsertJournal(conn_, {r.brand_id, r.idempotency_key, kReverse, r.reason, r.source_ref, 0,
                            r.points, uncovered, r.member_id, r.now, r.partner_id}));
  MILEAGE_RETURN_IF_ERROR(InsertEntries(conn_, journal_id,
                                        {{accounts.member, -covered},
                                         {accounts.debt, -uncovered},
                                         {accounts.counterparty, r.points}}));
  if (uncovered > 0) {
    MILEAGE_RETURN_IF_ERROR(
        conn_
            .Exec("UPDATE point_accounts SET balance = balance - ? WHERE id = ?",
                  {db::Value(uncovered), db::Value(accounts.debt)})
            .status());
  }
  if (covered > 0) {
    MILEAGE_RETURN_IF_ERROR(ConsumeLots(
        conn_, {r.brand_id, r.member_id, journal_id, r.partner_id, r.first_lot_id, r.now},
        covered));
  }
  return PostResult{journal_id, r.points, uncovered, 0, false};
}

Result<PostResult> Ledger::Spend(const DebitRequest& r) {
  MILEAGE_RETURN_IF_ERROR(CheckPosting(conn_, r.brand_id, r.member_id, r.points, r.idempotency_key,
                                       r.reason, r.source_ref));
  MILEAGE_RETURN_IF_ERROR(CheckPartner(r.partner_id));
  MILEAGE_ASSIGN_OR_RETURN(
      std::optional<PostResult> duplicate,
      FindDuplicate(conn_, r.brand_id, r.idempotency_key, kSpend, r.member_id));
  if (duplicate.has_value()) return *duplicate;

  const Status insufficient = FailedPreconditionError(
      "the member has fewer than " + std::to_string(r.points) + " points", "INSUFFICIENT_POINTS");
  Result<MemberAccounts> accounts = LoadAccounts(
      conn_, r.brand_id, r.member_id, CounterpartyOf(r.brand_id, r.partner_id, kPartnerRedeemed),
      /*create=*/false, /*lock_member_rows=*/false);
  if (!accounts.ok() && accounts.status().code() == StatusCode::kNotFound) return insufficient;
  if (!accounts.ok()) return accounts.status();
  // The conditional update is the check: concurrent spends can never take the balance below 0.
  MILEAGE_ASSIGN_OR_RETURN(bool debited, DebitBalance(conn_, accounts->member, r.points));
  if (!debited) return insufficient;
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t journal_id,
      InsertJournal(conn_, {r.brand_id, r.idempotency_key, kSpend, r.reason, r.source_ref, 0,
                            r.points, 0, r.member_id, r.now, r.partner_id}));
  MILEAGE_RETURN_IF_ERROR(InsertEntries(
      conn_, journal_id, {{accounts->member, -r.points}, {accounts->counterparty, r.points}}));
  MILEAGE_RETURN_IF_ERROR(ConsumeLots(
      conn_, {r.brand_id, r.member_id, journal_id, r.partner_id, /*first_lot_id=*/0, r.now},
      r.points));
  return PostResult{journal_id, r.points, 0, 0, false};
}

namespace {

// Puts `use.points` back into its lot. FailedPrecondition CANCEL_POINTS_EXPIRED when the lot
// is past its expiry at `now`: the expiry job may have swept it already ("expire:<lot id>"),
// and points that expired while spent are not given back as spendable points.
Status ReturnToLot(db::Connection& conn, int64_t now, const LotUse& use) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn.Exec("UPDATE point_lots SET remaining = remaining + ?, active = 1 WHERE id = ? AND "
                "(expires_at = 0 OR expires_at > ?)",
                {db::Value(use.points), db::Value(use.lot_id), db::Value(now)}));
  if (updated.affected_rows == 0) {
    return FailedPreconditionError("points of the spend have expired since",
                                   "CANCEL_POINTS_EXPIRED");
  }
  return Status::Ok();
}

}  // namespace

Result<PostResult> Ledger::Unspend(const UnspendRequest& r) {
  MILEAGE_RETURN_IF_ERROR(CheckPosting(conn_, r.brand_id, r.member_id, /*points=*/1,
                                       r.idempotency_key, r.reason, r.source_ref));
  MILEAGE_RETURN_IF_ERROR(CheckPartner(r.partner_id));
  MILEAGE_ASSIGN_OR_RETURN(
      std::optional<PostResult> duplicate,
      FindDuplicate(conn_, r.brand_id, r.idempotency_key, kUnspend, r.member_id));
  if (duplicate.has_value()) return *duplicate;
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> spend,
      conn_.Query("SELECT kind, member_id, brand_id, partner_id, points FROM point_journals "
                  "WHERE id = ?",
                  {db::Value(r.spend_journal_id)}));
  if (spend.empty() || spend.front().Text(0) != kSpend || spend.front().Int(1) != r.member_id ||
      spend.front().Int(2) != r.brand_id || spend.front().Int(3) != r.partner_id) {
    return FailedPreconditionError(
        "journal " + std::to_string(r.spend_journal_id) + " is not a spend of the member",
        "NOT_A_SPEND");
  }
  const int64_t points = spend.front().Int(4);
  MILEAGE_ASSIGN_OR_RETURN(
      MemberAccounts accounts,
      LoadAccounts(conn_, r.brand_id, r.member_id,
                   CounterpartyOf(r.brand_id, r.partner_id, kPartnerRedeemed), /*create=*/true,
                   /*lock_member_rows=*/true));
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t journal_id,
      InsertJournal(conn_, {r.brand_id, r.idempotency_key, kUnspend, r.reason, r.source_ref, 0,
                            points, 0, r.member_id, r.now, r.partner_id}));
  MILEAGE_RETURN_IF_ERROR(InsertEntries(
      conn_, journal_id, {{accounts.counterparty, -points}, {accounts.member, points}}));
  MILEAGE_RETURN_IF_ERROR(conn_
                              .Exec("UPDATE point_accounts SET balance = balance + ? WHERE id = ?",
                                    {db::Value(points), db::Value(accounts.member)})
                              .status());
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> used,
      conn_.Query("SELECT lot_id, funder_partner_id, points FROM point_lot_uses "
                  "WHERE journal_id = ? ORDER BY id",
                  {db::Value(r.spend_journal_id)}));
  std::vector<LotUse> returned;
  int64_t total = 0;
  for (const db::Row& row : used) {
    const LotUse use{row.Int(0), row.Int(1), row.Int(2)};
    MILEAGE_RETURN_IF_ERROR(ReturnToLot(conn_, r.now, use));
    returned.push_back({use.lot_id, use.funder_partner_id, -use.points});
    total += use.points;
  }
  if (total != points) return InternalError("a spend's lot uses do not add up to its points");
  MILEAGE_RETURN_IF_ERROR(
      InsertLotUses(conn_, r.brand_id, journal_id, r.partner_id, returned, r.now));
  return PostResult{journal_id, points, 0, 0, false};
}

Result<Balance> Ledger::LockMember(int64_t brand_id, int64_t member_id) {
  if (brand_id <= 0 || member_id <= 0) {
    return InvalidArgumentError("a posting needs a brand and a member", "INVALID_POSTING");
  }
  if (!conn_.in_transaction()) {
    return FailedPreconditionError("ledger postings run inside a transaction");
  }
  // Locking statements only (an upsert, then a locking read): none of them starts the MySQL
  // snapshot, which the first plain read after them does.
  MILEAGE_RETURN_IF_ERROR(
      conn_
          .Exec("INSERT INTO point_accounts (brand_id, kind, owner_id, balance) VALUES "
                "(?, 'member', ?, 0), (?, 'member_debt', ?, 0)" +
                    db::UpsertClause(conn_.dialect(), {"kind", "owner_id"}, {}),
                {db::Value(brand_id), db::Value(member_id), db::Value(brand_id),
                 db::Value(member_id)})
          .status());
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT kind, brand_id, balance FROM point_accounts WHERE "
                  "(kind = 'member' AND owner_id = ?) OR (kind = 'member_debt' AND owner_id = ?)" +
                      std::string(db::ForUpdate(conn_.dialect())),
                  {db::Value(member_id), db::Value(member_id)}));
  Balance out;
  for (const db::Row& row : rows) {
    if (row.Int(1) != brand_id) {
      return InvalidArgumentError(
          "member " + std::to_string(member_id) + " has points in another brand",
          "MEMBER_BRAND_MISMATCH");
    }
    (row.Text(0) == "member" ? out.balance : out.debt) = row.Int(2);
  }
  out.debt = -out.debt;
  return out;
}

Result<int64_t> Ledger::ExpireDue(int64_t brand_id, int64_t now, int64_t limit) {
  if (brand_id <= 0 || limit <= 0) {
    return InvalidArgumentError("ExpireDue needs a brand and a positive limit");
  }
  if (!conn_.in_transaction()) {
    return FailedPreconditionError("ledger postings run inside a transaction");
  }
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> lots,
      conn_.Query("SELECT id, member_id, remaining, funder_partner_id FROM point_lots WHERE "
                  "brand_id = ? AND active = 1 AND expires_at > 0 AND expires_at <= ? "
                  "ORDER BY expires_at, id LIMIT ?",
                  {db::Value(brand_id), db::Value(now), db::Value(limit)}));
  if (lots.empty()) return int64_t{0};

  const std::string breakage_select =
      "SELECT id FROM point_accounts WHERE kind = 'brand_breakage' AND owner_id = ?";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> breakage,
                           conn_.Query(breakage_select, {db::Value(brand_id)}));
  if (breakage.empty()) {
    MILEAGE_RETURN_IF_ERROR(conn_
                                .Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                                          " point_accounts (brand_id, kind, owner_id, balance) "
                                          "VALUES (?, 'brand_breakage', ?, NULL)",
                                      {db::Value(brand_id), db::Value(brand_id)})
                                .status());
    MILEAGE_ASSIGN_OR_RETURN(breakage,
                             conn_.Query(breakage_select + std::string(ForShare(conn_.dialect())),
                                         {db::Value(brand_id)}));
    if (breakage.empty()) return InternalError("brand breakage account missing after creation");
  }
  const int64_t breakage_account = breakage.front().Int(0);

  std::string accounts_sql =
      "SELECT owner_id, id FROM point_accounts WHERE kind = 'member' AND owner_id IN (";
  std::vector<db::Value> member_ids;
  for (const db::Row& lot : lots) {
    accounts_sql += member_ids.empty() ? "?" : ", ?";
    member_ids.emplace_back(lot.Int(1));
  }
  accounts_sql += ")";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> account_rows,
                           conn_.Query(accounts_sql, member_ids));
  std::map<int64_t, int64_t> account_of;
  for (const db::Row& row : account_rows) account_of[row.Int(0)] = row.Int(1);

  int64_t expired = 0;
  for (const db::Row& lot : lots) {
    const int64_t lot_id = lot.Int(0);
    const int64_t member_id = lot.Int(1);
    const int64_t remaining = lot.Int(2);
    // Conditional on what was read: a lot spent or expired meanwhile (another job) is left
    // alone here and picked up, if still due, by the next run.
    MILEAGE_ASSIGN_OR_RETURN(db::ExecResult closed,
                             conn_.Exec("UPDATE point_lots SET active = 0, remaining = 0 "
                                        "WHERE id = ? AND active = 1 AND remaining = ?",
                                        {db::Value(lot_id), db::Value(remaining)}));
    if (closed.affected_rows == 0) continue;
    auto account = account_of.find(member_id);
    if (account == account_of.end()) return InternalError("a point lot has no member account");
    MILEAGE_ASSIGN_OR_RETURN(bool debited, DebitBalance(conn_, account->second, remaining));
    if (!debited) return InternalError("point lots exceed the member balance");
    MILEAGE_ASSIGN_OR_RETURN(
        int64_t journal_id,
        InsertJournal(conn_, {brand_id, "expire:" + std::to_string(lot_id), kExpire, "expire",
                              "lot:" + std::to_string(lot_id), 0, remaining, 0, member_id, now,
                              /*partner_id=*/0}));
    MILEAGE_RETURN_IF_ERROR(InsertEntries(
        conn_, journal_id, {{account->second, -remaining}, {breakage_account, remaining}}));
    // Breakage: the brand consumes what expired, whoever funded it.
    MILEAGE_RETURN_IF_ERROR(InsertLotUses(conn_, brand_id, journal_id, /*consumer=*/0,
                                          {{lot_id, lot.Int(3), remaining}}, now));
    ++expired;
  }
  return expired;
}

Result<Balance> Ledger::BalanceOf(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT kind, balance FROM point_accounts WHERE "
                  "(kind = 'member' AND owner_id = ?) OR (kind = 'member_debt' AND owner_id = ?)",
                  {db::Value(member_id), db::Value(member_id)}));
  Balance out;
  for (const db::Row& row : rows) {
    if (row.Text(0) == "member") {
      out.balance = row.Int(1);
    } else {
      out.debt = -row.Int(1);
    }
  }
  return out;
}

Result<std::map<int64_t, Balance>> Ledger::BalancesOf(const std::vector<int64_t>& member_ids) {
  std::map<int64_t, Balance> out;
  if (member_ids.empty()) return out;
  std::string sql =
      "SELECT owner_id, kind, balance FROM point_accounts WHERE kind IN ('member', "
      "'member_debt') AND owner_id IN (";
  std::vector<db::Value> params;
  for (int64_t id : member_ids) {
    sql += params.empty() ? "?" : ", ?";
    params.emplace_back(id);
  }
  sql += ")";
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  for (const db::Row& row : rows) {
    Balance& balance = out[row.Int(0)];
    if (row.Text(1) == "member") {
      balance.balance = row.Int(2);
    } else {
      balance.debt = -row.Int(2);
    }
  }
  return out;
}

Result<PointsSummary> Ledger::Summary(int64_t member_id, int64_t until) {
  // Three index lookups (point_accounts_owner, point_lots_member) in one round trip; a lot with
  // points left is active, one that never expires has expires_at 0.
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(
          "SELECT COALESCE((SELECT balance FROM point_accounts WHERE kind = 'member' AND "
          "owner_id = ?), 0), "
          "(SELECT COALESCE(SUM(remaining), 0) FROM point_lots WHERE member_id = ? AND "
          "active = 1 AND expires_at > 0 AND expires_at <= ?), "
          "(SELECT COALESCE(MIN(expires_at), 0) FROM point_lots WHERE member_id = ? AND "
          "active = 1 AND expires_at > 0)",
          {db::Value(member_id), db::Value(member_id), db::Value(until), db::Value(member_id)}));
  PointsSummary out;
  if (!rows.empty()) {
    out.balance = rows.front().Int(0);
    out.expiring = rows.front().Int(1);
    out.next_expiry_at = rows.front().Int(2);
  }
  return out;
}

Result<PageOf<JournalLine>> Ledger::History(int64_t member_id, const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  return db::QueryPage<JournalLine>(
      conn_,
      {"SELECT id, kind, points, debt_change, reason, source_ref, rule_version, created_at "
       "FROM point_journals",
       "SELECT COUNT(*) FROM point_journals", " WHERE member_id = ?", "id DESC"},
      {db::Value(member_id)}, page, [](const db::Row& row) {
        JournalLine line;
        line.journal_id = row.Int(0);
        // Signed by direction: the member's balance moved by points + debt_change.
        const bool credit = row.Text(1) == kEarn || row.Text(1) == kUnspend;
        line.points = credit ? row.Int(2) : -row.Int(2);
        line.debt_change = row.Int(3);
        line.reason = row.Text(4);
        line.source_ref = row.Text(5);
        line.rule_version = row.Int(6);
        line.created_at = row.Int(7);
        return line;
      });
}

Result<PointsSummary> MemberPoints::Summary(int64_t member_id, int64_t now, int64_t horizon_s) {
  if (member_id <= 0 || horizon_s < 0) {
    return InvalidArgumentError("a points summary needs a member and a horizon", "INVALID_ID");
  }
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return Summary(*conn, member_id, now, horizon_s);
}

Result<PointsSummary> MemberPoints::Summary(db::Connection& conn, int64_t member_id, int64_t now,
                                            int64_t horizon_s) {
  if (member_id <= 0 || horizon_s < 0) {
    return InvalidArgumentError("a points summary needs a member and a horizon", "INVALID_ID");
  }
  return Ledger(conn).Summary(member_id, now + horizon_s);
}

Result<PageOf<JournalLine>> MemberPoints::History(int64_t member_id, const PageRequest& page) {
  if (member_id <= 0) return InvalidArgumentError("member_id must be positive", "INVALID_ID");
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return Ledger(*conn).History(member_id, page);
}

Result<int64_t> Ledger::SumOfEntries(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT COALESCE(SUM(e.amount), 0) FROM point_entries e "
                  "JOIN point_accounts a ON a.id = e.account_id WHERE a.brand_id = ?",
                  {db::Value(brand_id)}));
  return rows.empty() ? int64_t{0} : rows.front().Int(0);
}

Result<BrandTotals> Ledger::TotalsOf(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT a.kind, COALESCE(SUM(e.amount), 0) FROM point_accounts a "
                  "JOIN point_entries e ON e.account_id = a.id "
                  "WHERE a.brand_id = ? AND a.kind IN ('brand_liability', 'brand_breakage') "
                  "GROUP BY a.kind",
                  {db::Value(brand_id)}));
  BrandTotals out;
  for (const db::Row& row : rows) {
    (row.Text(0) == "brand_liability" ? out.liability : out.breakage) = row.Int(1);
  }
  return out;
}

}  // namespace mileage::points
