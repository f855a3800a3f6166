#include "crypto/digest.h"
#include "crypto/hex.h"
#include "server/http/json.h"
#include "server/http/json_fields.h"
#include "server/partner/partner_router.h"

namespace mileage::server {

void RegisterPartnerApiRoutes(PartnerRouter& router) {
  router.Route("GET", "/api/partner/v1/me", [](const PartnerRequest& req, httplib::Response& res) {
    const org::Partner& p = req.partner;
    WriteJson(res, 200, [&p](JsonWriter& w) {
      w.StartObject();
      WriteInt(w, "id", p.id);
      WriteText(w, "name", p.name);
      WriteText(w, "category", org::PartnerCategoryName(p.category));
      WriteInt(w, "brand_id", p.brand_id);
      WriteText(w, "api_key_id", p.api_key_id);
      w.EndObject();
    });
  });

  // Lets a partner check how it signs a body: what the server received, as a digest.
  router.Route("POST", "/api/partner/v1/signature-check",
               [](const PartnerRequest& req, httplib::Response& res) {
                 WriteJson(res, 200, [&req](JsonWriter& w) {
                   w.StartObject();
                   WriteInt(w, "partner_id", req.partner.id);
                   WriteInt(w, "body_bytes", static_cast<int64_t>(req.http.body.size()));
                   WriteText(w, "body_sha256", crypto::HexEncode(crypto::Sha256(req.http.body)));
                   w.EndObject();
                 });
               });
}

}  // namespace mileage::server
