#include "server/mp/feedback_routes.h"

#include <string>
#include <vector>

#include "server/console/console_json.h"
#include "server/console/feedback_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

Status InvalidScore() {
  return InvalidArgumentError("score must be an integer 0-10", "INVALID_SCORE");
}

// {"kind","visit_id","score","comment"?}: the score must be a JSON integer (9.5 and "9" are
// INVALID_SCORE); its range is the service's.
Result<growth::NewRating> ParseNewRating(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"kind", "visit_id", "score", "comment"}));
  growth::NewRating rating;
  MILEAGE_ASSIGN_OR_RETURN(std::string kind, RequiredString(body, "kind"));
  std::optional<growth::VisitKind> parsed = growth::ParseVisitKind(kind);
  if (!parsed.has_value()) {
    return InvalidArgumentError("kind must be payment or redemption", "INVALID_KIND");
  }
  rating.kind = *parsed;
  MILEAGE_ASSIGN_OR_RETURN(rating.visit_id, RequiredId(body, "visit_id"));
  auto score = body.FindMember("score");
  if (score == body.MemberEnd() || score->value.IsNull()) {
    return InvalidArgumentError("score is required", "MISSING_FIELD");
  }
  if (!score->value.IsInt64()) return InvalidScore();
  rating.score = score->value.GetInt64();
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> comment, OptionalString(body, "comment"));
  rating.comment = comment.value_or("");
  return rating;
}

// VISIT: {"kind","id","store":{"id","name"},"visited_at","amount_fen","rateable_until",
// "rating": RATING or null}.
void WriteVisit(JsonWriter& w, const growth::RateableVisit& item) {
  const growth::Visit& v = item.visit;
  w.StartObject();
  WriteText(w, "kind", growth::VisitKindName(v.kind));
  WriteInt(w, "id", v.id);
  w.Key("store");
  w.StartObject();
  WriteInt(w, "id", v.store.store_id);
  WriteText(w, "name", v.store_name);
  w.EndObject();
  WriteTime(w, "visited_at", v.visited_at);
  WriteInt(w, "amount_fen", v.amount_fen);
  WriteTime(w, "rateable_until", item.rateable_until);
  w.Key("rating");
  if (item.rating.has_value()) {
    WriteMemberRating(w, *item.rating);
  } else {
    w.Null();
  }
  w.EndObject();
}

}  // namespace

void RegisterMemberFeedbackRoutes(MpRouter& router, growth::FeedbackService& feedback,
                                  const Clock& clock) {
  router.Route("GET", "/api/mp/feedback/visits",
               [&feedback, &clock](const MpRequest& req, httplib::Response& res) {
                 Respond(res, feedback.Visits(req.member(), UnixSeconds(clock.Now())), 200,
                         [](JsonWriter& w, const std::vector<growth::RateableVisit>& visits) {
                           w.StartObject();
                           WriteArray(w, "items", visits,
                                      [&w](const growth::RateableVisit& v) { WriteVisit(w, v); });
                           w.EndObject();
                         });
               });
  router.Route("POST", "/api/mp/feedback/ratings",
               [&feedback, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<growth::NewRating> rating = ParseNewRating(req.http);
                 if (!rating.ok()) return WriteError(res, rating.status());
                 Respond(res, feedback.Rate(req.member(), *rating, UnixSeconds(clock.Now())), 201,
                         WriteMemberRating);
               });
}

}  // namespace mileage::server
