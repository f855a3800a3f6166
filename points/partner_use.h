#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "db/db.h"

namespace mileage::points {

// Which partner categories (fuel, parking, carwash, toll, other) members used, from their
// partner earnings, for the tags job (growth/tag_job.h): one query per member id range. Lives
// for one use of its connection; not safe for concurrent use. Errors: the db::Connection
// errors.
class PartnerUse {
 public:
  explicit PartnerUse(db::Connection& conn) : conn_(conn) {}

  // (member id, category) pairs of the brand's members with first_id <= id <= last_id who
  // earned at a partner of that category, each pair once.
  Result<std::vector<std::pair<int64_t, std::string>>> Categories(int64_t brand_id,
                                                                  int64_t first_id,
                                                                  int64_t last_id);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::points
