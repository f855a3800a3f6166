#pragma once

#include <cstdint>

#include "care/greeting_store.h"
#include "care/greeting_types.h"
#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::care {

// Birthday and anniversary care in the console (docs/API.md "Birthday and anniversary care"):
// a brand's care rules, which brand admins create, change and delete (org::Action
// kCareRuleWrite; brand-scope readers read them), and the greetings the job
// (care/greeting_job.h) wrote, which staff read in their scope: brand staff every greeting of
// the brand, staff below the brand those of the members they see (`seen`, the console's member
// rule, supplied by the composition root). A rule's stock must be one of the brand's, active
// and taking the grant channel when the rule is written (the job checks again at each
// greeting). Writes are audited (care_rule.create, care_rule.update, care_rule.delete).
// Owned by CareModule; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument INVALID_ID, INVALID_PAGE; NotFound
// CARE_RULE_NOT_FOUND (another brand's rule answers so too), NOT_FOUND "brand <id> not
// found" (a caller scoped below the brand asking for the brand's rules); PermissionDenied (the
// role lacks the action); the db errors.
class CareRuleService {
 public:
  CareRuleService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
                  MemberScopeSql seen)
      : db_(db), authorizer_(authorizer), writer_(writer), seen_(std::move(seen)) {}

  // A rule of `brand_id`. Errors: InvalidArgument INVALID_DAYS_BEFORE (not 0..7); the stock's
  // errors (StockFor).
  Result<CareRule> Create(const org::Actor& actor, int64_t brand_id, const NewCareRule& rule,
                          int64_t now);
  // The brand's rules, id order.
  Result<PageOf<CareRule>> List(const org::Actor& actor, int64_t brand_id, const PageRequest& page);
  Result<CareRule> Get(const org::Actor& actor, int64_t id);
  // Errors: InvalidArgument MISSING_FIELD (an empty patch), INVALID_DAYS_BEFORE; the stock's
  // errors when the patch names one.
  Result<CareRule> Update(const org::Actor& actor, int64_t id, const CareRulePatch& patch,
                          int64_t now);
  // Deletes the rule; its greetings stay (a rule created again greets anew).
  Status Delete(const org::Actor& actor, int64_t id);

  // The greetings of the caller's brand that the caller sees, newest first. Staff only
  // (FailedPrecondition STAFF_ONLY for the system actor).
  Result<PageOf<Greeting>> Greetings(const org::Actor& actor, const GreetingFilter& filter,
                                     const PageRequest& page);

 private:
  // The rule `id` when the actor may do `action` on it (locked with `lock`).
  Result<CareRule> Authorized(db::Connection& conn, const org::Actor& actor, org::Action action,
                              int64_t id, bool lock);
  // NotFound STOCK_NOT_FOUND unless `stock_id` is a stock of `brand_id`; FailedPrecondition
  // NOT_ACTIVE (not active, or its window is over) or NOT_ELIGIBLE (it takes no grants).
  static Status CheckStock(db::Connection& conn, int64_t brand_id, int64_t stock_id, int64_t now);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  const MemberScopeSql seen_;
};

}  // namespace mileage::care
