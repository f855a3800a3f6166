#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/rsa.h"
#include "wechat/client/api_client.h"
#include "wechat/client/trade_bill.h"
#include "wechat/pay/api_v3_key.h"
#include "wechat/pay/certificate_download.h"
#include "wechat/pay/platform_keys.h"
#include "wechat/pay/request_signer.h"

namespace mileage::wechat::client {

// A JSAPI (mini-program) order. Money in fen.
struct JsapiOrder {
  std::string appid;
  std::string description;
  std::string out_trade_no;
  std::string notify_url;
  int64_t total = 0;
  std::string payer_openid;
  std::string attach;                    // optional, echoed in the notification
  std::optional<TimePoint> time_expire;  // optional
};

// The parameters of wx.requestPayment for a prepay_id (what the mini-program calls).
struct RequestPayment {
  std::string app_id;
  std::string time_stamp;
  std::string nonce_str;
  std::string package;  // "prepay_id=..."
  std::string sign_type = "RSA";
  std::string pay_sign;  // base64 RSA-SHA256 by the merchant key
};

// A refund request; either transaction_id or out_trade_no names the payment. Money in fen.
struct RefundRequest {
  std::string transaction_id;
  std::string out_trade_no;
  std::string out_refund_no;
  std::string reason;      // optional, shown to the payer
  std::string notify_url;  // optional: where REFUND.* notifications go
  int64_t refund = 0;
  int64_t total = 0;
};

// WeChat's answer to a refund request. Money in fen.
struct RefundReceipt {
  std::string refund_id;
  std::string out_refund_no;
  std::string transaction_id;
  std::string out_trade_no;
  std::string status;  // SUCCESS | CLOSED | PROCESSING | ABNORMAL
  std::string create_time;
  int64_t refund = 0;
  int64_t total = 0;
};

// The merchant side of WeChat Pay API v3 for one merchant: every request signed with the
// merchant's key (RequestSigner), every JSON answer's signature verified with the platform keys
// before it is read. Retries (ApiClient) apply to all calls here because WeChat deduplicates
// orders by out_trade_no and refunds by out_refund_no. Borrows api, clock and random, which
// must outlive it; immutable otherwise, so safe for concurrent use.
class PayClient {
 public:
  PayClient(ApiClient& api, const Clock& clock, RandomSource& random, std::string mchid,
            std::string merchant_serial, crypto::RsaPrivateKey merchant_key,
            pay::PlatformKeys platform_keys);

  // POST /v3/pay/transactions/jsapi; returns the prepay_id. InvalidArgument
  // WECHATPAY_API_PARAM_ERROR (a required field empty or total <= 0: not sent); the signature
  // errors of VerifyWechatpaySignature on the answer (e.g. Unauthenticated
  // WECHATPAY_BAD_SIGNATURE); MapPayError's errors; ApiClient::Send's Unavailable; Internal
  // WECHAT_BAD_RESPONSE (no prepay_id).
  Result<std::string> CreateJsapiOrder(const JsapiOrder& order);

  // The wx.requestPayment parameters for `prepay_id`, signed now. Internal
  // WECHATPAY_SIGN_FAILED.
  Result<RequestPayment> SignRequestPayment(std::string_view appid,
                                            std::string_view prepay_id) const;

  // POST /v3/refund/domestic/refunds. Errors as for CreateJsapiOrder (a refund must name the
  // payment, out_refund_no and 0 < refund <= total).
  Result<RefundReceipt> CreateRefund(const RefundRequest& request);

  // GET /v3/bill/tradebill?bill_date=...&bill_type=ALL, then the file at its download_url
  // (which must be on the configured merchant API host), checked against the SHA1 hash_value.
  // InvalidArgument WECHATPAY_API_PARAM_ERROR (bill_date not YYYY-MM-DD: not sent); NotFound
  // WECHATPAY_API_NO_STATEMENT_EXIST (no bill for the day); Internal
  // WECHATPAY_BAD_DOWNLOAD_URL, Unauthenticated WECHATPAY_BILL_HASH_MISMATCH; the errors of
  // ParseTradeBill; the errors above.
  Result<TradeBill> DownloadTradeBill(std::string_view bill_date);

  // GET /v3/certificates: WeChat Pay's platform certificates, decrypted with the merchant's
  // API v3 key (AEAD, so their content is WeChat's) and the answer's signature verified with
  // the configured platform keys or, when WeChat already signs with a new certificate, with one
  // of the downloaded ones (WeChat's documented bootstrap). Errors: the errors of
  // DecryptCertificateDownload; the signature errors of VerifyWechatpaySignature; the errors
  // of CreateJsapiOrder's transport.
  Result<std::vector<pay::DownloadedCertificate>> DownloadCertificates(
      const pay::ApiV3Key& api_v3_key);

  const std::string& mchid() const { return mchid_; }

 private:
  // Signs and sends one call; maps a 4xx/5xx answer; verifies a 2xx answer's signature when
  // `verify` (the bill file is not signed).
  Result<HttpReply> Send(std::string_view method, const std::string& target,
                         const std::string& body, bool verify);

  ApiClient& api_;
  const Clock& clock_;
  RandomSource& random_;
  const std::string mchid_;
  const crypto::RsaPrivateKey merchant_key_;
  const pay::RequestSigner signer_;
  const pay::PlatformKeys platform_keys_;
};

}  // namespace mileage::wechat::client
