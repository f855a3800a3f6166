#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/db.h"

namespace mileage::members {

// When an active member of a brand counts as drifting (growth/winback_*, docs/API.md
// "Win-back"): their last visit (members.last_visit_at) is at or before `visited_by`, or, once
// their newest vehicle (the latest purchase_date; vehicles without one are ignored) was bought
// on or before `bought_by` ("YYYY-MM-DD": out of warranty), at or before `long_visited_by`.
// A member without a visit is never drifting (nothing to drift from). A value type.
struct DriftCut {
  int64_t brand_id = 0;
  int64_t visited_by = 0;
  int64_t long_visited_by = 0;
  std::string bought_by;
};

// Which page of drifting members: those whose last visit was at one of `store_ids` (nullopt:
// any store), after the key (last_visit_at, id) `after` in that order, at most `limit`.
struct DriftPage {
  std::optional<std::vector<int64_t>> store_ids;
  std::optional<std::pair<int64_t, int64_t>> after;
  int64_t limit = 50;
};

// A drifting member with what the console shows of them: their last visit, its store, the
// newest vehicle's purchase date and their rolling 12-month spend and visits.
struct DriftingMember {
  int64_t id = 0;
  std::string number;
  std::string tier;
  int64_t last_visit_at = 0;
  int64_t store_id = 0;  // last_visit_store_id
  std::optional<std::string> newest_purchase_date;
  int64_t spend_fen = 0;
  int64_t visits = 0;
};

// The SQL of drifting members over members, vehicles and member_activity, read through the
// index members_last_visit (brand_id, last_visit_at, id). Lives for one use of its connection;
// not safe for concurrent use. Errors: the db::Connection errors; InvalidArgument for an empty
// store list or a limit outside 1..1000.
class MemberDrift {
 public:
  explicit MemberDrift(db::Connection& conn) : conn_(conn) {}

  // A page of the drifting members, longest-drifting first (last_visit_at, id), with their
  // activity in the rolling 12 months of `now` (members::RollingWindow).
  Result<std::vector<DriftingMember>> Drifting(const DriftCut& cut, const DriftPage& page,
                                               int64_t now);
  // How many members are drifting, by the store of their last visit (0: none recorded).
  Result<std::map<int64_t, int64_t>> CountByStore(const DriftCut& cut);
  // The last visit of each of `member_ids` that has one (at most 1000 ids).
  Result<std::map<int64_t, int64_t>> LastVisits(const std::vector<int64_t>& member_ids);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::members
