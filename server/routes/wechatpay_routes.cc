#include "server/routes/wechatpay_routes.h"

#include <algorithm>

#include "common/log.h"
#include "server/http/error_mapping.h"

namespace mileage::server {
namespace {

// Any failure of verification, decryption or of the verified resource itself: WeChat's
// signature did not make it something we may apply.
bool IsVerificationFailure(const Status& status) {
  const std::string_view reason = status.reason();
  return status.code() == StatusCode::kUnauthenticated || reason.starts_with("WECHATPAY_") ||
         reason == "MCHID_MISMATCH";
}

// WeChat Pay merchant ids are 1..32 digits (as the console registers them); anything else
// names no merchant.
bool IsMchid(std::string_view text) {
  return !text.empty() && text.size() <= 32 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void WriteFail(httplib::Response& res, int http_status, std::string_view message) {
  res.status = http_status;
  res.set_content(ErrorBody("FAIL", message), "application/json");
}

}  // namespace

void RegisterWechatPayRoutes(HttpServer& http, payments::NotificationService& notifications) {
  http.Route("POST", "/wechatpay/v3/notify/{mchid}",
             [&notifications](const httplib::Request& req, httplib::Response& res) {
               const std::string mchid = req.matches[1].str();
               if (!IsMchid(mchid)) return WriteFail(res, 404, "unknown merchant");
               payments::NotificationRequest request;
               request.mchid = mchid;
               request.headers.serial = req.get_header_value("Wechatpay-Serial");
               request.headers.signature = req.get_header_value("Wechatpay-Signature");
               request.headers.timestamp = req.get_header_value("Wechatpay-Timestamp");
               request.headers.nonce = req.get_header_value("Wechatpay-Nonce");
               request.body = req.body;
               Result<payments::Outcome> outcome = notifications.Handle(request);
               if (outcome.ok()) {
                 res.status = 204;
                 return;
               }
               const Status& status = outcome.status();
               if (IsVerificationFailure(status)) {
                 MILEAGE_LOG(kWarn)
                     << "notification for " << mchid << " rejected: " << status.reason();
                 WriteFail(res, 401, status.reason());
               } else if (status.code() == StatusCode::kNotFound) {
                 WriteFail(res, 404, "unknown merchant");
               } else {
                 MILEAGE_LOG(kError)
                     << "notification for " << mchid << " not recorded: " << status.ToString();
                 WriteFail(res, status.code() == StatusCode::kUnavailable ? 503 : 500,
                           "not recorded, please retry");
               }
             });
}

}  // namespace mileage::server
