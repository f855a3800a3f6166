#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/coupon_json.h"
#include "server/console/coupon_requests.h"

namespace mileage::server {

void RegisterStockRoutes(ConsoleRouter& router, coupons::StockService& stocks,
                         coupons::GrantService& grants, const Clock& clock) {
  router.Route("POST", "/api/console/stocks", org::Action::kStockWrite,
               [&stocks](const ConsoleRequest& req, httplib::Response& res) {
                 Result<coupons::NewStock> stock = ParseNewStock(req.http);
                 if (!stock.ok()) return WriteError(res, stock.status());
                 Respond(res, stocks.Create(req.actor, *stock), 201, WriteStock);
               });

  router.Route("GET", "/api/console/stocks", org::Action::kStockRead,
               [&stocks](const ConsoleRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Result<coupons::StockFilter> filter = ParseStockFilter(req.http);
                 if (!filter.ok()) return WriteError(res, filter.status());
                 Respond(res, stocks.List(req.actor, *filter, *page), 200,
                         [](JsonWriter& w, const PageOf<coupons::Stock>& list) {
                           WritePage(w, list, WriteStock);
                         });
               });

  router.Route("GET", "/api/console/stocks/{id}", org::Action::kStockRead,
               [&stocks](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, stocks.Get(req.actor, *id), 200, WriteStockView);
               });

  router.Route("PATCH", "/api/console/stocks/{id}", org::Action::kStockWrite,
               [&stocks](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<coupons::StockPatch> patch = ParseStockPatch(req.http);
                 if (!patch.ok()) return WriteError(res, patch.status());
                 Respond(res, stocks.Update(req.actor, *id, *patch), 200, WriteStockView);
               });

  router.Route("POST", "/api/console/stocks/{id}/grants", org::Action::kCouponGrant,
               [&grants, &clock](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Result<GrantRequest> grant = ParseGrant(req.http);
                 if (!grant.ok()) return WriteError(res, grant.status());
                 Respond(res,
                         grants.Grant(req.actor, *id, grant->request_id, grant->targets,
                                      UnixSeconds(clock.Now())),
                         200, WriteGrantOutcomes);
               });
}

}  // namespace mileage::server
