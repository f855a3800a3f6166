#include "server/mp/vehicle_routes.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "server/console/console_json.h"
#include "server/console/membership_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// The owner is the session's member: no route reads a member id from the request.
members::VehicleOwner OwnerOf(const MpRequest& req) {
  return {req.member().member_id, req.member().brand_id};
}

Status WrongType(const char* field, const char* reason, const char* type) {
  return InvalidArgumentError(std::string(field) + " must be " + type, reason);
}

// A string member: nullopt when absent; `reason` (the field's own code) when present but not a
// string, null included.
Result<std::optional<std::string>> StringField(const rapidjson::Value& body, const char* field,
                                               const char* reason) {
  if (!body.HasMember(field)) return std::optional<std::string>();
  const rapidjson::Value& value = body[field];
  if (!value.IsString()) return WrongType(field, reason, "a string");
  return std::optional<std::string>(std::string(value.GetString(), value.GetStringLength()));
}

// A string member that null clears: nullopt when absent, an empty inner optional for null.
Result<std::optional<std::optional<std::string>>> NullableStringField(const rapidjson::Value& body,
                                                                      const char* field,
                                                                      const char* reason) {
  using Nullable = std::optional<std::string>;
  if (body.HasMember(field) && body[field].IsNull()) {
    return std::optional<Nullable>(Nullable());
  }
  MILEAGE_ASSIGN_OR_RETURN(Nullable text, StringField(body, field, reason));
  if (!text.has_value()) return std::optional<Nullable>();
  return std::optional<Nullable>(std::move(text));
}

Result<std::optional<int64_t>> MileageField(const rapidjson::Value& body) {
  if (!body.HasMember("mileage_km")) return std::optional<int64_t>();
  const rapidjson::Value& value = body["mileage_km"];
  if (!value.IsInt64()) return WrongType("mileage_km", "INVALID_MILEAGE", "an integer");
  return std::optional<int64_t>(value.GetInt64());
}

Status Missing(const char* field) {
  return InvalidArgumentError(std::string("field \"") + field + "\" is required", "MISSING_FIELD");
}

Result<members::NewVehicle> ParseNewVehicle(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req, {"plate", "vin", "model", "purchase_date", "mileage_km"}));
  members::NewVehicle out;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> plate,
                           StringField(body, "plate", "INVALID_PLATE"));
  if (!plate.has_value()) return Missing("plate");
  out.plate = std::move(*plate);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::optional<std::string>> vin,
                           NullableStringField(body, "vin", "INVALID_VIN"));
  if (vin.has_value()) out.vin = std::move(*vin);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> model,
                           StringField(body, "model", "INVALID_MODEL"));
  if (!model.has_value()) return Missing("model");
  out.model = std::move(*model);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::optional<std::string>> date,
                           NullableStringField(body, "purchase_date", "INVALID_PURCHASE_DATE"));
  if (date.has_value()) out.purchase_date = std::move(*date);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> mileage, MileageField(body));
  out.mileage_km = mileage.value_or(0);
  return out;
}

Result<members::VehiclePatch> ParsePatch(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"plate", "vin", "model", "purchase_date", "mileage_km",
                                           "correction_reason"}));
  members::VehiclePatch out;
  MILEAGE_ASSIGN_OR_RETURN(out.plate, StringField(body, "plate", "INVALID_PLATE"));
  MILEAGE_ASSIGN_OR_RETURN(out.vin, NullableStringField(body, "vin", "INVALID_VIN"));
  MILEAGE_ASSIGN_OR_RETURN(out.model, StringField(body, "model", "INVALID_MODEL"));
  MILEAGE_ASSIGN_OR_RETURN(out.purchase_date,
                           NullableStringField(body, "purchase_date", "INVALID_PURCHASE_DATE"));
  MILEAGE_ASSIGN_OR_RETURN(out.mileage_km, MileageField(body));
  MILEAGE_ASSIGN_OR_RETURN(out.correction_reason,
                           StringField(body, "correction_reason", "INVALID_CORRECTION_REASON"));
  return out;
}

// VEHICLE as its owner sees it: plate and VIN in clear.
void WriteOwnVehicle(JsonWriter& w, const members::OwnVehicle& own) {
  WriteVehicle(w, own.vehicle, own.plate, own.vin);
}

}  // namespace

void RegisterMemberVehicleRoutes(MpRouter& router, members::VehicleService& vehicles,
                                 const Clock& clock) {
  router.Route(
      "GET", "/api/mp/vehicles", [&vehicles](const MpRequest& req, httplib::Response& res) {
        Respond(res, vehicles.List(OwnerOf(req)), 200,
                [](JsonWriter& w, const std::vector<members::OwnVehicle>& found) {
                  w.StartObject();
                  WriteArray(w, "items", found,
                             [&w](const members::OwnVehicle& own) { WriteOwnVehicle(w, own); });
                  w.EndObject();
                });
      });

  router.Route("POST", "/api/mp/vehicles",
               [&vehicles, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<members::NewVehicle> input = ParseNewVehicle(req.http);
                 if (!input.ok()) return WriteError(res, input.status());
                 std::chrono::seconds retry_after{0};
                 Result<members::OwnVehicle> added =
                     vehicles.Add(OwnerOf(req), *input, UnixSeconds(clock.Now()), &retry_after);
                 SetRetryAfter(res, added.status(), retry_after);
                 Respond(res, added, 201, WriteOwnVehicle);
               });

  router.Route("PATCH", "/api/mp/vehicles/{id}",
               [&vehicles, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<members::VehiclePatch> patch = ParsePatch(req.http);
                 if (!patch.ok()) return WriteError(res, patch.status());
                 std::chrono::seconds retry_after{0};
                 Result<members::OwnVehicle> changed = vehicles.Update(
                     OwnerOf(req), *id, *patch, UnixSeconds(clock.Now()), &retry_after);
                 SetRetryAfter(res, changed.status(), retry_after);
                 Respond(res, changed, 200, WriteOwnVehicle);
               });

  router.Route("DELETE", "/api/mp/vehicles/{id}",
               [&vehicles](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Status removed = vehicles.Remove(OwnerOf(req), *id);
                 if (!removed.ok()) return WriteError(res, removed);
                 res.status = 204;
               });
}

}  // namespace mileage::server
