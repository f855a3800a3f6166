#include "server/console/console_json.h"

#include <charconv>
#include <utility>

#include "common/civil_time.h"
#include "org/validation.h"

namespace mileage::server {
namespace {

void Key(JsonWriter& w, const char* key) { w.Key(key); }

void WriteScope(JsonWriter& w, const org::NodePath& scope) {
  Key(w, "scope");
  w.StartObject();
  Key(w, "type");
  WriteString(w, org::NodeTypeName(scope.type));
  Key(w, "id");
  w.Int64(scope.id());
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

void WriteNode(JsonWriter& w, const org::Node& node) {
  w.StartObject();
  Key(w, "id");
  w.Int64(node.path.id());
  Key(w, "type");
  WriteString(w, org::NodeTypeName(node.path.type));
  Key(w, "name");
  WriteString(w, node.name);
  Key(w, "active");
  w.Bool(node.active);
  WritePathIds(w, node.path);
  WriteTime(w, "created_at", node.created_at);
  WriteTime(w, "updated_at", node.updated_at);
  w.EndObject();
}

void WriteMerchant(JsonWriter& w, const org::Merchant& merchant) {
  w.StartObject();
  Key(w, "id");
  w.Int64(merchant.id);
  Key(w, "mchid");
  WriteString(w, merchant.mchid);
  Key(w, "appid");
  WriteString(w, merchant.appid);
  Key(w, "active");
  w.Bool(merchant.active);
  WritePathIds(w, merchant.store);
  Key(w, "platform_keys");
  w.StartArray();
  for (const org::PlatformKey& key : merchant.platform_keys) {
    w.StartObject();
    Key(w, "serial");
    WriteString(w, key.serial);
    WriteTime(w, "created_at", key.created_at);
    for (auto [name, at] :
         {std::pair{"expires_at", key.expires_at}, std::pair{"retired_at", key.retired_at}}) {
      Key(w, name);
      if (at == 0) {
        w.Null();
      } else {
        WriteString(w, Rfc3339(at));
      }
    }
    w.EndObject();
  }
  w.EndArray();
  WriteTime(w, "created_at", merchant.created_at);
  WriteTime(w, "updated_at", merchant.updated_at);
  w.EndObject();
}

void WriteBrandApp(JsonWriter& w, const org::BrandApp& app) {
  w.StartObject();
  Key(w, "id");
  w.Int64(app.id);
  Key(w, "brand_id");
  w.Int64(app.brand_id);
  Key(w, "appid");
  WriteString(w, app.appid);
  Key(w, "kind");
  WriteString(w, org::AppKindName(app.kind));
  Key(w, "name");
  WriteString(w, app.name);
  Key(w, "has_secret");
  w.Bool(app.has_secret);
  Key(w, "active");
  w.Bool(app.active);
  WriteTime(w, "created_at", app.created_at);
  WriteTime(w, "updated_at", app.updated_at);
  w.EndObject();
}

void WritePartner(JsonWriter& w, const org::Partner& partner) {
  w.StartObject();
  Key(w, "id");
  w.Int64(partner.id);
  Key(w, "brand_id");
  w.Int64(partner.brand_id);
  Key(w, "name");
  WriteString(w, partner.name);
  Key(w, "category");
  WriteString(w, org::PartnerCategoryName(partner.category));
  Key(w, "api_key_id");
  WriteString(w, partner.api_key_id);
  Key(w, "active");
  w.Bool(partner.active);
  WriteTime(w, "created_at", partner.created_at);
  WriteTime(w, "updated_at", partner.updated_at);
  w.EndObject();
}

void WriteStaff(JsonWriter& w, const org::Staff& staff) {
  w.StartObject();
  Key(w, "id");
  w.Int64(staff.id);
  Key(w, "username");
  WriteString(w, staff.username);
  Key(w, "role");
  WriteString(w, org::RoleName(staff.role));
  WriteScope(w, staff.scope);
  Key(w, "active");
  w.Bool(staff.active);
  WriteTime(w, "created_at", staff.created_at);
  WriteTime(w, "updated_at", staff.updated_at);
  w.EndObject();
}

void WritePrincipal(JsonWriter& w, const org::Principal& principal) {
  w.StartObject();
  Key(w, "id");
  w.Int64(principal.staff_id);
  Key(w, "username");
  WriteString(w, principal.username);
  Key(w, "role");
  WriteString(w, org::RoleName(principal.role));
  WriteScope(w, principal.scope);
  w.EndObject();
}

void WriteAuditRecord(JsonWriter& w, const org::AuditRecord& record) {
  w.StartObject();
  Key(w, "id");
  w.Int64(record.id);
  WriteTime(w, "time", record.created_at);
  Key(w, "staff_id");
  if (record.staff_id.has_value()) {
    w.Int64(*record.staff_id);
  } else {
    w.Null();
  }
  Key(w, "staff_username");
  WriteString(w, record.staff_username);
  Key(w, "action");
  WriteString(w, record.action);
  Key(w, "object_type");
  WriteString(w, record.object_type);
  Key(w, "object_id");
  if (record.object_id.has_value()) {
    w.Int64(*record.object_id);
  } else {
    w.Null();
  }
  Key(w, "outcome");
  WriteString(w, record.outcome);
  Key(w, "detail");
  WriteString(w, record.detail);
  Key(w, "request_id");
  WriteString(w, record.request_id);
  Key(w, "client_address");
  WriteString(w, record.client_address);
  w.EndObject();
}

}  // namespace mileage::server
