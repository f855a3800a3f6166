#include "server/mp/partner_routes.h"

#include <chrono>
#include <vector>

#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// LINKED_PARTNER. Points earned at each partner will join here from the partner ledger
// (points/) once it lands: the list route then composes both reads.
void WriteLinkedPartner(JsonWriter& w, const members::LinkedPartner& partner) {
  w.StartObject();
  WriteInt(w, "id", partner.partner_id);
  WriteText(w, "name", partner.name);
  WriteText(w, "category", org::PartnerCategoryName(partner.category));
  WriteTime(w, "linked_at", partner.linked_at);
  WriteTime(w, "last_seen_at", partner.last_seen_at);
  w.EndObject();
}

}  // namespace

void RegisterMemberPartnerRoutes(MpRouter& router, members::PartnerIdentities& identities) {
  router.Route(
      "GET", "/api/mp/partners", [&identities](const MpRequest& req, httplib::Response& res) {
        Respond(res, identities.LinkedPartners(req.member().member_id), 200,
                [](JsonWriter& w, const std::vector<members::LinkedPartner>& found) {
                  w.StartObject();
                  WriteArray(w, "items", found, [&w](const members::LinkedPartner& partner) {
                    WriteLinkedPartner(w, partner);
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
