#pragma once

#include <httplib.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "org/audit_store.h"
#include "org/principal.h"
#include "org/types.h"
#include "server/http/json.h"
#include "server/http/json_fields.h"

namespace mileage::server {

// Request parsing and response rendering shared by the console routes.

// "2026-11-22T23:42:52Z".
std::string Rfc3339(int64_t unix_seconds);
std::string Rfc3339(TimePoint time);

// brand_id, region_id, dealer_id, store_id of a path (null below its level).
void WritePathIds(JsonWriter& w, const org::NodePath& path);

// The id in path segment `index` of the route template ("{id}"); InvalidArgument INVALID_ID.
Result<int64_t> PathId(const httplib::Request& req, size_t index);
// An optional id query parameter; InvalidArgument INVALID_ID when present and malformed.
Result<std::optional<int64_t>> QueryId(const httplib::Request& req, const char* name);
// ?page=&page_size= (defaults 1 and 50); InvalidArgument INVALID_PAGE when malformed or out of
// range.
Result<PageRequest> PageParams(const httplib::Request& req);
// A JSON object body holding no members but `allowed`. InvalidArgument MALFORMED_JSON,
// BODY_NOT_OBJECT or UNKNOWN_FIELD (naming the first unknown member).
Result<rapidjson::Document> ParseBody(const httplib::Request& req,
                                      std::initializer_list<std::string_view> allowed);
// The same rule for an object nested in a body (`where` names it, e.g. "scope"):
// InvalidArgument UNKNOWN_FIELD naming the first member not in `allowed`.
Status CheckMembers(const rapidjson::Value& object, std::initializer_list<std::string_view> allowed,
                    std::string_view where);
// A required JSON integer id field: MISSING_FIELD, INVALID_FIELD (not an integer) or INVALID_ID.
Result<int64_t> RequiredId(const rapidjson::Value& object, const char* field);

// A node; a store also with its details (WriteStoreDetails).
void WriteNode(JsonWriter& w, const org::Node& node);
// "address","phone","hours","latitude","longitude" (degrees; null without a position).
void WriteStoreDetails(JsonWriter& w, const org::StoreDetails& details);
void WriteMerchant(JsonWriter& w, const org::Merchant& merchant);
void WriteBrandApp(JsonWriter& w, const org::BrandApp& app);
void WritePartner(JsonWriter& w, const org::Partner& partner);
void WriteStaff(JsonWriter& w, const org::Staff& staff);
// The signed-in account as the session knows it (/me, login).
void WritePrincipal(JsonWriter& w, const org::Principal& principal);
void WriteAuditRecord(JsonWriter& w, const org::AuditRecord& record);

// {"items":[...],"page":..,"page_size":..,"total":..}
template <typename T, typename WriteItem>
void WritePage(JsonWriter& w, const PageOf<T>& page, WriteItem&& write_item) {
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const T& item : page.items) write_item(w, item);
  w.EndArray();
  w.Key("page");
  w.Int64(page.request.page);
  w.Key("page_size");
  w.Int64(page.request.page_size);
  w.Key("total");
  w.Int64(page.total);
  w.EndObject();
}

// Writes the error of a failed result, or `status` with the JSON that `fill(writer, value)`
// writes. The one shape of every console route's last line.
template <typename T, typename Fill>
void Respond(httplib::Response& res, const Result<T>& result, int status, Fill&& fill) {
  if (!result.ok()) return WriteError(res, result.status());
  WriteJson(res, status, [&](JsonWriter& w) { fill(w, *result); });
}

}  // namespace mileage::server
