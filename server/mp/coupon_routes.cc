#include "server/mp/coupon_routes.h"

#include <optional>
#include <vector>

#include "coupons/codes.h"
#include "server/console/console_json.h"
#include "server/console/coupon_json.h"
#include "server/console/coupon_requests.h"
#include "server/http/json_fields.h"
#include "server/mp/member_coupon_json.h"

namespace mileage::server {
namespace {

// Like every /api/mp/ route, these read no member id from the request: the member is the
// session's. Like the other routes, they ignore query parameters they do not read and the body
// of a POST that takes none.
coupons::MemberRef MemberOf(const MpRequest& req) {
  return {req.member().member_id, req.member().brand_id};
}

void WriteClaimable(JsonWriter& w, const std::vector<coupons::ClaimableStock>& offered) {
  w.StartObject();
  WriteArray(w, "items", offered, [&w](const coupons::ClaimableStock& item) {
    w.StartObject();
    WriteMemberStockFields(w, item.stock);
    WriteInt(w, "remaining", item.remaining);
    WriteInt(w, "claimed", item.claimed);
    w.EndObject();
  });
  w.EndObject();
}

void WriteQrToken(JsonWriter& w, const coupons::QrToken& token) {
  w.StartObject();
  WriteText(w, "qr_token", token.token);
  WriteTime(w, "expires_at", token.expires_at);
  w.EndObject();
}

}  // namespace

void RegisterMemberCouponRoutes(MpRouter& router, coupons::CouponService& coupons,
                                const Clock& clock) {
  router.Route("GET", "/api/mp/stocks",
               [&coupons, &clock](const MpRequest& req, httplib::Response& res) {
                 Respond(res, coupons.ClaimableStocks(MemberOf(req), UnixSeconds(clock.Now())), 200,
                         WriteClaimable);
               });

  router.Route("POST", "/api/mp/stocks/{id}/claim",
               [&coupons, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, coupons.Claim(MemberOf(req), *id, UnixSeconds(clock.Now())), 201,
                         WriteMemberCoupon);
               });

  router.Route(
      "GET", "/api/mp/coupons", [&coupons, &clock](const MpRequest& req, httplib::Response& res) {
        Result<std::optional<coupons::CouponState>> state = QueryCouponState(req.http);
        if (!state.ok()) return WriteError(res, state.status());
        Result<PageRequest> page = PageParams(req.http);
        if (!page.ok()) return WriteError(res, page.status());
        Respond(res, coupons.MemberCoupons(MemberOf(req), *state, *page, UnixSeconds(clock.Now())),
                200, [](JsonWriter& w, const PageOf<coupons::CouponDetail>& found) {
                  WritePage(w, found, WriteMemberCouponDetail);
                });
      });

  router.Route("GET", "/api/mp/coupons/{id}",
               [&coupons, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, coupons.MemberCoupon(MemberOf(req), *id, UnixSeconds(clock.Now())),
                         200, WriteMemberCouponDetail);
               });

  router.Route("POST", "/api/mp/coupons/{id}/qr",
               [&coupons, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, coupons.MemberQrToken(MemberOf(req), *id, UnixSeconds(clock.Now())),
                         200, WriteQrToken);
               });
}

}  // namespace mileage::server
