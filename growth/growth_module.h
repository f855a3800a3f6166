#pragma once

#include "db/db.h"
#include "growth/segment_filter.h"
#include "growth/segment_service.h"
#include "growth/tag_service.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"

namespace mileage::growth {

// The growth module (issue 16) wired together on the composition root's database and the org
// module's authorizer and audited writer (which must outlive it). Built once by the server's
// App; every part is safe for concurrent use.
class GrowthModule {
 public:
  GrowthModule(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
               FilterParser parse)
      // Tags and segments (part 1).
      : segments_(db, authorizer, writer, std::move(parse)), tags_(db, authorizer, writer) {}
  GrowthModule(const GrowthModule&) = delete;
  GrowthModule& operator=(const GrowthModule&) = delete;

  // Tags and segments (part 1).
  SegmentService& segments() { return segments_; }
  TagService& tags() { return tags_; }

 private:
  // Tags and segments (part 1).
  SegmentService segments_;
  TagService tags_;
};

}  // namespace mileage::growth
