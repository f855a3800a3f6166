#pragma once

#include "common/random.h"
#include "db/db.h"
#include "growth/feedback_service.h"
#include "growth/referral_rewards.h"
#include "growth/referral_service.h"
#include "growth/segment_filter.h"
#include "growth/segment_service.h"
#include "growth/tag_service.h"
#include "growth/winback_service.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "points/earning_rules.h"

namespace mileage::growth {

// The growth module (issue 16) wired together on the composition root's database, the org
// module's authorizer and audited writer and the random source (all of which must outlive it).
// Built once by the server's App, which adds the payment observers among its members to the
// PaymentRecorder; every part is safe for concurrent use.
class GrowthModule {
 public:
  GrowthModule(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
               RandomSource& random, const points::ExpiryPolicy& expiry, FilterParser parse)
      : segments_(db, authorizer, writer, std::move(parse)),
        tags_(db, authorizer, writer),
        referrals_(db, authorizer, writer, random),
        referral_rewards_(random, expiry),
        feedback_(db, authorizer, writer),
        winback_(db, authorizer, writer) {}
  GrowthModule(const GrowthModule&) = delete;
  GrowthModule& operator=(const GrowthModule&) = delete;

  // Tags and segments (part 1).
  SegmentService& segments() { return segments_; }
  TagService& tags() { return tags_; }
  // Referrals (老带新, part 2).
  ReferralService& referrals() { return referrals_; }
  ReferralRewards& referral_rewards() { return referral_rewards_; }
  // Visit feedback and NPS (part 4).
  FeedbackService& feedback() { return feedback_; }
  // Churn and win-back (part 3).
  WinbackService& winback() { return winback_; }

 private:
  SegmentService segments_;
  TagService tags_;
  ReferralService referrals_;
  ReferralRewards referral_rewards_;
  FeedbackService feedback_;
  WinbackService winback_;
};

}  // namespace mileage::growth
