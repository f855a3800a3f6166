#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/random.h"
#include "common/result.h"
#include "coupons/stock_store.h"
#include "coupons/types.h"
#include "db/db.h"

namespace mileage::coupons {

// The reason of the Aborted status Issue returns when a concurrent writer got in first (the
// chosen shard filled, or a unique key of the coupon was taken): retry the transaction, which
// reads the stock's numbers again.
inline constexpr std::string_view kIssueRaceReason = "COUPON_RACE";
// How many times the services run an issuing transaction before they answer Aborted.
inline constexpr int kIssueAttempts = 12;

// What one coupon is issued for.
struct IssueRequest {
  int64_t member_id = 0;
  Channel channel = Channel::kClaim;
  std::optional<std::string> source_ref;  // nullopt for claims
  int64_t now = 0;
};

// The one path by which every channel issues a coupon, inside the caller's transaction on
// `conn`, with the numbers `context` read (StockStore::LoadForIssue on the same transaction).
// Writes, in this order so that the hot counter row is locked last and briefly: the coupon (the
// member's next slot), its coupon.issued outbox event, the day's counter when the stock has a
// daily quantity, and one unit of a counter shard (the member's home shard, member_id mod 16,
// or the next one with room). Stateless apart from the random source; safe for concurrent use.
//
// Refusals, before anything is written: FailedPrecondition LIMIT_REACHED (the member holds
// per_member_limit coupons of the stock) or SOLD_OUT (no shard had room). After writing (the
// caller rolls back its transaction or savepoint): FailedPrecondition SOLD_OUT when the day's
// quantity is gone; Aborted kIssueRaceReason when the chosen shard filled or a unique key of
// the coupon (slot, source_ref, code) was taken meanwhile. The db errors.
class Issuer {
 public:
  explicit Issuer(RandomSource& random) : random_(random) {}

  Result<Coupon> Issue(db::Connection& conn, const IssueContext& context,
                       const IssueRequest& request) const;

  // LIMIT_REACHED or SOLD_OUT when `context` shows no room for the member (the checks Issue
  // starts with); OK otherwise.
  static Status CheckRoom(const IssueContext& context);

 private:
  RandomSource& random_;
};

}  // namespace mileage::coupons
