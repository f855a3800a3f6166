#include "server/console/feedback_json.h"

#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {

void WriteNpsCounts(JsonWriter& w, const growth::NpsCounts& counts) {
  w.StartObject();
  WriteInt(w, "promoters", counts.promoters);
  WriteInt(w, "passives", counts.passives);
  WriteInt(w, "detractors", counts.detractors);
  WriteInt(w, "responses", counts.responses());
  WriteOptionalInt(w, "nps", growth::NetPromoterScore(counts));
  w.EndObject();
}

void WriteMemberRating(JsonWriter& w, const growth::Rating& r) {
  w.StartObject();
  WriteInt(w, "id", r.id);
  WriteText(w, "kind", growth::VisitKindName(r.visit_kind));
  WriteInt(w, "visit_id", r.visit_id);
  WriteInt(w, "score", r.score);
  WriteText(w, "comment", r.comment);
  WriteTime(w, "rated_at", r.rated_at);
  w.EndObject();
}

void WriteStaffRating(JsonWriter& w, const growth::Rating& r) {
  w.StartObject();
  WriteInt(w, "id", r.id);
  w.Key("store");
  w.StartObject();
  WriteInt(w, "id", r.store.store_id);
  WriteText(w, "name", r.store_name);
  w.EndObject();
  WritePathIds(w, r.store);
  WriteInt(w, "member_id", r.member_id);
  w.Key("visit");
  w.StartObject();
  WriteText(w, "kind", growth::VisitKindName(r.visit_kind));
  WriteInt(w, "id", r.visit_id);
  WriteTime(w, "visited_at", r.visited_at);
  w.EndObject();
  WriteInt(w, "score", r.score);
  WriteText(w, "comment", r.comment);
  WriteTime(w, "rated_at", r.rated_at);
  w.Key("follow_up");
  if (!r.follow_up_state.has_value()) {
    w.Null();
  } else {
    w.StartObject();
    WriteText(w, "state", growth::FollowUpStateName(*r.follow_up_state));
    WriteText(w, "note", r.follow_up_note);
    w.Key("by");
    if (!r.follow_up_by.has_value()) {
      w.Null();
    } else {
      w.StartObject();
      WriteInt(w, "staff_id", *r.follow_up_by);
      WriteText(w, "username", r.follow_up_by_name);
      w.EndObject();
    }
    WriteOptionalTime(w, "at", r.follow_up_at);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace mileage::server
