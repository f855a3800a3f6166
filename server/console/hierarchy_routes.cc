#include "org/validation.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"

namespace mileage::server {
namespace {

using org::NodeType;

// The console routes of one level below the brand.
struct Level {
  NodeType type;
  const char* collection;    // "/api/console/stores"
  const char* parent_field;  // the create body's parent id field; nullptr: the caller's brand
};

// The list filter of a level from the query: ?region_id= (dealers, stores) or ?dealer_id=
// (stores). InvalidArgument when malformed or both are given.
Result<std::optional<org::NodeRef>> ListParent(const httplib::Request& req, NodeType type) {
  std::optional<org::NodeRef> parent;
  if (type == NodeType::kDealer || type == NodeType::kStore) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> region, QueryId(req, "region_id"));
    if (region.has_value()) parent = org::NodeRef{NodeType::kRegion, *region};
  }
  if (type == NodeType::kStore) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> dealer, QueryId(req, "dealer_id"));
    if (dealer.has_value() && parent.has_value()) {
      return InvalidArgumentError("give region_id or dealer_id, not both", "INVALID_FIELD");
    }
    if (dealer.has_value()) parent = org::NodeRef{NodeType::kDealer, *dealer};
  }
  return parent;
}

// A create body: {"name"} for a region (under the caller's brand), {"<parent_field>","name"}
// for a dealer or store.
struct NewNode {
  int64_t parent_id = 0;
  std::string name;
};

Result<NewNode> ParseNewNode(const ConsoleRequest& req, const Level& level) {
  NewNode node;
  rapidjson::Document body;
  if (level.parent_field == nullptr) {
    MILEAGE_ASSIGN_OR_RETURN(body, ParseBody(req.http, {"name"}));
    node.parent_id = req.session.principal.scope.brand_id;
  } else {
    MILEAGE_ASSIGN_OR_RETURN(body, ParseBody(req.http, {"name", level.parent_field}));
    MILEAGE_ASSIGN_OR_RETURN(node.parent_id, RequiredId(body, level.parent_field));
  }
  MILEAGE_ASSIGN_OR_RETURN(node.name, RequiredString(body, "name"));
  return node;
}

// PATCH /api/console/stores/{id}: {"name","address","phone","hours","latitude","longitude"},
// any of them; latitude and longitude together (both numbers, or both null to remove the
// position).
Result<org::StoreChange> ParseStoreChange(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req, {"name", "address", "phone", "hours", "latitude", "longitude"}));
  org::StoreChange change;
  MILEAGE_ASSIGN_OR_RETURN(change.name, OptionalString(body, "name"));
  MILEAGE_ASSIGN_OR_RETURN(change.address, OptionalString(body, "address"));
  MILEAGE_ASSIGN_OR_RETURN(change.phone, OptionalString(body, "phone"));
  MILEAGE_ASSIGN_OR_RETURN(change.hours, OptionalString(body, "hours"));
  MILEAGE_ASSIGN_OR_RETURN(auto latitude, NullableNumber(body, "latitude"));
  MILEAGE_ASSIGN_OR_RETURN(auto longitude, NullableNumber(body, "longitude"));
  const bool removes = latitude.has_value() && longitude.has_value() && !latitude->has_value() &&
                       !longitude->has_value();
  if (removes) {
    change.position = std::optional<org::GeoPoint>();
  } else if (latitude.has_value() || longitude.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(
        std::optional<org::GeoPoint> position,
        org::PositionFromDegrees(latitude.value_or(std::nullopt), longitude.value_or(std::nullopt),
                                 "latitude", "longitude"));
    change.position = position;
  }
  return change;
}

Result<org::BrandChange> ParseBrandChange(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"name", "point_value_fen_per_100"}));
  org::BrandChange change;
  MILEAGE_ASSIGN_OR_RETURN(change.name, OptionalString(body, "name"));
  MILEAGE_ASSIGN_OR_RETURN(change.point_value_fen_per_100,
                           OptionalInt(body, "point_value_fen_per_100"));
  return change;
}

void RegisterLevel(ConsoleRouter& router, org::HierarchyService& hierarchy, const Level& level) {
  const std::string collection = level.collection;
  const std::string item = collection + "/{id}";
  const NodeType type = level.type;
  const org::Action read = org::ReadActionFor(type);
  const org::Action write = org::WriteActionFor(type);

  router.Route("POST", collection, write,
               [&hierarchy, level](const ConsoleRequest& req, httplib::Response& res) {
                 Result<NewNode> node = ParseNewNode(req, level);
                 if (!node.ok()) return WriteError(res, node.status());
                 Respond(res, hierarchy.Create(req.actor, level.type, node->parent_id, node->name),
                         201, WriteNode);
               });

  router.Route("GET", collection, read,
               [&hierarchy, type](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Result<std::optional<org::NodeRef>> parent = ListParent(req.http, type);
                 if (!parent.ok()) return WriteError(res, parent.status());
                 Respond(res, hierarchy.List(req.actor, type, *parent, *page), 200,
                         [](JsonWriter& w, const PageOf<org::Node>& nodes) {
                           WritePage(w, nodes, WriteNode);
                         });
               });

  router.Route("GET", item, read,
               [&hierarchy, type](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, hierarchy.Get(req.actor, type, *id), 200, WriteNode);
               });

  router.Route(
      "PATCH", item, write, [&hierarchy, type](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> id = PathId(req.http, 1);
        if (!id.ok()) return WriteError(res, id.status());
        if (type == NodeType::kStore) {
          Result<org::StoreChange> change = ParseStoreChange(req.http);
          if (!change.ok()) return WriteError(res, change.status());
          return Respond(res, hierarchy.UpdateStore(req.actor, *id, *change), 200, WriteNode);
        }
        Result<rapidjson::Document> body = ParseBody(req.http, {"name"});
        if (!body.ok()) return WriteError(res, body.status());
        Result<std::string> name = RequiredString(*body, "name");
        if (!name.ok()) return WriteError(res, name.status());
        Respond(res, hierarchy.Rename(req.actor, type, *id, *name), 200, WriteNode);
      });

  router.Route("POST", item + "/deactivate", write,
               [&hierarchy, type](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, hierarchy.Deactivate(req.actor, type, *id), 200, WriteNode);
               });
}

}  // namespace

void RegisterHierarchyRoutes(ConsoleRouter& router, org::HierarchyService& hierarchy) {
  router.Route(
      "GET", "/api/console/brand", org::Action::kBrandRead,
      [&hierarchy](const ConsoleRequest& req, httplib::Response& res) {
        Respond(res,
                hierarchy.Get(req.actor, NodeType::kBrand, req.session.principal.scope.brand_id),
                200, WriteNode);
      });
  router.Route(
      "PATCH", "/api/console/brand", org::Action::kBrandWrite,
      [&hierarchy](const ConsoleRequest& req, httplib::Response& res) {
        Result<org::BrandChange> change = ParseBrandChange(req.http);
        if (!change.ok()) return WriteError(res, change.status());
        Respond(res,
                hierarchy.UpdateBrand(req.actor, req.session.principal.scope.brand_id, *change),
                200, WriteNode);
      });
  RegisterLevel(router, hierarchy, {NodeType::kRegion, "/api/console/regions", nullptr});
  RegisterLevel(router, hierarchy, {NodeType::kDealer, "/api/console/dealers", "region_id"});
  RegisterLevel(router, hierarchy, {NodeType::kStore, "/api/console/stores", "dealer_id"});
}

}  // namespace mileage::server
