#include "server/console/report_params.h"

#include <charconv>
#include <string>

#include "server/console/console_json.h"

namespace mileage::server {

// ?store_id=, ?dealer_id= or ?region_id= (at most one): INVALID_ID when malformed,
// INVALID_FIELD when several are given.
Result<std::optional<payments::ReportNode>> NodeFilter(const httplib::Request& req) {
  struct Param {
    const char* name;
    org::NodeType type;
  };
  std::optional<payments::ReportNode> node;
  for (const Param& p :
       {Param{"store_id", org::NodeType::kStore}, Param{"dealer_id", org::NodeType::kDealer},
        Param{"region_id", org::NodeType::kRegion}}) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> id, QueryId(req, p.name));
    if (!id.has_value()) continue;
    if (node.has_value()) {
      return InvalidArgumentError("name at most one of store_id, dealer_id and region_id",
                                  "INVALID_FIELD");
    }
    node = payments::ReportNode{p.type, *id};
  }
  return node;
}

// ?days=: an integer when given; the service checks its range (INVALID_FIELD).
Result<std::optional<int64_t>> OptionalDays(const httplib::Request& req) {
  if (!req.has_param("days")) return std::optional<int64_t>();
  const std::string text = req.get_param_value("days");
  int64_t days = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), days);
  if (error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError("days must be an integer", "INVALID_FIELD");
  }
  return std::optional<int64_t>(days);
}

// ?days= (default 30).
Result<int64_t> DaysParam(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> days, OptionalDays(req));
  return days.value_or(30);
}

// ?from=, ?to= and ?days= of a campaign's daily report; the service checks them.
Result<payments::DayRange> DayRangeParams(const httplib::Request& req) {
  payments::DayRange range;
  if (req.has_param("from")) range.from = req.get_param_value("from");
  if (req.has_param("to")) range.to = req.get_param_value("to");
  MILEAGE_ASSIGN_OR_RETURN(range.days, OptionalDays(req));
  return range;
}

}  // namespace mileage::server
