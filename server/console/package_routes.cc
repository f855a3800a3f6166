#include <optional>
#include <string>

#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/coupon_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

Status InvalidField(std::string_view field, std::string_view what) {
  return InvalidArgumentError("field \"" + std::string(field) + "\" must be " + std::string(what),
                              "INVALID_FIELD");
}

// "items":[{"stock_id","quantity"}...], required; ranges are the service's.
Result<std::vector<coupons::PackageItem>> ParseItems(const rapidjson::Value& body) {
  auto it = body.FindMember("items");
  if (it == body.MemberEnd() || it->value.IsNull()) {
    return InvalidArgumentError("field \"items\" is required", "MISSING_FIELD");
  }
  if (!it->value.IsArray()) return InvalidField("items", "an array");
  std::vector<coupons::PackageItem> items;
  for (const rapidjson::Value& item : it->value.GetArray()) {
    if (!item.IsObject()) return InvalidField("items", "an array of {\"stock_id\",\"quantity\"}");
    MILEAGE_RETURN_IF_ERROR(CheckMembers(item, {"stock_id", "quantity"}, "items[]"));
    coupons::PackageItem parsed;
    MILEAGE_ASSIGN_OR_RETURN(parsed.stock_id, RequiredId(item, "stock_id"));
    MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> quantity, OptionalInt(item, "quantity"));
    parsed.quantity = quantity.value_or(1);
    items.push_back(std::move(parsed));
  }
  return items;
}

Result<coupons::NewPackage> ParseNewPackage(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req, {"store_id", "name", "description", "price_fen", "items"}));
  coupons::NewPackage package;
  MILEAGE_ASSIGN_OR_RETURN(package.store_id, RequiredId(body, "store_id"));
  MILEAGE_ASSIGN_OR_RETURN(package.name, RequiredString(body, "name"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> description,
                           OptionalString(body, "description"));
  package.description = description.value_or("");
  MILEAGE_ASSIGN_OR_RETURN(package.price_fen, RequiredInt(body, "price_fen"));
  MILEAGE_ASSIGN_OR_RETURN(package.items, ParseItems(body));
  return package;
}

Result<coupons::PackagePatch> ParsePackagePatch(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"name", "description", "price_fen", "state"}));
  coupons::PackagePatch patch;
  MILEAGE_ASSIGN_OR_RETURN(patch.name, OptionalString(body, "name"));
  MILEAGE_ASSIGN_OR_RETURN(patch.description, OptionalString(body, "description"));
  MILEAGE_ASSIGN_OR_RETURN(patch.price_fen, OptionalInt(body, "price_fen"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> state, OptionalString(body, "state"));
  if (state.has_value()) {
    patch.state = coupons::ParsePackageState(*state);
    if (!patch.state.has_value()) return InvalidField("state", "draft, on_sale or off_sale");
  }
  return patch;
}

// PACKAGE (console): the package, its store's path and name, and its items with their stocks.
void WritePackage(JsonWriter& w, const coupons::Package& p) {
  w.StartObject();
  WriteInt(w, "id", p.id);
  WritePathIds(w, p.store);
  WriteText(w, "store_name", p.store_name);
  WriteText(w, "name", p.name);
  WriteText(w, "description", p.description);
  WriteInt(w, "price_fen", p.price_fen);
  WriteText(w, "state", coupons::PackageStateName(p.state));
  WriteArray(w, "items", p.items, [&w](const coupons::PackageItem& item) {
    w.StartObject();
    WriteInt(w, "stock_id", item.stock_id);
    WriteInt(w, "quantity", item.quantity);
    w.Key("stock");
    WriteStock(w, item.stock);
    w.EndObject();
  });
  WriteOptionalInt(w, "created_by", p.created_by);
  WriteTime(w, "created_at", p.created_at);
  WriteTime(w, "updated_at", p.updated_at);
  w.EndObject();
}

// ORDER (console).
void WriteOrder(JsonWriter& w, const coupons::PackageOrder& o) {
  w.StartObject();
  WriteInt(w, "id", o.id);
  WriteInt(w, "member_id", o.member_id);
  WriteInt(w, "package_id", o.package_id);
  WriteText(w, "package_name", o.package_name);
  WriteInt(w, "store_id", o.store_id);
  WriteInt(w, "amount_fen", o.amount_fen);
  WriteText(w, "state", coupons::OrderStateName(o.state));
  WriteText(w, "out_trade_no", o.out_trade_no);
  WriteOptionalText(w, "transaction_id", o.transaction_id);
  WriteTime(w, "created_at", o.created_at);
  WriteOptionalTime(w, "paid_at", o.paid_at.value_or(0));
  w.EndObject();
}

}  // namespace

void RegisterPackageRoutes(ConsoleRouter& router, coupons::PackageService& packages) {
  router.Route("POST", "/api/console/packages", org::Action::kStockWrite,
               [&packages](const ConsoleRequest& req, httplib::Response& res) {
                 Result<coupons::NewPackage> package = ParseNewPackage(req.http);
                 if (!package.ok()) return WriteError(res, package.status());
                 Respond(res, packages.Create(req.actor, *package), 201, WritePackage);
               });

  router.Route("GET", "/api/console/packages", org::Action::kStockRead,
               [&packages](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, packages.List(req.actor, *page), 200,
                         [](JsonWriter& w, const PageOf<coupons::Package>& list) {
                           WritePage(w, list, WritePackage);
                         });
               });

  router.Route("GET", "/api/console/packages/{id}", org::Action::kStockRead,
               [&packages](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, packages.Get(req.actor, *id), 200, WritePackage);
               });

  router.Route("PATCH", "/api/console/packages/{id}", org::Action::kStockWrite,
               [&packages](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<coupons::PackagePatch> patch = ParsePackagePatch(req.http);
                 if (!patch.ok()) return WriteError(res, patch.status());
                 Respond(res, packages.Update(req.actor, *id, *patch), 200, WritePackage);
               });

  router.Route("GET", "/api/console/packages/{id}/orders", org::Action::kStockRead,
               [&packages](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, packages.Orders(req.actor, *id, *page), 200,
                         [](JsonWriter& w, const PageOf<coupons::PackageOrder>& list) {
                           WritePage(w, list, WriteOrder);
                         });
               });
}

}  // namespace mileage::server
