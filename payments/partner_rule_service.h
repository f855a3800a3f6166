#pragma once

#include <cstdint>

#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "members/types.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "points/partner_activity.h"
#include "points/partner_rules.h"

namespace mileage::payments {

// The console's management of a partner's earning rule (points::PartnerEarningRule; issue 13):
// read the current version, store a new one; and the console's reads of the partner's activity
// (its earnings and burns, points::PartnerActivityStore). Each PUT is a new version, in one
// transaction with its audit record "partner.rule_update" (org::AuditedWriter). Authorization on
// the partner's brand node (org::Authorizer): kPartnerRead to read, kPartnerWrite to write (brand
// admins). Another brand's or an unknown partner answers NotFound "partner N not found".
//
// Errors common to the methods: InvalidArgument INVALID_ID; NotFound; PermissionDenied; the db
// errors. Owned by the composition root; safe for concurrent use.
class PartnerRuleService {
 public:
  PartnerRuleService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
                     const members::TierPolicy& tiers)
      : db_(db), authorizer_(authorizer), writer_(writer), tiers_(tiers) {}

  // The partner's current rule. NotFound PARTNER_RULE_MISSING when it has none yet.
  Result<points::PartnerEarningRule> Get(const org::Actor& actor, int64_t partner_id);
  // Stores `rule` (its id, brand, partner, version and created_at are ignored) as the partner's
  // next version and returns it. InvalidArgument UNKNOWN_TIER (a tier the tier policy does not
  // name), INVALID_EARNING_RULE (points::PartnerRuleStore::Put's ranges), checked before
  // anything is written.
  Result<points::PartnerEarningRule> Put(const org::Actor& actor, int64_t partner_id,
                                         const points::PartnerEarningRule& rule);

  // The partner's earnings, newest first (kPartnerRead). InvalidArgument INVALID_PAGE.
  Result<PageOf<points::PartnerEarningLine>> Earnings(const org::Actor& actor, int64_t partner_id,
                                                      const PageRequest& page);
  // The partner's burns, cancelled ones included, newest first (kPartnerRead). InvalidArgument
  // INVALID_PAGE.
  Result<PageOf<points::PartnerRedemptionLine>> Redemptions(const org::Actor& actor,
                                                            int64_t partner_id,
                                                            const PageRequest& page);

 private:
  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  members::TierPolicy tiers_;
};

}  // namespace mileage::payments
