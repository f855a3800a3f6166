#include <optional>
#include <string>

#include "growth/growth_module.h"
#include "growth/segment_store.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/segment_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// The largest body a segment route reads: a filter at the grammar's bounds fits well inside.
constexpr size_t kMaxSegmentBody = 16 * 1024;

Status CheckSize(const httplib::Request& req) {
  if (req.body.size() > kMaxSegmentBody) {
    return InvalidArgumentError("the body is over " + std::to_string(kMaxSegmentBody) + " bytes",
                                "BODY_TOO_LARGE");
  }
  return Status::Ok();
}

// A body of `allowed` members after the size check.
Result<rapidjson::Document> SegmentBody(const httplib::Request& req,
                                        std::initializer_list<std::string_view> allowed) {
  MILEAGE_RETURN_IF_ERROR(CheckSize(req));
  return ParseBody(req, allowed);
}

// The "filter" member, required.
Result<growth::FilterNode> RequiredFilter(const rapidjson::Value& body) {
  auto it = body.FindMember("filter");
  if (it == body.MemberEnd()) return InvalidArgumentError("filter is required", "MISSING_FIELD");
  return ParseFilter(it->value);
}

// "recency_days","visits","spend_fen": arrays of 4 whole numbers.
Result<std::array<int64_t, 4>> Bounds(const rapidjson::Value& body, const char* field) {
  auto it = body.FindMember(field);
  if (it == body.MemberEnd()) {
    return InvalidArgumentError(std::string(field) + " is required", "MISSING_FIELD");
  }
  std::array<int64_t, 4> out{};
  if (!it->value.IsArray() || it->value.Size() != 4) {
    return InvalidArgumentError(std::string(field) + " is an array of 4 whole numbers",
                                "INVALID_THRESHOLDS");
  }
  for (rapidjson::SizeType i = 0; i < 4; ++i) {
    if (!it->value[i].IsInt64()) {
      return InvalidArgumentError(std::string(field) + " is an array of 4 whole numbers",
                                  "INVALID_THRESHOLDS");
    }
    out[i] = it->value[i].GetInt64();
  }
  return out;
}

Result<growth::RfmThresholds> ParseThresholds(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           SegmentBody(req, {"recency_days", "visits", "spend_fen"}));
  growth::RfmThresholds t;
  MILEAGE_ASSIGN_OR_RETURN(t.recency_days, Bounds(body, "recency_days"));
  MILEAGE_ASSIGN_OR_RETURN(t.visits, Bounds(body, "visits"));
  MILEAGE_ASSIGN_OR_RETURN(t.spend_fen, Bounds(body, "spend_fen"));
  return t;
}

void WriteBounds(JsonWriter& w, const char* key, const std::array<int64_t, 4>& bounds) {
  w.Key(key);
  w.StartArray();
  for (int64_t b : bounds) w.Int64(b);
  w.EndArray();
}

void WriteThresholds(JsonWriter& w, const growth::RfmThresholds& t) {
  w.StartObject();
  WriteBounds(w, "recency_days", t.recency_days);
  WriteBounds(w, "visits", t.visits);
  WriteBounds(w, "spend_fen", t.spend_fen);
  w.EndObject();
}

Result<growth::NewSegment> ParseNewSegment(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, SegmentBody(req, {"name", "filter"}));
  growth::NewSegment s;
  MILEAGE_ASSIGN_OR_RETURN(s.name, RequiredString(body, "name"));
  MILEAGE_ASSIGN_OR_RETURN(s.filter, RequiredFilter(body));
  return s;
}

Result<growth::SegmentPatch> ParsePatch(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, SegmentBody(req, {"name", "filter"}));
  growth::SegmentPatch patch;
  MILEAGE_ASSIGN_OR_RETURN(patch.name, OptionalString(body, "name"));
  if (body.HasMember("filter")) {
    MILEAGE_ASSIGN_OR_RETURN(patch.filter, RequiredFilter(body));
  }
  return patch;
}

// ?days= (default 90).
Result<int64_t> DaysParam(const httplib::Request& req) {
  if (!req.has_param("days")) return 90;
  const std::string text = req.get_param_value("days");
  int64_t days = 0;
  if (text.empty() || text.size() > 4) return InvalidArgumentError("days 1..366", "INVALID_DAYS");
  for (char c : text) {
    if (c < '0' || c > '9') return InvalidArgumentError("days 1..366", "INVALID_DAYS");
    days = days * 10 + (c - '0');
  }
  return days;
}

void RegisterThresholdRoutes(ConsoleRouter& router, growth::SegmentService& segments,
                             const Clock& clock) {
  router.Route("GET", "/api/console/rfm-thresholds", org::Action::kSegmentRead,
               [&segments](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res, segments.Thresholds(req.actor, req.session.principal.scope.brand_id),
                         200, WriteThresholds);
               });
  router.Route("PUT", "/api/console/rfm-thresholds", org::Action::kSegmentWrite,
               [&segments, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<growth::RfmThresholds> t = ParseThresholds(req.http);
                 if (!t.ok()) return WriteError(res, t.status());
                 Respond(res,
                         segments.SetThresholds(req.actor, req.session.principal.scope.brand_id, *t,
                                                UnixSeconds(clock.Now())),
                         200, WriteThresholds);
               });
}

void RegisterSegmentCrudRoutes(ConsoleRouter& router, growth::SegmentService& segments,
                               const Clock& clock) {
  router.Route("POST", "/api/console/segments", org::Action::kSegmentWrite,
               [&segments, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<growth::NewSegment> s = ParseNewSegment(req.http);
                 if (!s.ok()) return WriteError(res, s.status());
                 Respond(res,
                         segments.Create(req.actor, req.session.principal.scope.brand_id, *s,
                                         UnixSeconds(clock.Now())),
                         201, WriteSegmentView);
               });
  router.Route("GET", "/api/console/segments", org::Action::kSegmentRead,
               [&segments](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, segments.List(req.actor, req.session.principal.scope.brand_id, *page),
                         200, [](JsonWriter& w, const PageOf<growth::SegmentView>& list) {
                           WritePage(w, list, WriteSegmentView);
                         });
               });
  router.Route("POST", "/api/console/segments/preview", org::Action::kSegmentRead,
               [&segments](const ConsoleRequest& req, httplib::Response& res) {
                 Result<rapidjson::Document> body = SegmentBody(req.http, {"filter"});
                 if (!body.ok()) return WriteError(res, body.status());
                 Result<growth::FilterNode> filter = RequiredFilter(*body);
                 if (!filter.ok()) return WriteError(res, filter.status());
                 Respond(res,
                         segments.Preview(req.actor, req.session.principal.scope.brand_id, *filter),
                         200, [](JsonWriter& w, int64_t count) {
                           w.StartObject();
                           WriteInt(w, "count", count);
                           w.EndObject();
                         });
               });
  router.Route("GET", "/api/console/segments/{id}", org::Action::kSegmentRead,
               [&segments](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, segments.Get(req.actor, *id), 200, WriteSegmentView);
               });
  router.Route("PATCH", "/api/console/segments/{id}", org::Action::kSegmentWrite,
               [&segments, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<growth::SegmentPatch> patch = ParsePatch(req.http);
                 if (!patch.ok()) return WriteError(res, patch.status());
                 Respond(res, segments.Update(req.actor, *id, *patch, UnixSeconds(clock.Now())),
                         200, WriteSegmentView);
               });
  router.Route("DELETE", "/api/console/segments/{id}", org::Action::kSegmentWrite,
               [&segments](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Status deleted = segments.Delete(req.actor, *id);
                 if (!deleted.ok()) return WriteError(res, deleted);
                 res.status = 204;
               });
  router.Route("GET", "/api/console/segments/{id}/sizes", org::Action::kSegmentRead,
               [&segments, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<int64_t> days = DaysParam(req.http);
                 if (!days.ok()) return WriteError(res, days.status());
                 Respond(res, segments.Sizes(req.actor, *id, *days, UnixSeconds(clock.Now())), 200,
                         [](JsonWriter& w, const std::vector<growth::SegmentSize>& sizes) {
                           w.StartObject();
                           WriteArray(w, "items", sizes, [&w](const growth::SegmentSize& s) {
                             w.StartObject();
                             WriteInt(w, "day", s.day);
                             WriteInt(w, "size", s.size);
                             w.EndObject();
                           });
                           w.EndObject();
                         });
               });
}

void RegisterGrantRoutes(ConsoleRouter& router, growth::SegmentService& segments,
                         const Clock& clock) {
  router.Route(
      "POST", "/api/console/segments/{id}/grants", org::Action::kSegmentGrant,
      [&segments, &clock](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> id = PathId(req.http, 1);
        if (!id.ok()) return WriteError(res, id.status());
        Result<rapidjson::Document> body = SegmentBody(req.http, {"stock_id", "request_id"});
        if (!body.ok()) return WriteError(res, body.status());
        Result<int64_t> stock = RequiredId(*body, "stock_id");
        if (!stock.ok()) return WriteError(res, stock.status());
        Result<std::string> request_id = RequiredString(*body, "request_id");
        if (!request_id.ok()) return WriteError(res, request_id.status());
        auto started =
            segments.StartGrant(req.actor, *id, *stock, *request_id, UnixSeconds(clock.Now()));
        if (!started.ok()) return WriteError(res, started.status());
        WriteJson(res, started->second ? 201 : 200,
                  [&](JsonWriter& w) { WriteSegmentGrant(w, started->first); });
      });
  router.Route("GET", "/api/console/segment-grants", org::Action::kSegmentRead,
               [&segments](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res,
                         segments.Grants(req.actor, req.session.principal.scope.brand_id, *page),
                         200, [](JsonWriter& w, const PageOf<growth::SegmentGrant>& list) {
                           WritePage(w, list, WriteSegmentGrant);
                         });
               });
  router.Route("GET", "/api/console/segment-grants/{id}", org::Action::kSegmentRead,
               [&segments](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, segments.GetGrant(req.actor, *id), 200, WriteSegmentGrant);
               });
}

void RegisterTagRoutes(ConsoleRouter& router, growth::TagService& tags, const Clock& clock) {
  router.Route("GET", "/api/console/members/{id}/tags", org::Action::kMemberRead,
               [&tags](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, tags.Of(req.actor, *id), 200, WriteMemberTags);
               });
  router.Route("POST", "/api/console/members/{id}/tags", org::Action::kTagWrite,
               [&tags, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<rapidjson::Document> body = SegmentBody(req.http, {"name"});
                 if (!body.ok()) return WriteError(res, body.status());
                 Result<std::string> name = RequiredString(*body, "name");
                 if (!name.ok()) return WriteError(res, name.status());
                 Respond(res, tags.Add(req.actor, *id, *name, UnixSeconds(clock.Now())), 200,
                         WriteMemberTags);
               });
  router.Route("DELETE", "/api/console/members/{id}/tags", org::Action::kTagWrite,
               [&tags](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 if (!req.http.has_param("name")) {
                   return WriteError(res,
                                     InvalidArgumentError("name is required", "MISSING_FIELD"));
                 }
                 Respond(res, tags.Remove(req.actor, *id, req.http.get_param_value("name")), 200,
                         WriteMemberTags);
               });
  router.Route("GET", "/api/console/tag-names", org::Action::kSegmentRead,
               [&tags](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res, tags.Names(req.actor, req.session.principal.scope.brand_id), 200,
                         [](JsonWriter& w, const std::vector<std::pair<std::string, int64_t>>& n) {
                           w.StartObject();
                           WriteArray(w, "items", n, [&w](const auto& item) {
                             w.StartObject();
                             WriteText(w, "name", item.first);
                             WriteInt(w, "members", item.second);
                             w.EndObject();
                           });
                           w.EndObject();
                         });
               });
}

}  // namespace

void RegisterSegmentRoutes(ConsoleRouter& router, growth::GrowthModule& growth,
                           const Clock& clock) {
  RegisterThresholdRoutes(router, growth.segments(), clock);
  RegisterSegmentCrudRoutes(router, growth.segments(), clock);
  RegisterGrantRoutes(router, growth.segments(), clock);
  RegisterTagRoutes(router, growth.tags(), clock);
}

void AddSegmentGrantMetrics(Metrics& metrics, db::Db& db) {
  using Totals = growth::SegmentStore::GrantTotals;
  auto read = [&db](int64_t Totals::*field) -> double {
    Result<db::PooledConnection> conn = db.Acquire();
    if (!conn.ok()) return -1;
    Result<Totals> totals = growth::SegmentStore(**conn).Totals();
    return totals.ok() ? static_cast<double>((*totals).*field) : -1;
  };
  metrics.AddGauge("mileage_segment_grants_running", "Segment grants still issuing.",
                   [read] { return read(&Totals::running); });
  metrics.AddGauge("mileage_segment_grant_members_pending",
                   "Members of running segment grants not reached yet.",
                   [read] { return read(&Totals::pending); });
  metrics.AddGauge("mileage_segment_grant_coupons_granted",
                   "Coupons issued by segment grants, all grants together.",
                   [read] { return read(&Totals::granted); });
}

}  // namespace mileage::server
