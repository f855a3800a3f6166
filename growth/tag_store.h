#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "growth/rfm.h"

namespace mileage::growth {

// One member's RFM row (table member_rfm).
struct MemberRfm {
  int64_t member_id = 0;
  std::optional<int64_t> recency_days;
  int64_t visits_12m = 0;
  int64_t spend_12m_fen = 0;
  int r = 1;
  int f = 1;
  int m = 1;
  int64_t computed_at = 0;
};

// One system tag of a member (table member_tags).
struct SystemTag {
  int64_t member_id = 0;
  std::string key;
  std::string value;
};

// One manual tag of a member (table member_manual_tags).
struct ManualTag {
  std::string name;
  std::optional<int64_t> created_by;
  int64_t created_at = 0;
};

// Where a brand's tags pass is (table tag_refresh_progress).
struct TagProgress {
  int64_t run_started_at = 0;  // 0: no pass under way
  int64_t after_member_id = 0;
  int64_t passed_at = 0;  // 0: never passed
};

// The SQL of rfm_thresholds, member_rfm, member_tags, member_manual_tags and
// tag_refresh_progress (migration 0038) on one connection, usually inside the caller's
// transaction. Lives for one use of its connection; not safe for concurrent use. Errors: the
// db::Connection errors.
class TagStore {
 public:
  explicit TagStore(db::Connection& conn) : conn_(conn) {}

  // The brand's thresholds; the defaults when it never set any.
  Result<RfmThresholds> Thresholds(int64_t brand_id);
  Status SaveThresholds(int64_t brand_id, const RfmThresholds& t, int64_t now);

  // The brand's progress (its row made first when missing).
  Result<TagProgress> Progress(int64_t brand_id);
  // Moves the brand's pass from `seen` to `next` with one conditional UPDATE: false when
  // another run moved it first.
  Result<bool> MoveProgress(int64_t brand_id, const TagProgress& seen, const TagProgress& next);

  // Replaces the RFM rows and system tags of the brand's members with
  // after_id < id <= last_id (no upper bound when last_id is nullopt) by `rfm` and `tags`,
  // in a few multi-row statements.
  Status ReplaceRange(int64_t brand_id, int64_t after_id, std::optional<int64_t> last_id,
                      const std::vector<MemberRfm>& rfm, const std::vector<SystemTag>& tags);

  Result<std::optional<MemberRfm>> Rfm(int64_t member_id);
  // The member's system tags, key then value order.
  Result<std::vector<SystemTag>> SystemTags(int64_t brand_id, int64_t member_id);
  // Locks the member's row until commit (MySQL FOR UPDATE; SQLite's write transaction is the
  // lock there), so concurrent tag writes of one member queue and the per-member cap holds.
  Status LockMember(int64_t member_id);
  // The member's manual tags, name order.
  Result<std::vector<ManualTag>> ManualTags(int64_t brand_id, int64_t member_id);
  // Adds the tag: false when the member has it already.
  Result<bool> AddManualTag(int64_t brand_id, int64_t member_id, const ManualTag& tag);
  // Removes the tag: false when the member did not have it.
  Result<bool> RemoveManualTag(int64_t brand_id, int64_t member_id, const std::string& name);
  // The brand's manual tag names with how many members carry each, name order, at most
  // `limit`.
  Result<std::vector<std::pair<std::string, int64_t>>> ManualTagNames(int64_t brand_id,
                                                                      int64_t limit);

 private:
  Status InsertRfm(int64_t brand_id, const std::vector<MemberRfm>& rows);
  Status InsertTags(int64_t brand_id, const std::vector<SystemTag>& rows);

  db::Connection& conn_;
};

}  // namespace mileage::growth
