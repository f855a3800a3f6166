#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "growth/rfm.h"
#include "growth/segment_filter.h"
#include "growth/segment_types.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::growth {

// A segment to create.
struct NewSegment {
  std::string name;
  FilterNode filter;
};

// A change to a segment: what is set changes.
struct SegmentPatch {
  std::optional<std::string> name;
  std::optional<FilterNode> filter;
};

// Segments, RFM thresholds and segment grants in the console (docs/API.md "Tags and
// segments"). Everything belongs to the brand node: org::Action kSegmentRead (analysts, brand
// admins), kSegmentWrite (brand admins: segments and thresholds) and kSegmentGrant (brand
// admins) at the brand, so staff below the brand reach none of it. Counts run the filter over
// the brand's tagged members (member_rfm, as the tags job last wrote them). Writes are audited
// (rfm_thresholds.update, segment.create, segment.update, segment.delete, segment.grant).
// Owned by GrowthModule; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument INVALID_ID, INVALID_PAGE; NotFound
// SEGMENT_NOT_FOUND / GRANT_NOT_FOUND (another brand's answers so too), NotFound for a brand the
// caller is not scoped at; PermissionDenied (the role lacks the action); the filter's errors
// (ValidateFilter); the db errors.
class SegmentService {
 public:
  static constexpr size_t kMaxName = 64;
  static constexpr int64_t kMaxSizeDays = 366;

  SegmentService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
                 FilterParser parse)
      : db_(db), authorizer_(authorizer), writer_(writer), parse_(std::move(parse)) {}

  Result<RfmThresholds> Thresholds(const org::Actor& actor, int64_t brand_id);
  // Errors: InvalidArgument INVALID_THRESHOLDS. The next pass of the tags job scores by them.
  Result<RfmThresholds> SetThresholds(const org::Actor& actor, int64_t brand_id,
                                      const RfmThresholds& thresholds, int64_t now);

  // Errors: InvalidArgument INVALID_NAME (empty or over kMaxName bytes); AlreadyExists
  // SEGMENT_NAME_TAKEN.
  Result<SegmentView> Create(const org::Actor& actor, int64_t brand_id, const NewSegment& segment,
                             int64_t now);
  // The brand's segments by id with their latest daily sizes (no live counts).
  Result<PageOf<SegmentView>> List(const org::Actor& actor, int64_t brand_id,
                                   const PageRequest& page);
  // The segment with its live count.
  Result<SegmentView> Get(const org::Actor& actor, int64_t id);
  // Errors: InvalidArgument MISSING_FIELD (an empty patch), INVALID_NAME; AlreadyExists
  // SEGMENT_NAME_TAKEN.
  Result<SegmentView> Update(const org::Actor& actor, int64_t id, const SegmentPatch& patch,
                             int64_t now);
  // Deletes the segment and its sizes; its grants stay.
  Status Delete(const org::Actor& actor, int64_t id);
  // The live count of an unsaved filter.
  Result<int64_t> Preview(const org::Actor& actor, int64_t brand_id, const FilterNode& filter);
  // The segment's daily sizes over the `days` Beijing days up to `now`'s. Errors:
  // InvalidArgument INVALID_DAYS (not 1..kMaxSizeDays).
  Result<std::vector<SegmentSize>> Sizes(const org::Actor& actor, int64_t id, int64_t days,
                                         int64_t now);

  // Starts granting `stock_id` to the members the segment matches now (fixed at this moment;
  // the runner, growth/grant_job.h, issues). Idempotent by `request_id` (1..64 of
  // [A-Za-z0-9_-]) per brand: a repeated request answers the grant it started (second: false).
  // Errors: InvalidArgument INVALID_REQUEST_ID; NotFound STOCK_NOT_FOUND (another brand's
  // stock too); FailedPrecondition NOT_ACTIVE, NOT_ELIGIBLE (the stock takes no grants);
  // AlreadyExists REQUEST_ID_REUSED (the request id started a grant of another segment or
  // stock).
  Result<std::pair<SegmentGrant, bool>> StartGrant(const org::Actor& actor, int64_t segment_id,
                                                   int64_t stock_id, const std::string& request_id,
                                                   int64_t now);
  // The brand's grants, newest first.
  Result<PageOf<SegmentGrant>> Grants(const org::Actor& actor, int64_t brand_id,
                                      const PageRequest& page);
  Result<SegmentGrant> GetGrant(const org::Actor& actor, int64_t id);

 private:
  // The segment `id` when the actor may do `action` on it (locked with `lock`).
  Result<Segment> Authorized(db::Connection& conn, const org::Actor& actor, org::Action action,
                             int64_t id, bool lock);
  // The brand after the checks of `action` on it.
  Status CheckBrand(const org::Actor& actor, org::Action action, int64_t brand_id);
  // The stored filter of a segment.
  Result<FilterNode> FilterOf(const Segment& segment);

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
  const FilterParser parse_;
};

}  // namespace mileage::growth
