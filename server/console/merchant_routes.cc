#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {
namespace {

Status InvalidPlatformKeys() {
  return InvalidArgumentError("platform_keys must be an array of {\"serial\",\"pem\"} objects",
                              "INVALID_FIELD");
}

// The POST body of a merchant: {"mchid","appid","apiv3_key","platform_keys":[{"serial","pem"}]}.
Result<org::NewMerchant> ParseNewMerchant(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"mchid", "appid", "apiv3_key", "platform_keys"}));
  org::NewMerchant merchant;
  MILEAGE_ASSIGN_OR_RETURN(merchant.mchid, RequiredString(body, "mchid"));
  MILEAGE_ASSIGN_OR_RETURN(merchant.appid, RequiredString(body, "appid"));
  MILEAGE_ASSIGN_OR_RETURN(merchant.apiv3_key, RequiredString(body, "apiv3_key"));
  auto keys = body.FindMember("platform_keys");
  if (keys == body.MemberEnd() || keys->value.IsNull()) {
    return InvalidArgumentError("field \"platform_keys\" is required", "MISSING_FIELD");
  }
  if (!keys->value.IsArray()) return InvalidPlatformKeys();
  for (const rapidjson::Value& key : keys->value.GetArray()) {
    if (!key.IsObject()) return InvalidPlatformKeys();
    org::PlatformKey parsed;
    MILEAGE_ASSIGN_OR_RETURN(parsed.serial, RequiredString(key, "serial"));
    MILEAGE_ASSIGN_OR_RETURN(parsed.pem, RequiredString(key, "pem"));
    merchant.platform_keys.push_back(std::move(parsed));
  }
  return merchant;
}

// The path segment of a platform key serial (letters, digits, _ and -; the service checks).
std::string PathSerial(const httplib::Request& req) {
  return req.matches.size() > 2 ? req.matches[2].str() : std::string();
}

}  // namespace

void RegisterMerchantRoutes(ConsoleRouter& router, org::MerchantService& merchants) {
  router.Route("POST", "/api/console/stores/{id}/merchants", org::Action::kMerchantWrite,
               [&merchants](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store_id = PathId(req.http, 1);
                 if (!store_id.ok()) return WriteError(res, store_id.status());
                 Result<org::NewMerchant> merchant = ParseNewMerchant(req.http);
                 if (!merchant.ok()) return WriteError(res, merchant.status());
                 Respond(res, merchants.Create(req.actor, *store_id, *merchant), 201,
                         WriteMerchant);
               });

  router.Route("GET", "/api/console/merchants", org::Action::kMerchantRead,
               [&merchants](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Result<std::optional<int64_t>> store_id = QueryId(req.http, "store_id");
                 if (!store_id.ok()) return WriteError(res, store_id.status());
                 Respond(res, merchants.List(req.actor, *store_id, *page), 200,
                         [](JsonWriter& w, const PageOf<org::Merchant>& list) {
                           WritePage(w, list, WriteMerchant);
                         });
               });

  router.Route("GET", "/api/console/merchants/{id}", org::Action::kMerchantRead,
               [&merchants](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, merchants.Get(req.actor, *id), 200, WriteMerchant);
               });

  router.Route("POST", "/api/console/merchants/{id}/platform-keys", org::Action::kMerchantWrite,
               [&merchants](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<rapidjson::Document> body = ParseBody(req.http, {"serial", "pem"});
                 if (!body.ok()) return WriteError(res, body.status());
                 Result<std::string> serial = RequiredString(*body, "serial");
                 if (!serial.ok()) return WriteError(res, serial.status());
                 Result<std::string> pem = RequiredString(*body, "pem");
                 if (!pem.ok()) return WriteError(res, pem.status());
                 Respond(res, merchants.AddPlatformKey(req.actor, *id, *serial, *pem), 201,
                         WriteMerchant);
               });

  router.Route("POST", "/api/console/merchants/{id}/platform-keys/{serial}/retire",
               org::Action::kMerchantWrite,
               [&merchants](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, merchants.RetirePlatformKey(req.actor, *id, PathSerial(req.http)),
                         200, WriteMerchant);
               });

  for (const bool active : {false, true}) {
    router.Route("POST",
                 active ? "/api/console/merchants/{id}/reactivate"
                        : "/api/console/merchants/{id}/deactivate",
                 org::Action::kMerchantWrite,
                 [&merchants, active](const ConsoleRequest& req, httplib::Response& res) {
                   Result<int64_t> id = PathId(req.http, 1);
                   if (!id.ok()) return WriteError(res, id.status());
                   Respond(res, merchants.SetActive(req.actor, *id, active), 200, WriteMerchant);
                 });
  }
}

}  // namespace mileage::server
