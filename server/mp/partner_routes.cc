#include "server/mp/partner_routes.h"

#include <chrono>
#include <utility>
#include <vector>

#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// A linked partner and the net points the member earned there.
struct PartnerWithPoints {
  members::LinkedPartner partner;
  int64_t points_earned = 0;
};

// The member's linked partners, each with its points (one query for all of them).
Result<std::vector<PartnerWithPoints>> ListPartners(members::PartnerIdentities& identities,
                                                    points::PartnerReports& reports,
                                                    int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<members::LinkedPartner> linked,
                           identities.LinkedPartners(member_id));
  std::vector<int64_t> ids;
  ids.reserve(linked.size());
  for (const members::LinkedPartner& partner : linked) ids.push_back(partner.partner_id);
  MILEAGE_ASSIGN_OR_RETURN(auto earned, reports.PointsEarnedAt(member_id, ids));
  std::vector<PartnerWithPoints> items;
  items.reserve(linked.size());
  for (members::LinkedPartner& partner : linked) {
    const int64_t points = earned[partner.partner_id];
    items.push_back({std::move(partner), points});
  }
  return items;
}

void WriteLinkedPartner(JsonWriter& w, const PartnerWithPoints& item) {
  const members::LinkedPartner& partner = item.partner;
  w.StartObject();
  WriteInt(w, "id", partner.partner_id);
  WriteText(w, "name", partner.name);
  WriteText(w, "category", org::PartnerCategoryName(partner.category));
  WriteTime(w, "linked_at", partner.linked_at);
  WriteTime(w, "last_seen_at", partner.last_seen_at);
  WriteInt(w, "points_earned", item.points_earned);
  w.EndObject();
}

}  // namespace

void RegisterMemberPartnerRoutes(MpRouter& router, members::PartnerIdentities& identities,
                                 points::PartnerReports& reports) {
  router.Route("GET", "/api/mp/partners",
               [&identities, &reports](const MpRequest& req, httplib::Response& res) {
                 Respond(res, ListPartners(identities, reports, req.member().member_id), 200,
                         [](JsonWriter& w, const std::vector<PartnerWithPoints>& found) {
                           w.StartObject();
                           WriteArray(w, "items", found, [&w](const PartnerWithPoints& item) {
                             WriteLinkedPartner(w, item);
                           });
                           w.EndObject();
                         });
               });

  router.Route("DELETE", "/api/mp/partners/{id}",
               [&identities](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 std::chrono::seconds retry_after{0};
                 Status unlinked = identities.Unlink(req.member().member_id, *id, &retry_after);
                 SetRetryAfter(res, unlinked, retry_after);
                 if (!unlinked.ok()) return WriteError(res, unlinked);
                 res.status = 204;
               });
}

}  // namespace mileage::server
