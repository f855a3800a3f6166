#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>

#include "common/result.h"
#include "payments/report_service.h"

namespace mileage::server {

// The query parameters the console's reports share (the dashboard's, a campaign's daily
// numbers and visit feedback's NPS).

// ?store_id=, ?dealer_id= or ?region_id= (at most one): INVALID_ID when malformed,
// INVALID_FIELD when several are given.
Result<std::optional<payments::ReportNode>> NodeFilter(const httplib::Request& req);
// ?days=: an integer when given; the service checks its range (INVALID_FIELD).
Result<std::optional<int64_t>> OptionalDays(const httplib::Request& req);
// ?days= (default 30).
Result<int64_t> DaysParam(const httplib::Request& req);
// ?from=, ?to= and ?days= of a report over days; the service checks them.
Result<payments::DayRange> DayRangeParams(const httplib::Request& req);

}  // namespace mileage::server
