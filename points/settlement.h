#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::points {

// Points that moved between two parties of a brand (0 = the brand, else a partner) in a
// period: the sum of the lot uses with that funder and consumer, those of expiry journals
// (breakage) apart. A value type.
struct PartyFlow {
  int64_t funder_id = 0;
  int64_t consumer_id = 0;
  bool breakage = false;
  int64_t points = 0;
};

// One line of a party's statement: what moved between the party and one counterparty.
// points_paid: points the party funded that the counterparty consumed; points_received:
// points the counterparty funded that the party consumed; breakage_points: points funded by
// the partner of the pair that expired (the brand consumes them: the partner pays, the brand
// receives). amount_fen: the line's net in fen, positive when the party receives; the
// counterparty's line has the opposite amount. A value type.
struct SettlementLine {
  int64_t party_id = 0;
  int64_t counterparty_id = 0;
  std::string counterparty_name;
  int64_t points_paid = 0;
  int64_t points_received = 0;
  int64_t breakage_points = 0;
  int64_t amount_fen = 0;
};

// A party's statement: the points it funded in the period (its earn journals, information
// only), its lines by counterparty id and their net (positive: it receives). A value type.
struct PartyStatement {
  int64_t party_id = 0;
  std::string name;
  int64_t points_funded = 0;
  int64_t net_fen = 0;
  std::vector<SettlementLine> lines;
};

// A period's statements, one per party (the brand first, then its partners by id), whose
// net amounts sum to zero. `closed` false: computed now from the unsettled lot uses (id 0,
// closed_at 0), and may change until the period is closed. A value type.
struct SettlementStatement {
  int64_t period_id = 0;
  int64_t brand_id = 0;
  std::string period;  // "YYYY-MM"
  bool closed = false;
  int64_t starts_at = 0;  // [starts_at, ends_at): the Beijing calendar month
  int64_t ends_at = 0;
  int64_t closed_at = 0;
  int64_t point_value_fen_per_100 = 0;
  int64_t lot_uses = 0;         // lot uses covered
  int64_t points_moved = 0;     // their points between different parties
  int64_t amount_fen = 0;       // the sum of the positive net amounts
  bool already_closed = false;  // Close() found it closed and changed nothing
  std::vector<PartyStatement> parties;
};

// One lot use behind a statement line, with its journal.
struct TraceRow {
  int64_t lot_use_id = 0;
  int64_t journal_id = 0;
  std::string journal_kind;  // earn, spend, reverse, expire
  std::string journal_reason;
  int64_t lot_id = 0;  // 0: debt an earning repaid
  int64_t funder_id = 0;
  int64_t consumer_id = 0;
  int64_t points = 0;
  int64_t created_at = 0;
};

// The statements of `flows` at `point_value_fen_per_100` between `party_ids` (the brand 0 and
// the brand's partners; a party only the flows name is added): per unordered pair, one amount
// round-half-away-from-zero(net points * value / 100) from the lower id's side, the opposite on
// the other's, so that every pair, and so the whole period, sums to zero exactly. Flows of a
// party with itself are left out. Internal when an amount leaves the int64 range.
Result<std::vector<PartyStatement>> ComputeStatements(const std::vector<PartyFlow>& flows,
                                                      const std::vector<int64_t>& party_ids,
                                                      int64_t point_value_fen_per_100);

// Partner settlement (issue 13; docs/OPERATIONS.md "Partner settlement"): the funder of a
// point pays whoever consumed it, at the brand's point value, per Beijing calendar month.
// Sources: point_lot_uses (every consumption of a lot, with funder and consumer) and the earn
// journals. Closing a period marks the lot uses it covers (the brand's unsettled ones created
// before the period's end) with the period and stores its statements, in one transaction with
// its audit record (`settlement.close`): a closed period never changes, and a lot use that
// commits after the close lands in the next period closed. Periods close in order.
//
// Authorization (org::Authorizer): kSettlementRead / kSettlementClose on the brand node, so
// only brand-scope staff reach it (NotFound "brand N not found" below the brand). A party or
// counterparty that is neither 0 nor a partner of the brand answers NotFound
// PARTY_NOT_FOUND.
//
// Errors common to the methods: InvalidArgument INVALID_PERIOD (not "YYYY-MM", year
// 2000-2200), INVALID_ID; NotFound; PermissionDenied; the db errors. Owned by the composition
// root; safe for concurrent use (the database decides concurrent closes).
class SettlementService {
 public:
  SettlementService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
                    const Clock& clock)
      : db_(db), authorizer_(authorizer), writer_(writer), clock_(clock) {}

  // The period's statements: the stored ones once closed, else computed now.
  Result<SettlementStatement> Statement(const org::Actor& actor, int64_t brand_id,
                                        std::string_view period);
  // One party's statement of the period.
  Result<PartyStatement> Party(const org::Actor& actor, int64_t brand_id, std::string_view period,
                               int64_t party_id);
  // A page of the lot uses behind the line (party, counterparty), lot-use id order.
  // InvalidArgument INVALID_FIELD when counterparty == party; INVALID_PAGE.
  Result<PageOf<TraceRow>> Trace(const org::Actor& actor, int64_t brand_id, std::string_view period,
                                 int64_t party_id, int64_t counterparty_id,
                                 const PageRequest& page);
  // Closes the period (idempotent: a closed period is returned as stored, already_closed set,
  // nothing written). FailedPrecondition PERIOD_NOT_ENDED (before the month's end, Beijing
  // time), LATER_PERIOD_CLOSED (a later month is closed already), EARLIER_PERIOD_OPEN (an
  // earlier month has unsettled lot uses and is not closed: close it first; the message names
  // it).
  Result<SettlementStatement> Close(const org::Actor& actor, int64_t brand_id,
                                    std::string_view period);

 private:
  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  const Clock& clock_;
};

}  // namespace mileage::points
