#include "server/console/activity_json.h"

#include <optional>
#include <string>

#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

Status MissingField(std::string_view field) {
  return InvalidArgumentError("field \"" + std::string(field) + "\" is required", "MISSING_FIELD");
}

Result<int64_t> RequiredTime(const rapidjson::Value& body, const char* field) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> time, OptionalTime(body, field));
  if (!time.has_value()) return MissingField(field);
  return *time;
}

Status ParseNode(const rapidjson::Value& body, care::NewActivity& out) {
  auto node = body.FindMember("node");
  if (node == body.MemberEnd() || node->value.IsNull()) return MissingField("node");
  if (!node->value.IsObject()) {
    return InvalidArgumentError("field \"node\" must be {\"type\":...,\"id\":...}",
                                "INVALID_FIELD");
  }
  MILEAGE_RETURN_IF_ERROR(CheckMembers(node->value, {"type", "id"}, "node"));
  auto type = node->value.FindMember("type");
  std::optional<org::NodeType> parsed;
  if (type != node->value.MemberEnd() && type->value.IsString()) {
    parsed = org::ParseNodeType(
        std::string_view(type->value.GetString(), type->value.GetStringLength()));
  }
  if (!parsed.has_value()) {
    return InvalidArgumentError("field \"node.type\" must be brand, region, dealer or store",
                                "INVALID_FIELD");
  }
  out.node_type = *parsed;
  auto id = node->value.FindMember("id");
  if (id == node->value.MemberEnd() || !id->value.IsInt64() || id->value.GetInt64() <= 0) {
    return InvalidArgumentError("field \"node.id\" must be a positive integer id", "INVALID_ID");
  }
  out.node_id = id->value.GetInt64();
  return Status::Ok();
}

}  // namespace

void WriteActivity(JsonWriter& w, const care::Activity& a) {
  w.StartObject();
  WriteInt(w, "id", a.id);
  WriteInt(w, "brand_id", a.brand_id);
  w.Key("node");
  w.StartObject();
  WriteText(w, "type", org::NodeTypeName(a.node_type));
  WriteInt(w, "id", a.node_id);
  w.EndObject();
  WriteText(w, "title", a.title);
  WriteText(w, "description", a.description);
  WriteText(w, "place", a.place);
  WriteTime(w, "starts_at", a.starts_at);
  WriteTime(w, "ends_at", a.ends_at);
  WriteInt(w, "capacity", a.capacity);
  WriteInt(w, "seated", a.seated);
  WriteInt(w, "remaining", a.capacity - a.seated);
  WriteTime(w, "signup_opens_at", a.signup_opens_at);
  WriteTime(w, "signup_closes_at", a.signup_closes_at);
  WriteOptionalText(w, "min_tier", a.min_tier);
  WriteText(w, "state", care::ActivityStateName(a.state));
  WriteTime(w, "created_at", a.created_at);
  WriteOptionalTime(w, "cancelled_at", a.cancelled_at.value_or(0));
  w.EndObject();
}

void WriteSignup(JsonWriter& w, const care::Signup& s) {
  w.StartObject();
  WriteInt(w, "id", s.id);
  WriteInt(w, "activity_id", s.activity_id);
  WriteInt(w, "member_id", s.member_id);
  WriteText(w, "state", care::SignupStateName(s.state));
  WriteOptionalInt(w, "position", s.position);
  WriteTime(w, "created_at", s.created_at);
  WriteOptionalTime(w, "promoted_at", s.promoted_at.value_or(0));
  WriteOptionalTime(w, "checked_in_at", s.checked_in_at.value_or(0));
  WriteOptionalTime(w, "cancelled_at", s.cancelled_at.value_or(0));
  w.EndObject();
}

Result<care::NewActivity> ParseNewActivity(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req, {"node", "title", "description", "place", "starts_at", "ends_at", "capacity",
                      "signup_opens_at", "signup_closes_at", "min_tier"}));
  care::NewActivity out;
  MILEAGE_RETURN_IF_ERROR(ParseNode(body, out));
  MILEAGE_ASSIGN_OR_RETURN(out.title, RequiredString(body, "title"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> description,
                           OptionalString(body, "description"));
  out.description = description.value_or("");
  MILEAGE_ASSIGN_OR_RETURN(out.place, RequiredString(body, "place"));
  MILEAGE_ASSIGN_OR_RETURN(out.starts_at, RequiredTime(body, "starts_at"));
  MILEAGE_ASSIGN_OR_RETURN(out.ends_at, RequiredTime(body, "ends_at"));
  MILEAGE_ASSIGN_OR_RETURN(out.capacity, RequiredInt(body, "capacity"));
  MILEAGE_ASSIGN_OR_RETURN(out.signup_opens_at, RequiredTime(body, "signup_opens_at"));
  MILEAGE_ASSIGN_OR_RETURN(out.signup_closes_at, RequiredTime(body, "signup_closes_at"));
  MILEAGE_ASSIGN_OR_RETURN(out.min_tier, OptionalString(body, "min_tier"));
  return out;
}

Result<std::pair<org::NodeType, int64_t>> QueryNode(const httplib::Request& req) {
  std::optional<org::NodeType> type;
  if (req.has_param("node_type")) type = org::ParseNodeType(req.get_param_value("node_type"));
  if (!type.has_value()) {
    return InvalidArgumentError("node_type must be brand, region, dealer or store",
                                "INVALID_NODE_TYPE");
  }
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> id, QueryId(req, "node_id"));
  if (!id.has_value()) return InvalidArgumentError("node_id is required", "INVALID_ID");
  return std::make_pair(*type, *id);
}

}  // namespace mileage::server
