#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/membership_json.h"

namespace mileage::server {
namespace {

// The PUT body: {"points_per_yuan":N, "tier_multiplier_percent":{"gold":150}?,
// "cap_per_payment":N?}. MISSING_FIELD / INVALID_FIELD for the shape; the numbers' ranges
// are the service's.
Result<payments::EarningRuleChange> ParseEarningRule(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req, {"points_per_yuan", "tier_multiplier_percent", "cap_per_payment"}));
  payments::EarningRuleChange change;
  MILEAGE_ASSIGN_OR_RETURN(change.points_per_yuan, RequiredInt(body, "points_per_yuan"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> cap, OptionalInt(body, "cap_per_payment"));
  change.cap_per_payment = cap.value_or(0);
  MILEAGE_ASSIGN_OR_RETURN(change.tier_multiplier_percent, ParseTierMultipliers(body));
  return change;
}

// GET and PUT of the earning rule of one node (brands or stores).
template <typename Get, typename Put>
void RegisterRuleRoutes(ConsoleRouter& router, const char* path, Get get, Put put) {
  router.Route("GET", path, org::Action::kEarningRuleRead,
               [get](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, get(req.actor, *id), 200, WriteEarningRule);
               });
  router.Route("PUT", path, org::Action::kEarningRuleWrite,
               [put](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<payments::EarningRuleChange> change = ParseEarningRule(req.http);
                 if (!change.ok()) return WriteError(res, change.status());
                 Respond(res, put(req.actor, *id, *change), 200, WriteEarningRule);
               });
}

}  // namespace

void RegisterEarningRuleRoutes(ConsoleRouter& router, payments::EarningRuleService& rules) {
  RegisterRuleRoutes(
      router, "/api/console/brands/{id}/earning-rule",
      [&rules](const org::Actor& actor, int64_t id) { return rules.BrandRule(actor, id); },
      [&rules](const org::Actor& actor, int64_t id, const payments::EarningRuleChange& change) {
        return rules.PutBrandRule(actor, id, change);
      });
  RegisterRuleRoutes(
      router, "/api/console/stores/{id}/earning-rule",
      [&rules](const org::Actor& actor, int64_t id) { return rules.StoreRule(actor, id); },
      [&rules](const org::Actor& actor, int64_t id, const payments::EarningRuleChange& change) {
        return rules.PutStoreRule(actor, id, change);
      });
}

}  // namespace mileage::server
