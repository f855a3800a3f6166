#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/coupon_json.h"
#include "server/console/coupon_requests.h"

namespace mileage::server {
namespace {

// The counter: a typed code looked up, a coupon redeemed, a redemption reversed.
void RegisterCounterRoutes(ConsoleRouter& router, coupons::RedemptionService& redemptions,
                           coupons::CouponViews& views, const Clock& clock) {
  router.Route("GET", "/api/console/coupons", org::Action::kStockRead,
               [&views, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Respond(res,
                         views.FindByCode(req.actor, req.http.get_param_value("code"),
                                          UnixSeconds(clock.Now())),
                         200, WriteCouponDetail);
               });

  router.Route("POST", "/api/console/redemptions", org::Action::kCouponRedeem,
               [&redemptions, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<coupons::RedeemRequest> request = ParseRedeem(req.http);
                 if (!request.ok()) return WriteError(res, request.status());
                 Respond(res, redemptions.Redeem(req.actor, *request, UnixSeconds(clock.Now())),
                         200, WriteRedemptionResult);
               });

  router.Route("POST", "/api/console/redemptions/{id}/reverse", org::Action::kRedemptionReverse,
               [&redemptions, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<std::string> reason = ParseReverseReason(req.http);
                 if (!reason.ok()) return WriteError(res, reason.status());
                 Respond(res,
                         redemptions.Reverse(req.actor, *id, *reason, UnixSeconds(clock.Now())),
                         200, WriteRedemptionResult);
               });
}

}  // namespace

void RegisterRedemptionRoutes(ConsoleRouter& router, coupons::RedemptionService& redemptions,
                              coupons::CouponViews& views, const Clock& clock) {
  RegisterCounterRoutes(router, redemptions, views, clock);

  router.Route("GET", "/api/console/stores/{id}/redemptions", org::Action::kRedemptionRead,
               [&redemptions](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store = PathId(req.http, 1);
                 if (!store.ok()) return WriteError(res, store.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Result<std::optional<civil::Date>> day = QueryDay(req.http);
                 if (!day.ok()) return WriteError(res, day.status());
                 Respond(res, redemptions.StoreRedemptions(req.actor, *store, *day, *page), 200,
                         [](JsonWriter& w, const PageOf<coupons::Redemption>& list) {
                           WritePage(w, list, WriteRedemption);
                         });
               });

  router.Route(
      "GET", "/api/console/members/{id}/coupons", org::Action::kStockRead,
      [&views, &clock](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> member = PathId(req.http, 1);
        if (!member.ok()) return WriteError(res, member.status());
        Result<PageRequest> page = PageParams(req.http);
        if (!page.ok()) return WriteError(res, page.status());
        Result<std::optional<coupons::CouponState>> state = QueryCouponState(req.http);
        if (!state.ok()) return WriteError(res, state.status());
        Respond(res,
                views.MemberCoupons(req.actor, *member, *state, *page, UnixSeconds(clock.Now())),
                200, [](JsonWriter& w, const PageOf<coupons::CouponDetail>& list) {
                  WritePage(w, list, WriteCouponDetail);
                });
      });
}

}  // namespace mileage::server
