#include "server/mp/package_routes.h"

#include <memory>
#include <vector>

#include "server/console/console_json.h"
#include "server/http/json_fields.h"
#include "server/mp/member_coupon_json.h"

namespace mileage::server {
namespace {

coupons::MemberRef MemberOf(const MpRequest& req) {
  return {req.member().member_id, req.member().brand_id};
}

// An order that could not reach WeChat Pay stays pending (and is never paid); the member may
// order again. The cause goes to the log only (server/http/error_mapping.h).
Status WechatFailed(const Status& status) {
  return UnavailableError("WeChat Pay refused or failed the JSAPI order: " + status.ToString(),
                          "WECHAT_UNAVAILABLE");
}

// The answer of POST /api/mp/orders.
struct OrderPlaced {
  coupons::OrderDetail order;
  wechat::client::RequestPayment payment;
};

void WriteOrderPlaced(JsonWriter& w, const OrderPlaced& placed) {
  w.StartObject();
  w.Key("order");
  WriteMemberOrder(w, placed.order);
  w.Key("payment");
  w.StartObject();
  WriteText(w, "appId", placed.payment.app_id);
  WriteText(w, "timeStamp", placed.payment.time_stamp);
  WriteText(w, "nonceStr", placed.payment.nonce_str);
  WriteText(w, "package", placed.payment.package);
  WriteText(w, "signType", placed.payment.sign_type);
  WriteText(w, "paySign", placed.payment.pay_sign);
  w.EndObject();
  w.EndObject();
}

// Places the order, makes its JSAPI prepay and signs the wx.requestPayment parameters.
Result<OrderPlaced> PlaceOrder(const MpRequest& req, coupons::PackageSales& sales,
                               MerchantPayClients& pay, const NotifyUrlOf& notify_url,
                               int64_t package_id, int64_t now) {
  std::shared_ptr<wechat::client::PayClient> client;
  auto payable = [&pay, &client](const std::string& mchid) -> Status {
    Result<std::shared_ptr<wechat::client::PayClient>> found = pay.For(mchid);
    if (!found.ok()) {
      return UnavailableError(
          "merchant " + mchid + " cannot take payments: " + found.status().ToString(),
          "PAYMENT_UNAVAILABLE");
    }
    client = std::move(*found);
    return Status::Ok();
  };
  const std::string& appid = req.member().appid;
  MILEAGE_ASSIGN_OR_RETURN(coupons::PlacedOrder placed,
                           sales.Place(MemberOf(req), appid, package_id, now, payable));
  wechat::client::JsapiOrder jsapi;
  jsapi.appid = appid;
  jsapi.description = placed.description;
  jsapi.out_trade_no = placed.order.out_trade_no;
  jsapi.notify_url = notify_url(placed.mchid);
  jsapi.total = placed.order.amount_fen;
  jsapi.payer_openid = placed.payer_openid;
  jsapi.attach = "order:" + std::to_string(placed.order.id);
  Result<std::string> prepay_id = client->CreateJsapiOrder(jsapi);
  if (!prepay_id.ok()) return WechatFailed(prepay_id.status());
  MILEAGE_RETURN_IF_ERROR(sales.AttachPrepay(placed.order.id, *prepay_id, now));
  placed.order.prepay_id = *prepay_id;
  MILEAGE_ASSIGN_OR_RETURN(wechat::client::RequestPayment payment,
                           client->SignRequestPayment(appid, *prepay_id));
  return OrderPlaced{{std::move(placed.order), {}}, std::move(payment)};
}

}  // namespace

void RegisterMemberPackageRoutes(MpRouter& router, coupons::PackageSales& sales,
                                 MerchantPayClients& pay, NotifyUrlOf notify_url,
                                 const Clock& clock) {
  router.Route("GET", "/api/mp/packages", [&sales](const MpRequest& req, httplib::Response& res) {
    Respond(res, sales.OnSale(MemberOf(req)), 200,
            [](JsonWriter& w, const std::vector<coupons::Package>& packages) {
              w.StartObject();
              WriteArray(w, "items", packages,
                         [&w](const coupons::Package& package) { WriteMemberPackage(w, package); });
              w.EndObject();
            });
  });

  router.Route(
      "POST", "/api/mp/orders",
      [&sales, &pay, notify_url = std::move(notify_url), &clock](const MpRequest& req,
                                                                 httplib::Response& res) {
        Result<rapidjson::Document> body = ParseBody(req.http, {"package_id"});
        if (!body.ok()) return WriteError(res, body.status());
        Result<int64_t> package_id = RequiredId(*body, "package_id");
        if (!package_id.ok()) return WriteError(res, package_id.status());
        Respond(res, PlaceOrder(req, sales, pay, notify_url, *package_id, UnixSeconds(clock.Now())),
                201, WriteOrderPlaced);
      });

  router.Route("GET", "/api/mp/orders", [&sales](const MpRequest& req, httplib::Response& res) {
    Result<PageRequest> page = PageParams(req.http);
    if (!page.ok()) return WriteError(res, page.status());
    Respond(res, sales.MemberOrders(MemberOf(req), *page), 200,
            [](JsonWriter& w, const PageOf<coupons::OrderDetail>& orders) {
              WritePage(w, orders, WriteMemberOrder);
            });
  });

  router.Route("GET", "/api/mp/orders/{id}",
               [&sales](const MpRequest& req, httplib::Response& res) {
                 Result<int64_t> id = PathId(req.http, 1);
                 if (!id.ok()) return WriteError(res, id.status());
                 Respond(res, sales.MemberOrder(MemberOf(req), *id), 200, WriteMemberOrder);
               });
}

}  // namespace mileage::server
