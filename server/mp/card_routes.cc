#include "server/mp/card_routes.h"

#include "server/console/console_json.h"
#include "server/console/membership_json.h"
#include "server/http/json_fields.h"
#include "server/mp/mp_routes.h"

namespace mileage::server {
namespace {

void WriteTier(JsonWriter& w, const members::TierProgress& tier) {
  w.Key("tier");
  w.StartObject();
  WriteText(w, "current", tier.current);
  w.Key("next");
  if (tier.next.has_value()) {
    WriteString(w, *tier.next);
  } else {
    w.Null();
  }
  WriteOptionalInt(w, "spend_fen_to_next", tier.spend_fen_to_next);
  WriteOptionalInt(w, "visits_to_next", tier.visits_to_next);
  w.EndObject();
}

void WriteCard(JsonWriter& w, const OwnerCardView& card) {
  w.StartObject();
  w.Key("member");
  WriteOwnMember(w, card.member);
  WriteTier(w, card.tier);
  w.Key("points");
  w.StartObject();
  WriteInt(w, "balance", card.points.balance);
  WriteInt(w, "expiring_30d", card.points.expiring);
  WriteOptionalTime(w, "next_expiry_at", card.points.next_expiry_at);
  w.EndObject();
  w.Key("coupons");
  w.StartObject();
  WriteInt(w, "usable", card.usable_coupons);
  w.EndObject();
  WriteArray(w, "vehicles", card.vehicles, [&w](const members::OwnVehicle& own) {
    WriteVehicle(w, own.vehicle, own.plate, own.vin);
  });
  w.Key("member_code");
  w.StartObject();
  WriteText(w, "token", card.member_code.token);
  WriteTime(w, "expires_at", card.member_code.expires_at);
  w.EndObject();
  w.EndObject();
}

// A line of the member's own points history: `points` signed as the journal moved (+ earned,
// - reversed, spent or expired), `balance_change` what the spendable balance did (the rest
// moved debt: a reversal beyond the balance records debt, an earning repays it first).
void WritePointsLine(JsonWriter& w, const points::JournalLine& line) {
  w.StartObject();
  WriteInt(w, "id", line.journal_id);
  WriteInt(w, "points", line.points);
  WriteInt(w, "balance_change", line.points + line.debt_change);
  WriteInt(w, "debt_change", line.debt_change);
  WriteText(w, "reason", line.reason);
  WriteText(w, "source_ref", line.source_ref);
  WriteTime(w, "created_at", line.created_at);
  w.EndObject();
}

}  // namespace

void RegisterMemberCardRoutes(MpRouter& router, OwnerCard& card, points::MemberPoints& points,
                              const Clock& clock) {
  router.Route("GET", "/api/mp/card",
               [&card, &clock](const MpRequest& req, httplib::Response& res) {
                 Respond(res, card.Read(req.member(), UnixSeconds(clock.Now())), 200, WriteCard);
               });

  router.Route("GET", "/api/mp/points", [&points](const MpRequest& req, httplib::Response& res) {
    Result<PageRequest> page = PageParams(req.http);
    if (!page.ok()) return WriteError(res, page.status());
    Respond(res, points.History(req.member().member_id, *page), 200,
            [](JsonWriter& w, const PageOf<points::JournalLine>& lines) {
              WritePage(w, lines, WritePointsLine);
            });
  });
}

}  // namespace mileage::server
