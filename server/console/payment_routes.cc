#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/membership_json.h"

namespace mileage::server {

void RegisterPaymentRoutes(ConsoleRouter& router, payments::PaymentViews& payments) {
  router.Route("GET", "/api/console/stores/{id}/transactions", org::Action::kPaymentRead,
               [&payments](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store_id = PathId(req.http, 1);
                 if (!store_id.ok()) return WriteError(res, store_id.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, payments.StoreTransactions(req.actor, *store_id, *page), 200,
                         [](JsonWriter& w, const PageOf<payments::TransactionRecord>& list) {
                           WritePage(w, list, WriteTransaction);
                         });
               });

  router.Route("GET", "/api/console/stores/{id}/refunds", org::Action::kPaymentRead,
               [&payments](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store_id = PathId(req.http, 1);
                 if (!store_id.ok()) return WriteError(res, store_id.status());
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, payments.StoreRefunds(req.actor, *store_id, *page), 200,
                         [](JsonWriter& w, const PageOf<payments::RefundRecord>& list) {
                           WritePage(w, list, WriteRefund);
                         });
               });

  router.Route("GET", "/api/console/transactions/{transaction_id}", org::Action::kPaymentRead,
               [&payments](const ConsoleRequest& req, httplib::Response& res) {
                 const std::string transaction_id =
                     req.http.matches.size() > 1 ? req.http.matches[1].str() : std::string();
                 const std::string mchid = req.http.get_param_value("mchid");
                 std::optional<std::string_view> only;
                 if (req.http.has_param("mchid")) only = mchid;
                 Respond(res, payments.Transaction(req.actor, transaction_id, only), 200,
                         WriteTransactionDetail);
               });
}

}  // namespace mileage::server
