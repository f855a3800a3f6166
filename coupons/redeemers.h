#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "db/db.h"

namespace mileage::coupons {

// Which members redeemed a coupon (a redemption not reversed), for the tags job
// (growth/tag_job.h): one query per member id range. Lives for one use of its connection; not
// safe for concurrent use. Errors: the db::Connection errors.
class Redeemers {
 public:
  explicit Redeemers(db::Connection& conn) : conn_(conn) {}

  // The brand's members with first_id <= id <= last_id who have a redemption not reversed,
  // ascending, each once.
  Result<std::vector<int64_t>> In(int64_t brand_id, int64_t first_id, int64_t last_id);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::coupons
