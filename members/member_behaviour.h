#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/db.h"

namespace mileage::members {

// What the tags job (growth/tag_job.h) reads of one member: tier, status, latest visit, paid
// visits and spend (fen, net of refunds) over a range of months, and each vehicle's purchase
// date ("YYYY-MM-DD", nullopt when unknown).
struct MemberBehaviour {
  int64_t id = 0;
  std::string tier;
  std::string status;
  std::optional<int64_t> last_visit_at;
  int64_t visits = 0;
  int64_t spend_fen = 0;
  std::vector<std::optional<std::string>> purchase_dates;
};

// A member's tier and status, as a grant checks them.
struct MemberTierStatus {
  std::string tier;
  std::string status;
};

// The members' behaviour read a page at a time, set-based: three queries per page whatever its
// size (members by the (brand_id, id) key; member_activity and vehicles by member id range),
// never one per member. Lives for one use of its connection; not safe for concurrent use.
// Errors: the db::Connection errors; InvalidArgument for limit <= 0.
class MemberBehaviours {
 public:
  explicit MemberBehaviours(db::Connection& conn) : conn_(conn) {}

  // The brand's members with id > after_id, id order, at most `limit`, with their activity
  // summed over the months from_month..to_month (YYYYMM, UTC as member_activity keeps them).
  Result<std::vector<MemberBehaviour>> Page(int64_t brand_id, int64_t after_id, int64_t limit,
                                            int64_t from_month, int64_t to_month);
  // The brands that have members, ascending.
  Result<std::vector<int64_t>> Brands();
  // The tier and status of those of `member_ids` that are members of `brand_id`.
  Result<std::map<int64_t, MemberTierStatus>> Standings(int64_t brand_id,
                                                        const std::vector<int64_t>& member_ids);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::members
