#include "server/console/feedback_routes.h"

#include <string>

#include "server/console/console_json.h"
#include "server/console/feedback_json.h"
#include "server/console/report_params.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// ?group=store|dealer (default store), ?bucket=week|month (default week), the node filter and
// the day range.
Result<growth::NpsQuery> ParseNpsQuery(const httplib::Request& req) {
  growth::NpsQuery query;
  if (req.has_param("group")) {
    std::optional<growth::NpsGroup> group = growth::ParseNpsGroup(req.get_param_value("group"));
    if (!group.has_value()) {
      return InvalidArgumentError("group must be store or dealer", "INVALID_GROUP");
    }
    query.group = *group;
  }
  if (req.has_param("bucket")) {
    std::optional<growth::NpsBucket> bucket = growth::ParseNpsBucket(req.get_param_value("bucket"));
    if (!bucket.has_value()) {
      return InvalidArgumentError("bucket must be week or month", "INVALID_BUCKET");
    }
    query.bucket = *bucket;
  }
  MILEAGE_ASSIGN_OR_RETURN(query.node, NodeFilter(req));
  MILEAGE_ASSIGN_OR_RETURN(query.range, DayRangeParams(req));
  return query;
}

// ?state=open|contacted|resolved and the node filter.
Result<growth::DetractorFilter> ParseDetractorFilter(const httplib::Request& req) {
  growth::DetractorFilter filter;
  if (req.has_param("state")) {
    filter.state = growth::ParseFollowUpState(req.get_param_value("state"));
    if (!filter.state.has_value()) {
      return InvalidArgumentError("state must be open, contacted or resolved", "INVALID_STATE");
    }
  }
  MILEAGE_ASSIGN_OR_RETURN(filter.node, NodeFilter(req));
  return filter;
}

// {"state","note"?}.
Result<growth::FollowUp> ParseFollowUp(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"state", "note"}));
  MILEAGE_ASSIGN_OR_RETURN(std::string state, RequiredString(body, "state"));
  std::optional<growth::FollowUpState> parsed = growth::ParseFollowUpState(state);
  if (!parsed.has_value()) {
    return InvalidArgumentError("state must be open, contacted or resolved", "INVALID_STATE");
  }
  growth::FollowUp move;
  move.state = *parsed;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> note, OptionalString(body, "note"));
  move.note = note.value_or("");
  return move;
}

void WriteNpsReport(JsonWriter& w, const growth::NpsReport& report) {
  w.StartObject();
  w.Key("node");
  w.StartObject();
  WriteText(w, "type", org::NodeTypeName(report.node.type));
  WriteInt(w, "id", report.node.id());
  w.EndObject();
  WriteText(w, "group", growth::NpsGroupName(report.group));
  WriteText(w, "bucket", growth::NpsBucketName(report.bucket));
  WriteText(w, "from", civil::FormatDate(report.from));
  WriteText(w, "to", civil::FormatDate(report.to));
  WriteArray(w, "periods", report.periods,
             [&w](const civil::Date& d) { WriteString(w, civil::FormatDate(d)); });
  WriteArray(w, "rows", report.rows, [&w](const growth::NpsSeries& row) {
    w.StartObject();
    WriteInt(w, "id", row.node_id);
    WriteText(w, "name", row.name);
    w.Key("total");
    WriteNpsCounts(w, row.total);
    WriteArray(w, "periods", row.periods,
               [&w](const growth::NpsCounts& c) { WriteNpsCounts(w, c); });
    w.EndObject();
  });
  w.Key("overall");
  WriteNpsCounts(w, report.overall);
  w.EndObject();
}

}  // namespace

void RegisterFeedbackRoutes(ConsoleRouter& router, growth::FeedbackService& feedback,
                            const Clock& clock) {
  router.Route("GET", "/api/console/feedback/nps", org::Action::kFeedbackRead,
               [&feedback, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<growth::NpsQuery> query = ParseNpsQuery(req.http);
                 if (!query.ok()) return WriteError(res, query.status());
                 Respond(res, feedback.Nps(req.actor, *query, UnixSeconds(clock.Now())), 200,
                         WriteNpsReport);
               });
  router.Route("GET", "/api/console/feedback/detractors", org::Action::kFeedbackRead,
               [&feedback](const ConsoleRequest& req, httplib::Response& res) {
                 Result<growth::DetractorFilter> filter = ParseDetractorFilter(req.http);
                 if (!filter.ok()) return WriteError(res, filter.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, feedback.Detractors(req.actor, *filter, *page), 200,
                         [](JsonWriter& w, const PageOf<growth::Rating>& list) {
                           WritePage(w, list, WriteStaffRating);
                         });
               });
  router.Route(
      "POST", "/api/console/feedback/ratings/{id}/follow-up", org::Action::kFeedbackFollowUp,
      [&feedback, &clock](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> id = PathId(req.http, 1);
        if (!id.ok()) return WriteError(res, id.status());
        Result<growth::FollowUp> move = ParseFollowUp(req.http);
        if (!move.ok()) return WriteError(res, move.status());
        Respond(res, feedback.MoveFollowUp(req.actor, *id, *move, UnixSeconds(clock.Now())), 200,
                WriteStaffRating);
      });
}

}  // namespace mileage::server
