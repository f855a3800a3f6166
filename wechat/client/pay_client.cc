#include "wechat/client/pay_client.h"

#include <rapidjson/document.h>

#include <cctype>

#include "common/civil_time.h"
#include "common/log.h"
#include "crypto/base64.h"
#include "crypto/constant_time.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "crypto/random_string.h"
#include "wechat/client/error_mapping.h"
#include "wechat/client/json_writer.h"
#include "wechat/client/reasons.h"
#include "wechat/internal/json_reader.h"
#include "wechat/pay/signature.h"

namespace mileage::wechat::client {
namespace {

Status ParamError(std::string message) {
  return InvalidArgumentError(std::move(message),
                              std::string(reason::kPayApiPrefix) + "PARAM_ERROR");
}

Status BadResponse(std::string_view api, const std::string& what) {
  return InternalError(std::string(api) + ": " + what, reason::kBadResponse);
}

bool IsBillDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (date[i] < '0' || date[i] > '9') return false;
  }
  return true;
}

}  // namespace

PayClient::PayClient(ApiClient& api, const Clock& clock, RandomSource& random, std::string mchid,
                     std::string merchant_serial, crypto::RsaPrivateKey merchant_key,
                     pay::PlatformKeys platform_keys)
    : api_(api),
      clock_(clock),
      random_(random),
      mchid_(mchid),
      merchant_key_(merchant_key),
      signer_(std::move(mchid), std::move(merchant_serial), std::move(merchant_key)),
      platform_keys_(std::move(platform_keys)) {}

Result<HttpReply> PayClient::Send(std::string_view method, const std::string& target,
                                  const std::string& body, bool verify) {
  MILEAGE_ASSIGN_OR_RETURN(std::string authorization,
                           signer_.Authorization(method, target, body, clock_.Now(), random_));
  HttpCall call;
  call.host = Host::kPay;
  call.method = std::string(method);
  call.target = target;
  call.body = body;
  call.headers.emplace_back("Authorization", std::move(authorization));
  call.idempotency = Idempotency::kIdempotent;
  MILEAGE_ASSIGN_OR_RETURN(HttpReply reply, api_.Send(call));
  std::string_view path = std::string_view(target).substr(0, target.find('?'));
  if (reply.status < 200 || reply.status >= 300) return MapPayError(reply.status, reply.body, path);
  if (verify) {
    pay::WechatpayHeaders headers{
        reply.Header(pay::kHeaderSerial), reply.Header(pay::kHeaderSignature),
        reply.Header(pay::kHeaderTimestamp), reply.Header(pay::kHeaderNonce)};
    Status verified =
        pay::VerifyWechatpaySignature(platform_keys_, headers, reply.body, clock_.Now());
    if (!verified.ok()) {
      MILEAGE_LOG(kWarn) << "WeChat Pay answer to " << method << ' ' << path
                         << " failed verification: " << verified.ToString();
      return verified;
    }
  }
  return reply;
}

Result<std::string> PayClient::CreateJsapiOrder(const JsapiOrder& order) {
  if (order.appid.empty() || order.description.empty() || order.out_trade_no.empty() ||
      order.notify_url.empty() || order.payer_openid.empty() || order.total <= 0) {
    return ParamError(
        "a JSAPI order needs appid, description, out_trade_no, notify_url, "
        "payer_openid and a positive total");
  }
  JsonWriter body;
  body.BeginObject();
  body.String("appid", order.appid);
  body.String("mchid", mchid_);
  body.String("description", order.description);
  body.String("out_trade_no", order.out_trade_no);
  if (order.time_expire)
    body.String("time_expire", civil::FormatRfc3339Beijing(*order.time_expire));
  if (!order.attach.empty()) body.String("attach", order.attach);
  body.String("notify_url", order.notify_url);
  body.BeginObject("amount");
  body.Int("total", order.total);
  body.String("currency", "CNY");
  body.EndObject();
  body.BeginObject("payer");
  body.String("openid", order.payer_openid);
  body.EndObject();
  body.EndObject();
  MILEAGE_ASSIGN_OR_RETURN(HttpReply reply,
                           Send("POST", "/v3/pay/transactions/jsapi", body.Take(), true));
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(reply.body, doc)) {
    return BadResponse("jsapi", "the answer is not a JSON object");
  }
  internal::ObjectReader reader(doc);
  std::string prepay_id = reader.RequiredString("prepay_id");
  if (!reader.ok() || prepay_id.empty()) return BadResponse("jsapi", "no prepay_id");
  return prepay_id;
}

Result<RequestPayment> PayClient::SignRequestPayment(std::string_view appid,
                                                     std::string_view prepay_id) const {
  RequestPayment out;
  out.app_id = std::string(appid);
  out.time_stamp = std::to_string(UnixSeconds(clock_.Now()));
  out.nonce_str = crypto::RandomAlphanumeric(random_, 32);
  out.package = "prepay_id=" + std::string(prepay_id);
  std::string message =
      out.app_id + "\n" + out.time_stamp + "\n" + out.nonce_str + "\n" + out.package + "\n";
  MILEAGE_ASSIGN_OR_RETURN(std::string signature, merchant_key_.SignSha256(message));
  out.pay_sign = crypto::Base64Encode(signature);
  return out;
}

Result<RefundReceipt> PayClient::CreateRefund(const RefundRequest& request) {
  if ((request.transaction_id.empty() && request.out_trade_no.empty()) ||
      request.out_refund_no.empty() || request.refund <= 0 || request.refund > request.total) {
    return ParamError(
        "a refund needs transaction_id or out_trade_no, out_refund_no and "
        "0 < refund <= total");
  }
  JsonWriter body;
  body.BeginObject();
  if (!request.transaction_id.empty()) {
    body.String("transaction_id", request.transaction_id);
  } else {
    body.String("out_trade_no", request.out_trade_no);
  }
  body.String("out_refund_no", request.out_refund_no);
  if (!request.reason.empty()) body.String("reason", request.reason);
  if (!request.notify_url.empty()) body.String("notify_url", request.notify_url);
  body.BeginObject("amount");
  body.Int("refund", request.refund);
  body.Int("total", request.total);
  body.String("currency", "CNY");
  body.EndObject();
  body.EndObject();
  MILEAGE_ASSIGN_OR_RETURN(HttpReply reply,
                           Send("POST", "/v3/refund/domestic/refunds", body.Take(), true));
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(reply.body, doc)) {
    return BadResponse("refunds", "the answer is not a JSON object");
  }
  internal::ObjectReader reader(doc);
  RefundReceipt out;
  out.refund_id = reader.RequiredString("refund_id");
  out.out_refund_no = reader.RequiredString("out_refund_no");
  out.transaction_id = reader.OptionalString("transaction_id");
  out.out_trade_no = reader.OptionalString("out_trade_no");
  out.status = reader.RequiredString("status");
  out.create_time = reader.OptionalString("create_time");
  if (const rapidjson::Value* amount = reader.RequiredObject("amount")) {
    internal::ObjectReader money(*amount, "amount.");
    out.refund = money.RequiredNonNegative("refund");
    out.total = money.RequiredNonNegative("total");
    if (!money.ok()) reader.Fail(money.error());
  }
  if (!reader.ok()) return BadResponse("refunds", reader.error());
  return out;
}

Result<TradeBill> PayClient::DownloadTradeBill(std::string_view bill_date) {
  if (!IsBillDate(bill_date)) return ParamError("bill_date must be YYYY-MM-DD");
  MILEAGE_ASSIGN_OR_RETURN(
      HttpReply reply,
      Send("GET", "/v3/bill/tradebill?bill_date=" + std::string(bill_date) + "&bill_type=ALL", "",
           true));
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(reply.body, doc)) {
    return BadResponse("tradebill", "the answer is not a JSON object");
  }
  internal::ObjectReader reader(doc);
  std::string hash_type = reader.RequiredString("hash_type");
  std::string hash_value = reader.RequiredString("hash_value");
  std::string download_url = reader.RequiredString("download_url");
  if (!reader.ok()) return BadResponse("tradebill", reader.error());
  if (hash_type != "SHA1") return BadResponse("tradebill", "hash_type is not SHA1");

  // Only ever send the merchant's Authorization to the configured merchant API host.
  size_t authority = download_url.find("://");
  size_t path_start =
      authority == std::string::npos ? std::string::npos : download_url.find('/', authority + 3);
  Result<BaseUrl> url_host = ParseBaseUrl(std::string_view(download_url).substr(0, path_start));
  Result<BaseUrl> pay_host = ParseBaseUrl(api_.options().pay_base_url);
  if (path_start == std::string::npos || !url_host.ok() || !pay_host.ok() ||
      url_host->scheme != pay_host->scheme || url_host->host != pay_host->host ||
      url_host->port != pay_host->port) {
    return InternalError("tradebill: download_url is not on the merchant API host",
                         reason::kBadDownloadUrl);
  }
  MILEAGE_ASSIGN_OR_RETURN(HttpReply file, Send("GET", download_url.substr(path_start), "", false));
  std::string expected = hash_value;
  for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!crypto::ConstantTimeEquals(crypto::HexEncode(crypto::Sha1(file.body)), expected)) {
    return UnauthenticatedError("tradebill: the file does not match hash_value",
                                reason::kBillHashMismatch);
  }
  return ParseTradeBill(file.body);
}

Result<std::vector<pay::DownloadedCertificate>> PayClient::DownloadCertificates(
    const pay::ApiV3Key& api_v3_key) {
  MILEAGE_ASSIGN_OR_RETURN(HttpReply reply, Send("GET", "/v3/certificates", "", false));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<pay::DownloadedCertificate> certificates,
                           pay::DecryptCertificateDownload(reply.body, api_v3_key));
  pay::PlatformKeys keys = platform_keys_;
  for (const pay::DownloadedCertificate& certificate : certificates) {
    // A serial that is configured already is no news.
    (void)keys.AddCertificatePem(certificate.pem);
  }
  pay::WechatpayHeaders headers{
      reply.Header(pay::kHeaderSerial), reply.Header(pay::kHeaderSignature),
      reply.Header(pay::kHeaderTimestamp), reply.Header(pay::kHeaderNonce)};
  Status verified = pay::VerifyWechatpaySignature(keys, headers, reply.body, clock_.Now());
  if (!verified.ok()) {
    MILEAGE_LOG(kWarn) << "WeChat Pay answer to GET /v3/certificates failed verification: "
                       << verified.ToString();
    return verified;
  }
  return certificates;
}

}  // namespace mileage::wechat::client
