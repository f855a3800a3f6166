#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "growth/winback_places.h"
#include "growth/winback_types.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::growth {

// Churn and win-back in the console (docs/API.md "Win-back"): the brand's settings (thresholds
// and rule), which brand admins write (org::Action kWinbackWrite; audited winback.update) and
// every winback.read role reads; the drifting owners and their count per dealer, and the
// come-back report, each limited to the caller's scope by the store of the member's last visit
// (the report: the store of the last visit the member drifted from), so that a dealer manager
// sees the owners their stores last served. Owned by GrowthModule; safe for concurrent use.
//
// Errors common to the methods: FailedPrecondition STAFF_ONLY (the system actor);
// PermissionDenied (the role lacks the action); the db errors.
class WinbackService {
 public:
  WinbackService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer)
      : db_(db), authorizer_(authorizer), writer_(writer) {}

  // The caller's brand's settings (the defaults, disabled, when never written).
  Result<WinbackSettings> Settings(const org::Actor& actor);
  // Changes the settings. Errors: InvalidArgument MISSING_FIELD (an empty patch),
  // INVALID_DAYS (drift_days or post_warranty_days outside 1..3650, cooldown_days outside
  // 0..3650), INVALID_WARRANTY (warranty_years outside 0..30), INVALID_THRESHOLD
  // (post_warranty_days below drift_days), INVALID_ID; for a stock named anew: NotFound
  // STOCK_NOT_FOUND (another brand's too), FailedPrecondition NOT_ACTIVE or NOT_ELIGIBLE (it
  // takes no grants).
  Result<WinbackSettings> UpdateSettings(const org::Actor& actor, const WinbackSettingsPatch& patch,
                                         int64_t now);

  // A page of the drifting owners in the caller's scope, longest away first, optionally of one
  // dealer or store. Errors: InvalidArgument INVALID_ID, INVALID_LIMIT (1..200); NotFound
  // DEALER_NOT_FOUND / STORE_NOT_FOUND (outside the caller's scope or another brand's too;
  // a store of another dealer than `dealer_id`).
  Result<DriftingPage> Drifting(const org::Actor& actor, const DriftFilter& filter, int64_t now);
  // How many owners drift per dealer in the caller's scope, dealer order (dealer 0: owners
  // whose last visit's store is unknown, brand-level callers only).
  Result<std::vector<DealerDrift>> Dealers(const org::Actor& actor, int64_t now);

  // The come-back report for the Beijing months of grant `from`..`to` ("YYYY-MM", at most 12),
  // one row per month and dealer with win-backs, in that order. Errors: InvalidArgument
  // INVALID_MONTH, INVALID_RANGE (to before from, or more than 12 months).
  Result<std::vector<ComeBackRow>> Report(const org::Actor& actor, std::string_view from,
                                          std::string_view to, int64_t now);

 private:
  // The caller's brand after the role check of `action`.
  Result<int64_t> BrandOf(const org::Actor& actor, org::Action action) const;
  // The store ids the caller may list, within `parent` when given; nullopt: all the brand's.
  Result<std::optional<std::vector<int64_t>>> StoresIn(db::Connection& conn,
                                                       const org::NodePath& scope,
                                                       const std::optional<org::NodePath>& parent);
  // The stores a drifting list of `filter` covers (after its checks).
  Result<std::optional<std::vector<int64_t>>> FilterStores(db::Connection& conn,
                                                           const org::Actor& actor,
                                                           const DriftFilter& filter);
  static Status CheckStock(db::Connection& conn, int64_t brand_id, int64_t stock_id, int64_t now);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
};

}  // namespace mileage::growth
