#pragma once

#include <cstdint>
#include <string>

#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::points {

// One earning recorded for a partner (partner_earnings): what the console's partner page lists.
// reversed_fen / reversed_points are what the partner's reversals took back so far. Times are
// Unix seconds. A value type.
struct PartnerEarningLine {
  std::string request_id;
  int64_t member_id = 0;
  int64_t amount_fen = 0;
  int64_t points = 0;
  int64_t rule_version = 0;
  int64_t reversed_fen = 0;
  int64_t reversed_points = 0;
  int64_t occurred_at = 0;
  int64_t created_at = 0;
};

// One burn at a partner (partner_redemptions); cancelled_at is 0 unless the partner cancelled it.
// A value type.
struct PartnerRedemptionLine {
  std::string request_id;
  int64_t member_id = 0;
  int64_t points = 0;
  int64_t discount_fen = 0;
  int64_t created_at = 0;
  int64_t cancelled_at = 0;
};

// Reads one partner's earnings and burns, newest first (created_at, then id), through the
// (partner_id, created_at) indexes of migration 0025. Authorization is the caller's. Borrows the
// connection; one per request, not shared across threads.
class PartnerActivityStore {
 public:
  explicit PartnerActivityStore(db::Connection& conn) : conn_(conn) {}

  // Errors: InvalidArgument INVALID_PAGE (ValidatePage); the db errors.
  Result<PageOf<PartnerEarningLine>> Earnings(int64_t partner_id, const PageRequest& page);
  // Errors: InvalidArgument INVALID_PAGE (ValidatePage); the db errors.
  Result<PageOf<PartnerRedemptionLine>> Redemptions(int64_t partner_id, const PageRequest& page);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::points
