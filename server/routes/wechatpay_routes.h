#pragma once

#include "payments/notification_service.h"
#include "server/http/http_server.h"

namespace mileage::server {

// POST /wechatpay/v3/notify/{mchid}: WeChat Pay API v3 notifications (DESIGN.md section 5).
// 204 after the notification is committed (or was a duplicate); WeChat's failure body
// {"code":"FAIL","message":...} otherwise: 401 when verification fails (nothing written),
// 404 for an unknown mchid, 5xx when storage fails so that WeChat retries.
void RegisterWechatPayRoutes(HttpServer& http, payments::NotificationService& notifications);

}  // namespace mileage::server
