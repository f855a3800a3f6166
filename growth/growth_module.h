#pragma once

#include "db/db.h"
#include "growth/feedback_service.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"

namespace mileage::growth {

// The growth module's services (issue 16: referrals, visit feedback, segments, win-back), built
// once by the composition root from the modules below it. Owned by the App; the services are
// safe for concurrent use.
class GrowthModule {
 public:
  GrowthModule(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer)
      : feedback_(db, authorizer, writer) {}

  // Visit feedback and NPS (growth/feedback_*).
  FeedbackService& feedback() { return feedback_; }

 private:
  // Visit feedback.
  FeedbackService feedback_;
};

}  // namespace mileage::growth
