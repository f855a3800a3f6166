#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "points/types.h"

namespace mileage::points {

// A credit of points to a member for a reason (payment, promotion, partner...), paid for by
// the brand (partner_id 0: brand liability) or by the partner it happened at (its
// partner_funding account).
struct EarnRequest {
  int64_t brand_id = 0;
  int64_t member_id = 0;
  int64_t points = 0;           // > 0
  std::string idempotency_key;  // unique per brand, e.g. "pay:<transaction_id>"
  std::string reason;           // "payment", ...
  std::string source_ref;       // e.g. "wxpay:<transaction_id>"
  int64_t rule_version = 0;
  int64_t now = 0;
  int64_t expires_at = 0;  // of the lot it creates (ExpiryPolicy)
  int64_t partner_id = 0;  // the funding partner, recorded on the journal and the lot
  // True when the caller's own unique key has already decided, in this transaction, that this
  // posting is new (a payment's transaction_id): Earn skips its idempotency lookup. The
  // journal's unique key still refuses a repeat of the idempotency key (Aborted).
  bool new_key = false;
};

// A debit of points from a member: a refund reversal (may create debt) or a spend (may not).
// With a partner_id, a reversal gives the points back to that partner's funding account and a
// spend credits its partner_redeemed account; the partner is the consumer of the lots taken.
struct DebitRequest {
  int64_t brand_id = 0;
  int64_t member_id = 0;
  int64_t points = 0;           // > 0
  std::string idempotency_key;  // e.g. "refund:<refund_id>"
  std::string reason;           // "refund", "redeem", ...
  std::string source_ref;
  int64_t now = 0;
  int64_t partner_id = 0;    // 0: the brand
  int64_t first_lot_id = 0;  // a reversal consumes this lot (the earning's own) before others
};

// The cancellation of a spend (a burn at a partner cancelled in its window): the spend's
// journal, once per idempotency key.
struct UnspendRequest {
  int64_t brand_id = 0;
  int64_t member_id = 0;
  int64_t spend_journal_id = 0;  // a journal of kind spend of this member and partner
  std::string idempotency_key;
  std::string reason;
  std::string source_ref;
  int64_t now = 0;
  int64_t partner_id = 0;  // the spend's partner (0: the brand)
};

// One line of a member's points history.
struct JournalLine {
  int64_t journal_id = 0;
  int64_t points = 0;  // signed, as it moved the member's balance (+earn, -reverse/spend/expire)
  int64_t debt_change = 0;
  std::string reason;
  std::string source_ref;
  int64_t rule_version = 0;
  int64_t created_at = 0;
};

// A member's points as the owner card shows them at one moment: the spendable balance, the
// points of the lots that expire within the horizon asked for (lots past their expiry that the
// expiry job has not swept yet included: they are still in the balance and go at its next run),
// and the earliest expiry of any lot holding points (0: none, or none that expires).
struct PointsSummary {
  int64_t balance = 0;
  int64_t expiring = 0;
  int64_t next_expiry_at = 0;
};

// The brand side of the ledger: sums of the brand accounts' entries (they keep no running
// balance). `liability` is minus the points credited and not spent or reversed; `breakage` the
// points that expired. What the brand owes its members is -(liability + breakage).
struct BrandTotals {
  int64_t liability = 0;
  int64_t breakage = 0;
};

// The double-entry points ledger (DESIGN.md section 4) on one connection, inside the caller's
// transaction. Every posting is a journal with a unique (brand, idempotency key), a reason, a
// source reference and entries that sum to zero over the accounts: member balance, member
// debt (receivable), brand liability, brand breakage (expiry). Credits create lots with an
// expiry; debits consume lots oldest-expiry first. Only member accounts keep a running
// balance row (checked by conditional updates); brand and partner accounts (partner_funding,
// partner_redeemed) are sums of their entries, so concurrent payments do not queue on one row.
// Every lot records its funder (0: the brand, else a partner) and every consumption of a lot
// writes a point_lot_uses row (journal, lot, funder, consumer), as does the part of an
// earning that repays debt (lot 0, consumed by the brand): the rows of a journal sum to the
// points it took from lots, and partner settlement sums them. Not safe for concurrent use.
// Errors: InvalidArgument for points <= 0 or an empty key; the db::Connection errors.
class Ledger {
 public:
  explicit Ledger(db::Connection& conn) : conn_(conn) {}

  // Brand liability (or the partner's funding) -> member. Repays the member's debt first; the
  // rest becomes a lot of that funder.
  Result<PostResult> Earn(const EarnRequest& request);
  // Member -> brand liability (or the partner's funding), consuming lots (first_lot_id first);
  // what the balance does not cover becomes debt.
  Result<PostResult> Reverse(const DebitRequest& request);
  // Member -> brand liability (or the partner's partner_redeemed), consuming lots.
  // FailedPrecondition INSUFFICIENT_POINTS when the balance is below `points` (nothing
  // written).
  Result<PostResult> Spend(const DebitRequest& request);
  // Gives back what a spend took (journal kind "unspend"): the spend's counterparty (brand
  // liability or the partner's partner_redeemed) -> member, each point back into the lot it
  // came from, and per lot one point_lot_uses row with the spend's row negated (same lot,
  // funder and consumer), so that every sum of lot uses nets the spend out. The member's debt
  // is left alone. A repeat of the key returns the first posting. FailedPrecondition
  // NOT_A_SPEND when the journal is not a spend of this member, brand and partner;
  // FailedPrecondition CANCEL_POINTS_EXPIRED when a lot the spend took from is past its expiry
  // (nothing written); InvalidArgument for an empty key.
  Result<PostResult> Unspend(const UnspendRequest& request);
  // Takes the member's balance rows with exclusive locks until commit, creating them when
  // missing, and returns the balance. Run it as the transaction's first statement: on MySQL the
  // transaction's snapshot then starts after every earlier posting of the member committed, so
  // that reads which decide a posting (a partner's caps) see them all. InvalidArgument
  // MEMBER_BRAND_MISMATCH when the member's points are in another brand; the db errors.
  Result<Balance> LockMember(int64_t brand_id, int64_t member_id);
  // Moves the remaining points of up to `limit` lots of `brand_id` that expired at or before
  // `now` to brand breakage, one journal per lot ("expire:<lot id>"). Returns the lots expired.
  Result<int64_t> ExpireDue(int64_t brand_id, int64_t now, int64_t limit);

  Result<Balance> BalanceOf(int64_t member_id);
  // The balances of several members in one query (an export's page: at most
  // PageRequest::kMaxPageSize ids); a member without an account is absent (balance 0).
  Result<std::map<int64_t, Balance>> BalancesOf(const std::vector<int64_t>& member_ids);
  // The member's balance and the points of lots expiring at or before `until`, in one query.
  Result<PointsSummary> Summary(int64_t member_id, int64_t until);
  // A page of the member's journal lines, newest first, with their count. InvalidArgument
  // INVALID_PAGE for a page out of range.
  Result<PageOf<JournalLine>> History(int64_t member_id, const PageRequest& page);
  // The sum of every entry of the brand (zero unless the ledger is broken), for checks and tests.
  Result<int64_t> SumOfEntries(int64_t brand_id);
  Result<BrandTotals> TotalsOf(int64_t brand_id);

 private:
  db::Connection& conn_;
};

// The member side of the points module on the composition root's database: a member's summary
// and history, each one query (the history: a page and its count) on a pooled connection,
// outside any transaction. Owned by the composition root; safe for concurrent use.
class MemberPoints {
 public:
  explicit MemberPoints(db::Db& db) : db_(db) {}

  // The member's summary with the lots expiring within `horizon_s` of `now`. InvalidArgument
  // INVALID_ID for a member id <= 0 or a negative horizon; the db errors.
  Result<PointsSummary> Summary(int64_t member_id, int64_t now, int64_t horizon_s);
  // The same on the caller's connection (a composed read that takes one connection).
  Result<PointsSummary> Summary(db::Connection& conn, int64_t member_id, int64_t now,
                                int64_t horizon_s);
  // Ledger::History on a pooled connection. InvalidArgument INVALID_ID, INVALID_PAGE; the db
  // errors.
  Result<PageOf<JournalLine>> History(int64_t member_id, const PageRequest& page);

 private:
  db::Db& db_;
};

}  // namespace mileage::points
