#include "server/mp/store_routes.h"

#include <charconv>
#include <optional>
#include <vector>

#include "org/validation.h"
#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// A decimal degree as a query value: an optional '-', 1..3 digits, optionally '.' and 1..12
// digits ("31.230416"). No exponent, no '+', no spaces, no repetition.
Result<std::optional<double>> QueryDegrees(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::optional<double>();
  const auto invalid = [name] {
    return InvalidArgumentError(std::string(name) + " must be decimal degrees (31.230416)",
                                "INVALID_FIELD");
  };
  if (req.get_param_value_count(name) != 1) return invalid();
  const std::string text = req.get_param_value(name);
  size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
  // Skips the digits at text[i], returning how many there were.
  const auto digits = [&text, &i] {
    const size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  const size_t whole = digits();
  size_t fraction = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction = digits();
    if (fraction == 0) return invalid();
  }
  if (i != text.size() || whole < 1 || whole > 3 || fraction > 12) return invalid();
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return invalid();
  return std::optional<double>(value);
}

Result<std::optional<org::GeoPoint>> QueryPosition(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<double> lat, QueryDegrees(req, "lat"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<double> lng, QueryDegrees(req, "lng"));
  return org::PositionFromDegrees(lat, lng, "lat", "lng");
}

void WriteStores(JsonWriter& w, const std::vector<org::LocatedStore>& stores) {
  w.StartObject();
  WriteArray(w, "items", stores, [&w](const org::LocatedStore& store) {
    w.StartObject();
    WriteInt(w, "id", store.id);
    WriteText(w, "name", store.name);
    WriteStoreDetails(w, store.details);
    WriteOptionalInt(w, "distance_m", store.distance_m);
    w.EndObject();
  });
  w.EndObject();
}

}  // namespace

void RegisterMemberStoreRoutes(MpRouter& router, org::StoreLocator& stores) {
  router.Route("GET", "/api/mp/stores", [&stores](const MpRequest& req, httplib::Response& res) {
    Result<std::optional<org::GeoPoint>> from = QueryPosition(req.http);
    if (!from.ok()) return WriteError(res, from.status());
    Respond(res, stores.ActiveStores(req.member().brand_id, *from), 200, WriteStores);
  });
}

}  // namespace mileage::server
