#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "db/db.h"
#include "members/types.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "points/earning_rules.h"

namespace mileage::payments {

// A new version of an earning rule as the console submits it (points::EarningRule).
struct EarningRuleChange {
  int64_t points_per_yuan = 0;
  std::map<std::string, int64_t> tier_multiplier_percent;
  int64_t cap_per_payment = 0;

  static constexpr int64_t kMaxPointsPerYuan = 10000;
  static constexpr int64_t kMaxMultiplierPercent = 10000;
  static constexpr int64_t kMaxCapPerPayment = 1000000000;
};

// The console's management of the earning rules that payments apply (points::EarningRuleStore):
// the brand-wide rule and per-store overrides. Each PUT stores a new version, in one
// transaction with its audit record (org::AuditedWriter). Reading a store's rule gives the rule
// that applies there: the store's own, else the brand's, else the built-in default (id 0).
//
// Authorization (org::Authorizer): kEarningRuleRead / kEarningRuleWrite on the brand or store
// node. A brand rule sits on the brand node, which is an ancestor of every scope below the
// brand, so only brand-scope staff may read or write it (others: PermissionDenied); a store
// outside the caller's scope answers NotFound "store N not found".
//
// Errors common to the methods: InvalidArgument INVALID_ID; NotFound "brand N not found" /
// "store N not found"; PermissionDenied; the db errors. Owned by the composition root; safe
// for concurrent use.
class EarningRuleService {
 public:
  EarningRuleService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
                     const members::TierPolicy& tiers)
      : db_(db), authorizer_(authorizer), writer_(writer), tiers_(tiers) {}

  Result<points::EarningRule> BrandRule(const org::Actor& actor, int64_t brand_id);
  Result<points::EarningRule> StoreRule(const org::Actor& actor, int64_t store_id);

  // Store a new version and return it. Errors, before anything is read or written:
  // InvalidArgument INVALID_EARNING_RULE (points_per_yuan outside 0..kMaxPointsPerYuan, a
  // multiplier outside 0..kMaxMultiplierPercent, cap outside 0..kMaxCapPerPayment) or
  // UNKNOWN_TIER (a tier the tier policy does not name).
  Result<points::EarningRule> PutBrandRule(const org::Actor& actor, int64_t brand_id,
                                           const EarningRuleChange& change);
  Result<points::EarningRule> PutStoreRule(const org::Actor& actor, int64_t store_id,
                                           const EarningRuleChange& change);

 private:
  Result<points::EarningRule> Read(const org::Actor& actor, org::NodeType type, int64_t id);
  Result<points::EarningRule> Put(const org::Actor& actor, org::NodeType type, int64_t id,
                                  const EarningRuleChange& change);
  Status Validate(const EarningRuleChange& change) const;

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  members::TierPolicy tiers_;
};

}  // namespace mileage::payments
