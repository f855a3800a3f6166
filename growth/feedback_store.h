#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "growth/feedback_types.h"
#include "org/types.h"

namespace mileage::growth {

// A day's NPS counts of one store or dealer (the report's raw rows).
struct NpsDayRow {
  int64_t node_id = 0;  // store or dealer id, by the query's group
  int64_t day = 0;      // Beijing day, days since 1970-01-01
  NpsCounts counts;
};

// The SQL of feedback_ratings on one connection, inside the caller's transaction or not. Lives
// for one use of its connection; not safe for concurrent use. Errors: the db::Connection
// errors, plus those listed.
class FeedbackStore {
 public:
  explicit FeedbackStore(db::Connection& conn) : conn_(conn) {}

  // Inserts `rating` (id ignored) rated on Beijing day `rated_day`; returns its id.
  // AlreadyExists when the visit has a rating already (the unique key).
  Result<int64_t> Insert(const Rating& rating, int64_t rated_day);
  Result<std::optional<Rating>> Find(int64_t id);
  // The member's ratings of visits made at or after `since`.
  Result<std::vector<Rating>> OfMemberSince(int64_t member_id, int64_t since);
  // Counts per (store or dealer, Beijing day) of ratings in the subtree of `node` rated on days
  // first..last (both included).
  Result<std::vector<NpsDayRow>> NpsDays(const org::NodePath& node, NpsGroup group,
                                         int64_t first_day, int64_t last_day);
  // Detractors (score 0..6) in the subtree of `node`, optionally in one follow-up state, newest
  // first.
  Result<PageOf<Rating>> Detractors(const org::NodePath& node, std::optional<FollowUpState> state,
                                    const PageRequest& page);
  // Moves a detractor's follow-up from `from` to `move.state` when it still is in `from` (the
  // conditional update two racing staff meet): false when it was not. An empty note keeps the
  // note written before.
  Result<bool> MoveFollowUp(int64_t id, FollowUpState from, const FollowUp& move, int64_t staff_id,
                            std::string_view staff_name, int64_t now);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::growth
