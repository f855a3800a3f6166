#include "server/mp/privacy_routes.h"

#include <chrono>
#include <string>
#include <variant>

#include "common/civil_time.h"
#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// A time column of an export ("created_at", "at", ...): an integer there is Unix seconds.
bool IsTimeColumn(std::string_view column) {
  return column == "at" || (column.size() > 3 && column.substr(column.size() - 3) == "_at");
}

void WriteValue(JsonWriter& w, std::string_view column, const db::Value& value) {
  if (const int64_t* number = std::get_if<int64_t>(&value)) {
    if (IsTimeColumn(column)) return WriteString(w, civil::FormatRfc3339Utc(*number));
    w.Int64(*number);
  } else if (const std::string* text = std::get_if<std::string>(&value)) {
    WriteString(w, *text);
  } else {
    w.Null();
  }
}

// {"member_id","generated_at","sections":{"<name>":[{"<column>":value,...}]}}
void WriteExport(JsonWriter& w, const privacy::MemberExport& data) {
  w.StartObject();
  w.Key("member_id");
  w.Int64(data.member_id);
  w.Key("generated_at");
  WriteString(w, civil::FormatRfc3339Utc(data.generated_at));
  w.Key("sections");
  w.StartObject();
  for (const db::ExportSection& section : data.sections) {
    WriteString(w, section.name);  // an object key
    w.StartArray();
    for (const std::vector<db::Value>& row : section.rows) {
      w.StartObject();
      for (size_t i = 0; i < section.columns.size() && i < row.size(); ++i) {
        w.Key(section.columns[i].c_str());
        WriteValue(w, section.columns[i], row[i]);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
}

privacy::Requester RequesterOf(const MpRouter& router, const MpRequest& req) {
  return privacy::Requester{req.member().member_id, req.member().brand_id, req.member().appid,
                            router.ClientKey(req.http)};
}

}  // namespace

void RegisterMemberPrivacyRoutes(MpRouter& router, privacy::MemberRights& rights) {
  router.Route("POST", "/api/mp/privacy/export",
               [&router, &rights](const MpRequest& req, httplib::Response& res) {
                 std::chrono::seconds retry_after{0};
                 Result<privacy::MemberExport> data =
                     rights.Export(RequesterOf(router, req), &retry_after);
                 SetRetryAfter(res, data.status(), retry_after);
                 Respond(res, data, 200, WriteExport);
               });

  router.Route("POST", "/api/mp/privacy/deletion",
               [&router, &rights](const MpRequest& req, httplib::Response& res) {
                 const Status unconfirmed = InvalidArgumentError(
                     "a deletion needs \"confirm\": true", "CONFIRMATION_REQUIRED");
                 if (req.http.body.empty()) return WriteError(res, unconfirmed);
                 Result<rapidjson::Document> body = ParseBody(req.http, {"confirm"});
                 if (!body.ok()) return WriteError(res, body.status());
                 Result<std::optional<bool>> confirm = OptionalBool(*body, "confirm");
                 if (!confirm.ok()) return WriteError(res, confirm.status());
                 if (!confirm->value_or(false)) return WriteError(res, unconfirmed);
                 Respond(res, rights.Delete(RequesterOf(router, req)), 200,
                         [](JsonWriter& w, const privacy::Deletion& done) {
                           w.StartObject();
                           w.Key("member_id");
                           w.Int64(done.member_id);
                           w.Key("deleted_at");
                           WriteString(w, civil::FormatRfc3339Utc(done.deleted_at));
                           WriteBool(w, "erased_now", done.erased_now);
                           w.EndObject();
                         });
               });
}

}  // namespace mileage::server
