#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "growth/segment_filter.h"
#include "growth/segment_types.h"

namespace mileage::growth {

// The SQL of segments, segment_sizes, segment_grants and segment_grant_members (migration
// 0038) on one connection, usually inside the caller's transaction. Lives for one use of its
// connection; not safe for concurrent use. Errors: the db::Connection errors (AlreadyExists for
// a segment name the brand has, or a grant request id it used).
class SegmentStore {
 public:
  explicit SegmentStore(db::Connection& conn) : conn_(conn) {}

  Result<int64_t> Insert(const Segment& segment);
  // `lock`: locked until commit (MySQL FOR UPDATE).
  Result<std::optional<Segment>> Find(int64_t id, bool lock = false);
  // A page of the brand's segments by id with their latest sizes.
  Result<PageOf<SegmentView>> List(int64_t brand_id, const PageRequest& page);
  // Every segment of the brand, id order.
  Result<std::vector<Segment>> AllOf(int64_t brand_id);
  Status Update(const Segment& segment);
  // Deletes the segment and its sizes.
  Status Delete(int64_t id);

  // How many of the brand's tagged members (member_rfm) `filter` (valid) matches.
  Result<int64_t> Count(int64_t brand_id, const FilterNode& filter);
  // Records the segment's size on `day` (the day's latest count wins).
  Status RecordSize(int64_t segment_id, int64_t day, int64_t size);
  // The segment's sizes on days >= from_day, day order.
  Result<std::vector<SegmentSize>> Sizes(int64_t segment_id, int64_t from_day);
  // The latest size, or nullopt.
  Result<std::optional<SegmentSize>> LatestSize(int64_t segment_id);

  // Inserts the grant (state running) and its members (those `filter` matches, in one
  // INSERT ... SELECT), setting its total; returns the grant with id and total.
  Result<SegmentGrant> InsertGrant(SegmentGrant grant, const FilterNode& filter);
  Result<std::optional<SegmentGrant>> FindGrant(int64_t id);
  Result<std::optional<SegmentGrant>> FindGrantByRequest(int64_t brand_id,
                                                         const std::string& request_id);
  Result<PageOf<SegmentGrant>> Grants(int64_t brand_id, const PageRequest& page);
  // Running grants, id order, at most `limit`.
  Result<std::vector<SegmentGrant>> RunningGrants(int64_t limit);
  // The grant's members after `after_member_id`, ascending, at most `limit`.
  Result<std::vector<int64_t>> GrantMembers(int64_t grant_id, int64_t after_member_id,
                                            int64_t limit);
  // Claims the batch of a running grant after `seen_after` up to `after` with one conditional
  // UPDATE of its cursor: false when another runner moved it first (or the grant ended).
  Result<bool> ClaimBatch(int64_t grant_id, int64_t seen_after, int64_t after, int64_t now);
  // Adds a batch's outcome to the grant's counts; `finished` sets state done and finished_at.
  Status AddCounts(int64_t grant_id, int64_t granted, int64_t skipped, bool finished, int64_t now);
  // Ends a running grant as failed with `detail`.
  Status Fail(int64_t grant_id, const std::string& detail, int64_t now);
  // Running grants and their members not yet reached, and coupons granted by all grants: the
  // /metrics figures.
  struct GrantTotals {
    int64_t running = 0;
    int64_t pending = 0;
    int64_t granted = 0;
  };
  Result<GrantTotals> Totals();

 private:
  db::Connection& conn_;
};

}  // namespace mileage::growth
