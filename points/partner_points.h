#pragma once

#include <cstdint>
#include <string>

#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "points/earning_rules.h"
#include "points/partner_rules.h"

namespace mileage::points {

// The reasons of the journals of points at partners (point_journals.reason).
inline constexpr const char* kPartnerEarnReason = "partner_earn";
inline constexpr const char* kPartnerBurnReason = "partner_burn";
inline constexpr const char* kPartnerReversalReason = "partner_reversal";
inline constexpr const char* kPartnerBurnCancelReason = "partner_burn_cancel";

// A purchase at a partner that earns points. The route has authenticated the partner (and so
// knows its brand) and resolved the member; `detail` is the category detail as the route
// validated it, kept as given. `now` is the server's time.
struct PartnerEarning {
  int64_t partner_id = 0;
  int64_t brand_id = 0;
  int64_t member_id = 0;
  std::string request_id;   // 1-64 of [A-Za-z0-9_.:-], unique per partner
  int64_t amount_fen = 0;   // 1..10^12
  int64_t occurred_at = 0;  // Unix seconds, > 0 and at most 300 s after now
  std::string detail;       // at most 4096 bytes
  int64_t now = 0;
};

// What an earning did (also what its repeats answer).
struct PartnerEarningResult {
  int64_t points = 0;         // credited (0 when the caps left nothing)
  int64_t debt_repaid = 0;    // of `points`, what repaid the member's debt
  int64_t balance_after = 0;  // the member's spendable balance after it
  int64_t journal_id = 0;     // 0 when no points moved
  int64_t rule_version = 0;
  bool duplicate = false;
};

// A (partial) reversal of an earning, e.g. the purchase was refunded: `amount_fen` of its
// amount, once per reversal_id.
struct PartnerReversal {
  int64_t partner_id = 0;
  int64_t brand_id = 0;
  std::string earning_request_id;  // the request_id of the earning
  std::string reversal_id;         // 1-64 of [A-Za-z0-9_.:-], unique per partner
  int64_t amount_fen = 0;          // 1..10^12, at most what is not reversed yet
  int64_t now = 0;
};

struct PartnerReversalResult {
  int64_t points = 0;         // taken back from the member (balance, then debt)
  int64_t debt_recorded = 0;  // of `points`, what the balance did not cover
  int64_t balance_after = 0;
  int64_t journal_id = 0;    // 0 when no points moved
  int64_t reversed_fen = 0;  // the earning's reversed amount after this reversal
  bool duplicate = false;
};

// Points burned at a partner as a discount.
struct PartnerBurn {
  int64_t partner_id = 0;
  int64_t brand_id = 0;
  int64_t member_id = 0;
  std::string request_id;  // 1-64 of [A-Za-z0-9_.:-], unique per partner
  int64_t points = 0;      // 1..10^12
  int64_t now = 0;
};

struct PartnerBurnResult {
  int64_t points = 0;
  int64_t discount_fen = 0;  // floor(points * brand point_value_fen_per_100 / 100)
  int64_t balance_after = 0;
  int64_t journal_id = 0;
  bool duplicate = false;
};

// The cancellation of a burn by the partner that made it, within kCancelWindowS of the burn.
struct PartnerBurnCancel {
  int64_t partner_id = 0;
  int64_t brand_id = 0;
  std::string request_id;  // the burn's request_id
  int64_t now = 0;
};

struct PartnerBurnCancelResult {
  int64_t points = 0;        // given back to the member
  int64_t cancelled_at = 0;  // Unix seconds of the first cancellation
  int64_t journal_id = 0;    // the unspend journal
  bool duplicate = false;
};

// Earn, burn and reversal of points at partners (issue 13), each one transaction through the
// ledger: an earning debits the partner's partner_funding account and credits the member
// (repaying debt first, the rest a lot funded by the partner); a burn takes the member's lots
// oldest first into the partner's partner_redeemed account and never below zero; a reversal
// takes back floor(points * reversed fen / amount) on the cumulative total (so reversals add
// up to the points earned at a full reversal), from the earning's own lot first, then other
// lots, then as debt, into the partner's funding account. A burn may be cancelled within
// kCancelWindowS (Ledger::Unspend: the points go back into the lots they came from and the
// burn's lot uses are negated, so settlement never reimburses it). Every lot consumed is recorded
// with its funder and consumer (Ledger), for settlement. Each request is idempotent per (partner,
// request id): a repeat with the same request answers the first result with `duplicate` set;
// another request under the same id is refused. Owned by the composition root; safe for
// concurrent use (the database serializes one member; caps hold under concurrency).
//
// Errors of all three: InvalidArgument INVALID_ID (an id <= 0), INVALID_REQUEST_ID,
// INVALID_AMOUNT, INVALID_POINTS, INVALID_OCCURRED_AT (more than 300 s ahead of now, or not
// positive), INVALID_DETAIL (over 4096 bytes); AlreadyExists REQUEST_ID_REUSED (the id was
// used for another request); NotFound PARTNER_NOT_FOUND (no such partner in the brand),
// MEMBER_NOT_FOUND (no such member in the brand), EARNING_NOT_FOUND; FailedPrecondition
// PARTNER_INACTIVE, MEMBER_SUSPENDED, PARTNER_RULE_MISSING (the partner has no earning rule),
// INSUFFICIENT_POINTS, REVERSAL_EXCEEDS_EARNING; the db errors. Nothing is written on error.
class PartnerPoints {
 public:
  PartnerPoints(db::Db& db, ExpiryPolicy expiry) : db_(db), expiry_(expiry) {}

  static constexpr int64_t kMaxAmountFen = 1000000000000;  // 10^12
  static constexpr int64_t kMaxFutureSkewS = 300;
  // How long after a burn the partner may cancel it (30 minutes).
  static constexpr int64_t kCancelWindowS = 1800;

  // The checks Earn, Burn, Reverse and CancelBurn make of what a request carries, for a caller
  // that must refuse bad input before anything else (the partner routes identify the member
  // first, which records a link). InvalidArgument INVALID_REQUEST_ID, INVALID_AMOUNT,
  // INVALID_POINTS, INVALID_OCCURRED_AT.
  static Status CheckRequestId(const std::string& id);
  static Status CheckAmount(int64_t amount_fen);
  static Status CheckPoints(int64_t points);
  static Status CheckOccurredAt(int64_t occurred_at, int64_t now);

  Result<PartnerEarningResult> Earn(const PartnerEarning& request);
  Result<PartnerBurnResult> Burn(const PartnerBurn& request);
  Result<PartnerReversalResult> Reverse(const PartnerReversal& request);
  // Cancels the partner's burn `request_id` (once; a repeat answers the first cancellation with
  // `duplicate` set, also after the window). Errors: InvalidArgument INVALID_ID,
  // INVALID_REQUEST_ID; NotFound REDEMPTION_NOT_FOUND (no such burn of this partner: another
  // partner's burns alike); FailedPrecondition CANCEL_WINDOW_PASSED (more than kCancelWindowS
  // after the burn), CANCEL_POINTS_EXPIRED (points it took have expired since); the db errors.
  // Nothing is written on error.
  Result<PartnerBurnCancelResult> CancelBurn(const PartnerBurnCancel& request);
  // Stores a new version of the partner's earning rule (PartnerRuleStore::Put), after checking
  // that the partner belongs to the rule's brand (NotFound PARTNER_NOT_FOUND).
  Result<PartnerEarningRule> PutRule(const PartnerEarningRule& rule, int64_t now);
  // The same on the caller's connection, inside its transaction (an audited console write).
  static Result<PartnerEarningRule> PutRule(db::Connection& conn, const PartnerEarningRule& rule,
                                            int64_t now);

 private:
  db::Db& db_;
  const ExpiryPolicy expiry_;
  OsRandom no_draws_;  // MemberStore wants a source; reads never draw
};

}  // namespace mileage::points
