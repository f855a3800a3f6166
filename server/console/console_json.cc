#include "server/console/console_json.h"

#include <charconv>

#include "common/civil_time.h"
#include "org/validation.h"

namespace mileage::server {
namespace {

void WriteScope(JsonWriter& w, const org::NodePath& scope) {
  w.Key("scope");
  w.StartObject();
  WriteText(w, "type", org::NodeTypeName(scope.type));
  WriteInt(w, "id", scope.id());
  w.EndObject();
  WritePathIds(w, scope);
}

Result<int64_t> ParsePageNumber(const httplib::Request& req, const char* name, int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError(std::string(name) + " must be an integer", "INVALID_PAGE");
  }
  return value;
}

}  // namespace

std::string Rfc3339(int64_t unix_seconds) { return civil::FormatRfc3339Utc(unix_seconds); }

std::string Rfc3339(TimePoint time) { return Rfc3339(UnixSeconds(time)); }

void WritePathIds(JsonWriter& w, const org::NodePath& path) {
  WriteOptionalId(w, "brand_id", path.brand_id);
  WriteOptionalId(w, "region_id", path.region_id);
  WriteOptionalId(w, "dealer_id", path.dealer_id);
  WriteOptionalId(w, "store_id", path.store_id);
}

Result<int64_t> PathId(const httplib::Request& req, size_t index) {
  if (req.matches.size() <= index) return InvalidArgumentError("id is missing", "INVALID_ID");
  return org::ParseId(req.matches[index].str(), "id");
}

Result<std::optional<int64_t>> QueryId(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::optional<int64_t>();
  MILEAGE_ASSIGN_OR_RETURN(int64_t id, org::ParseId(req.get_param_value(name), name));
  return std::optional<int64_t>(id);
}

Result<PageRequest> PageParams(const httplib::Request& req) {
  PageRequest page;
  MILEAGE_ASSIGN_OR_RETURN(page.page, ParsePageNumber(req, "page", page.page));
  MILEAGE_ASSIGN_OR_RETURN(page.page_size, ParsePageNumber(req, "page_size", page.page_size));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  return page;
}

Result<rapidjson::Document> ParseBody(const httplib::Request& req,
                                      std::initializer_list<std::string_view> allowed) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document doc, ParseJsonObject(req.body));
  MILEAGE_RETURN_IF_ERROR(CheckMembers(doc, allowed, ""));
  return doc;
}

Status CheckMembers(const rapidjson::Value& object, std::initializer_list<std::string_view> allowed,
                    std::string_view where) {
  for (const auto& member : object.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    bool known = false;
    for (std::string_view field : allowed) known = known || field == name;
    if (!known) {
      const std::string path =
          where.empty() ? std::string(name) : std::string(where) + "." + std::string(name);
      return InvalidArgumentError("field \"" + path + "\" is not accepted here", "UNKNOWN_FIELD");
    }
  }
  return Status::Ok();
}

Result<int64_t> RequiredId(const rapidjson::Value& object, const char* field) {
  if (object.IsObject()) {
    auto it = object.FindMember(field);
    if (it != object.MemberEnd() && !it->value.IsNull() && !it->value.IsInt64()) {
      return InvalidArgumentError(std::string(field) + " must be a positive integer id",
                                  "INVALID_ID");
    }
  }
  MILEAGE_ASSIGN_OR_RETURN(int64_t id, RequiredInt(object, field));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, field));
  return id;
}

void WriteStoreDetails(JsonWriter& w, const org::StoreDetails& details) {
  WriteText(w, "address", details.address);
  WriteText(w, "phone", details.phone);
  WriteText(w, "hours", details.hours);
  WriteBool(w, "service", details.service);
  // Degrees with the stored six decimals; RapidJSON writes the shortest exact form (31.2304).
  const auto degrees = [&w](const char* key, std::optional<int64_t> e6) {
    w.Key(key);
    if (e6.has_value()) {
      w.Double(static_cast<double>(*e6) / 1e6);
    } else {
      w.Null();
    }
  };
  const std::optional<org::GeoPoint>& at = details.position;
  degrees("latitude", at ? std::optional<int64_t>(at->latitude_e6) : std::nullopt);
  degrees("longitude", at ? std::optional<int64_t>(at->longitude_e6) : std::nullopt);
}

void WriteNode(JsonWriter& w, const org::Node& node) {
  w.StartObject();
  WriteInt(w, "id", node.path.id());
  WriteText(w, "type", org::NodeTypeName(node.path.type));
  WriteText(w, "name", node.name);
  WriteBool(w, "active", node.active);
  WritePathIds(w, node.path);
  if (node.path.type == org::NodeType::kStore) WriteStoreDetails(w, node.store);
  if (node.path.type == org::NodeType::kBrand) {
    WriteInt(w, "point_value_fen_per_100", node.brand.point_value_fen_per_100);
  }
  WriteTime(w, "created_at", node.created_at);
  WriteTime(w, "updated_at", node.updated_at);
  w.EndObject();
}

void WriteMerchant(JsonWriter& w, const org::Merchant& merchant) {
  w.StartObject();
  WriteInt(w, "id", merchant.id);
  WriteText(w, "mchid", merchant.mchid);
  WriteText(w, "appid", merchant.appid);
  WriteBool(w, "active", merchant.active);
  WritePathIds(w, merchant.store);
  WriteArray(w, "platform_keys", merchant.platform_keys, [&w](const org::PlatformKey& key) {
    w.StartObject();
    WriteText(w, "serial", key.serial);
    WriteTime(w, "created_at", key.created_at);
    WriteOptionalTime(w, "expires_at", key.expires_at);
    WriteOptionalTime(w, "retired_at", key.retired_at);
    w.EndObject();
  });
  WriteOptionalText(w, "api_key_serial", merchant.api_key_serial);
  WriteTime(w, "created_at", merchant.created_at);
  WriteTime(w, "updated_at", merchant.updated_at);
  w.EndObject();
}

void WriteBrandApp(JsonWriter& w, const org::BrandApp& app) {
  w.StartObject();
  WriteInt(w, "id", app.id);
  WriteInt(w, "brand_id", app.brand_id);
  WriteText(w, "appid", app.appid);
  WriteText(w, "kind", org::AppKindName(app.kind));
  WriteText(w, "name", app.name);
  WriteBool(w, "has_secret", app.has_secret);
  WriteBool(w, "active", app.active);
  WriteTime(w, "created_at", app.created_at);
  WriteTime(w, "updated_at", app.updated_at);
  w.EndObject();
}

void WritePartner(JsonWriter& w, const org::Partner& partner) {
  w.StartObject();
  WriteInt(w, "id", partner.id);
  WriteInt(w, "brand_id", partner.brand_id);
  WriteText(w, "name", partner.name);
  WriteText(w, "category", org::PartnerCategoryName(partner.category));
  WriteText(w, "api_key_id", partner.api_key_id);
  WriteBool(w, "active", partner.active);
  WriteTime(w, "created_at", partner.created_at);
  WriteTime(w, "updated_at", partner.updated_at);
  w.EndObject();
}

void WriteStaff(JsonWriter& w, const org::Staff& staff) {
  w.StartObject();
  WriteInt(w, "id", staff.id);
  WriteText(w, "username", staff.username);
  WriteText(w, "role", org::RoleName(staff.role));
  WriteScope(w, staff.scope);
  WriteBool(w, "active", staff.active);
  WriteTime(w, "created_at", staff.created_at);
  WriteTime(w, "updated_at", staff.updated_at);
  w.EndObject();
}

void WritePrincipal(JsonWriter& w, const org::Principal& principal) {
  w.StartObject();
  WriteInt(w, "id", principal.staff_id);
  WriteText(w, "username", principal.username);
  WriteText(w, "role", org::RoleName(principal.role));
  WriteScope(w, principal.scope);
  w.EndObject();
}

void WriteAuditRecord(JsonWriter& w, const org::AuditRecord& record) {
  w.StartObject();
  WriteInt(w, "id", record.id);
  WriteTime(w, "time", record.created_at);
  WriteOptionalInt(w, "staff_id", record.staff_id);
  WriteText(w, "staff_username", record.staff_username);
  WriteText(w, "action", record.action);
  WriteText(w, "object_type", record.object_type);
  WriteOptionalInt(w, "object_id", record.object_id);
  WriteText(w, "outcome", record.outcome);
  WriteText(w, "detail", record.detail);
  WriteText(w, "request_id", record.request_id);
  WriteText(w, "client_address", record.client_address);
  w.EndObject();
}

}  // namespace mileage::server
