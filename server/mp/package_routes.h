#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "coupons/package_sales.h"
#include "server/mp/merchant_pay_clients.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// Where WeChat Pay sends the notifications of an order paid through merchant `mchid`.
using NotifyUrlOf = std::function<std::string(std::string_view mchid)>;

// The member's packages and orders (docs/API.md, "Packages and orders"): GET /api/mp/packages,
// POST /api/mp/orders (a pending order, its JSAPI prepay through `pay`, and the signed
// wx.requestPayment parameters), GET /api/mp/orders and GET /api/mp/orders/{id}, through
// `router`, each for the session's member. Everything passed must outlive the server.
void RegisterMemberPackageRoutes(MpRouter& router, coupons::PackageSales& sales,
                                 MerchantPayClients& pay, NotifyUrlOf notify_url,
                                 const Clock& clock);

}  // namespace mileage::server
