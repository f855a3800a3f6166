#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/paging.h"
#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "growth/referral_types.h"
#include "members/member_sessions.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::growth {

// One of a referrer's referrals as the member sees it: the referee shown by their masked phone
// (nullopt when they bound none) and the state at the time asked.
struct MemberReferral {
  Referral referral;
  ReferralState state = ReferralState::kPending;
  std::optional<std::string> referee_phone;  // "138****8000"
};

// What the mini-program's 推荐有礼 page shows: the brand's rule (nullopt when there is none or
// it is off), the referrer's totals and a page of their referrals.
struct MemberReferrals {
  std::optional<ReferralRule> rule;
  ReferrerTotals totals;
  PageOf<MemberReferral> page;
};

// Referrals (老带新, docs/API.md "Referrals"): a member's code, attaching a new owner to the
// code's owner, the referrer's view; and in the console the brand's rule (brand admins write it,
// org::Action kReferralWrite, audited as referral_rule.put; brand-scope readers read it) and
// the brand's referrals (kReferralRead). Rewards and clawbacks happen on payments
// (growth/referral_rewards.h). Owned by GrowthModule; safe for concurrent use.
//
// Errors common to the methods: the db errors.
class ReferralService {
 public:
  // The inputs of PutRule.
  struct RuleInput {
    bool enabled = true;
    int64_t window_days = 30;
    int64_t min_amount_fen = 0;
    int64_t referrer_points = 0;
    int64_t referee_points = 0;
    std::optional<int64_t> referrer_stock_id;
    std::optional<int64_t> referee_stock_id;
    int64_t monthly_cap = 10;
  };

  ReferralService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
                  RandomSource& random)
      : db_(db), authorizer_(authorizer), writer_(writer), random_(random) {}

  // The member's code, made on first use and the same ever after.
  Result<ReferralCode> CodeOf(const members::MemberPrincipal& member, int64_t now);

  // Attaches `member` (the referee) to the owner of `code` as a pending referral that expires
  // window_days after now. Answers the existing referral when the member is already attached to
  // that referrer (a repeated post), with `created` false. Refusals write nothing:
  // InvalidArgument INVALID_REFERRAL_CODE (not 1-16 of [0-9A-Za-z]); NotFound
  // REFERRAL_CODE_NOT_FOUND (no such code, or another brand's: the same answer);
  // FailedPrecondition REFERRALS_OFF (the brand has no rule or it is off), SELF_REFERRAL,
  // ALREADY_REFERRED (attached to another referrer: the first attach wins), NOT_NEW_OWNER (the
  // member has a recorded payment), REFERRAL_LOOP (the code's owner is, through their own
  // referrers, referred by this member).
  struct Attached {
    Referral referral;
    bool created = false;
  };
  Result<Attached> Attach(const members::MemberPrincipal& member, std::string_view code,
                          int64_t now);

  // The brand's rule (if on), the member's totals and a page of their referrals, newest first.
  // InvalidArgument INVALID_PAGE.
  Result<MemberReferrals> OfReferrer(const members::MemberPrincipal& member,
                                     const PageRequest& page, int64_t now);

  // The console's rule of `brand_id`. NotFound REFERRAL_RULE_NOT_FOUND when there is none;
  // NotFound "brand <id> not found" outside the caller's subtree; PermissionDenied.
  Result<ReferralRule> Rule(const org::Actor& actor, int64_t brand_id);
  // Creates or replaces the brand's rule. InvalidArgument INVALID_WINDOW_DAYS (1..365),
  // INVALID_AMOUNT (0..kMaxAmountFen), INVALID_POINTS (0..kMaxPoints), INVALID_CAP
  // (1..kMaxMonthlyCap), NO_REWARD (an enabled rule that gives neither side anything),
  // INVALID_ID; NotFound STOCK_NOT_FOUND (not a stock of the brand); FailedPrecondition
  // NOT_ACTIVE / NOT_ELIGIBLE (the stock is not active or takes no grants); the authorizer's.
  Result<ReferralRule> PutRule(const org::Actor& actor, int64_t brand_id, const RuleInput& input,
                               int64_t now);
  // The brand's referrals matching `filter`, newest first. InvalidArgument INVALID_PAGE,
  // INVALID_ID; the authorizer's.
  Result<PageOf<Referral>> List(const org::Actor& actor, int64_t brand_id,
                                const ReferralFilter& filter, const PageRequest& page, int64_t now);

 private:
  // The brand's rule (its row locked) when the member may be attached to `referrer_id`:
  // SELF_REFERRAL, REFERRALS_OFF.
  Result<ReferralRule> CheckAttach(db::Connection& conn, const members::MemberPrincipal& member,
                                   int64_t referrer_id);
  // REFERRAL_LOOP when `referee_id` is among the referrers above `referrer_id`.
  Status CheckNoLoop(db::Connection& conn, int64_t referrer_id, int64_t referee_id);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  RandomSource& random_;
};

}  // namespace mileage::growth
