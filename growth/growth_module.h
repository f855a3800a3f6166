#pragma once

#include "db/db.h"
#include "growth/winback_service.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"

namespace mileage::growth {

// The growth module (issue 16) wired together on the composition root's database and the org
// module's authorizer and audited writer (all of which must outlive it). Built once by the
// server's App; every part is safe for concurrent use.
class GrowthModule {
 public:
  GrowthModule(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer)
      : winback_(db, authorizer, writer) {}
  GrowthModule(const GrowthModule&) = delete;
  GrowthModule& operator=(const GrowthModule&) = delete;

  // Churn and win-back (part 3).
  WinbackService& winback() { return winback_; }

 private:
  // Churn and win-back (part 3).
  WinbackService winback_;
};

}  // namespace mileage::growth
