#include <rapidjson/document.h>

#include "common/civil_time.h"
#include "crypto/aes_gcm.h"
#include "crypto/base64.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "crypto/random_string.h"
#include "crypto/rsa.h"
#include "wechat/client/json_writer.h"
#include "wechat/client/trade_bill.h"
#include "wechat/internal/json_reader.h"
#include "wechat/pay/notification.h"
#include "wechat/pay/transaction.h"
#include "wechat/sandbox/sandbox.h"

namespace mileage::wechat::sandbox {
namespace {

using client::JsonWriter;

Status ParamError(std::string message) {
  return InvalidArgumentError(std::move(message), "PARAM_ERROR");
}

bool IsHttpUrl(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

bool IsBillDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (date[i] < '0' || date[i] > '9') return false;
  }
  return true;
}

}  // namespace

SandboxResponse Sandbox::JsapiOrder(const SandboxRequest& request) {
  Result<const Merchant*> merchant = Authenticate(request);
  if (!merchant.ok()) return PayError(merchant.status());
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(request.body, doc)) {
    return PayError(ParamError("the body is not a JSON object"));
  }
  internal::ObjectReader reader(doc);
  Order order;
  order.appid = reader.RequiredString("appid");
  order.mchid = reader.RequiredString("mchid");
  order.description = reader.RequiredString("description");
  order.out_trade_no = reader.RequiredString("out_trade_no");
  order.notify_url = reader.RequiredString("notify_url");
  order.attach = reader.OptionalString("attach");
  if (const rapidjson::Value* amount = reader.RequiredObject("amount")) {
    internal::ObjectReader money(*amount, "amount.");
    order.total = money.RequiredNonNegative("total");
    std::string currency = money.OptionalString("currency");
    if (!currency.empty() && currency != "CNY") money.Fail("amount.currency must be CNY");
    if (!money.ok()) reader.Fail(money.error());
  }
  if (const rapidjson::Value* payer = reader.RequiredObject("payer")) {
    internal::ObjectReader who(*payer, "payer.");
    order.payer_openid = who.RequiredString("openid");
    if (!who.ok()) reader.Fail(who.error());
  }
  if (!reader.ok()) return PayError(ParamError(reader.error()));
  if (order.mchid != (*merchant)->state.mchid) {
    return PayError(ParamError("mchid differs from the Authorization's"));
  }
  if (order.appid != (*merchant)->state.appid) {
    return PayError(
        InvalidArgumentError("appid is not bound to this mchid", "APPID_MCHID_NOT_MATCH"));
  }
  if (order.total <= 0 || order.out_trade_no.empty() || order.out_trade_no.size() > 32 ||
      !IsHttpUrl(order.notify_url)) {
    return PayError(
        ParamError("total must be positive, out_trade_no 1-32 characters and "
                   "notify_url an http(s) URL"));
  }
  Result<Order> created = orders_.Create(std::move(order), clock_.Now());
  if (!created.ok()) return PayError(created.status());
  JsonWriter w;
  w.BeginObject();
  w.String("prepay_id", created->prepay_id);
  w.EndObject();
  return SignedJson(200, w.Take());
}

SandboxResponse Sandbox::QueryOrder(const SandboxRequest& request) {
  Result<const Merchant*> merchant = Authenticate(request);
  if (!merchant.ok()) return PayError(merchant.status());
  if (request.Query("mchid") != (*merchant)->state.mchid) {
    return PayError(ParamError("mchid differs from the Authorization's"));
  }
  Result<Order> order = orders_.Find((*merchant)->state.mchid, request.path_params.at(0));
  if (!order.ok()) return PayError(order.status());
  return SignedJson(200, pay::SerializeTransaction(TransactionOf(*order)));
}

SandboxResponse Sandbox::CreateRefund(const SandboxRequest& request) {
  Result<const Merchant*> merchant = Authenticate(request);
  if (!merchant.ok()) return PayError(merchant.status());
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(request.body, doc)) {
    return PayError(ParamError("the body is not a JSON object"));
  }
  internal::ObjectReader reader(doc);
  RefundRecord refund;
  refund.mchid = (*merchant)->state.mchid;
  refund.transaction_id = reader.OptionalString("transaction_id");
  refund.out_trade_no = reader.OptionalString("out_trade_no");
  refund.out_refund_no = reader.RequiredString("out_refund_no");
  refund.reason = reader.OptionalString("reason");
  refund.notify_url = reader.OptionalString("notify_url");
  if (const rapidjson::Value* amount = reader.RequiredObject("amount")) {
    internal::ObjectReader money(*amount, "amount.");
    refund.refund = money.RequiredNonNegative("refund");
    refund.total = money.RequiredNonNegative("total");
    if (!money.ok()) reader.Fail(money.error());
  }
  if (!reader.ok()) return PayError(ParamError(reader.error()));
  if ((refund.transaction_id.empty() && refund.out_trade_no.empty()) ||
      refund.out_refund_no.empty() || refund.out_refund_no.size() > 64) {
    return PayError(ParamError("name the payment and give out_refund_no (1-64 characters)"));
  }
  if (!refund.notify_url.empty() && !IsHttpUrl(refund.notify_url)) {
    return PayError(ParamError("notify_url must be an http(s) URL"));
  }
  Result<OrderBook::RefundOutcome> outcome = orders_.Refund(std::move(refund), clock_.Now());
  if (!outcome.ok()) return PayError(outcome.status());
  const RefundRecord& r = outcome->refund;
  if (outcome->created && !r.notify_url.empty()) {
    Result<int64_t> queued = DeliverRefund(**merchant, r);
    if (!queued.ok()) return PayError(InternalError(queued.status().message(), "SYSTEM_ERROR"));
  }
  JsonWriter w;
  w.BeginObject();
  w.String("refund_id", r.refund_id);
  w.String("out_refund_no", r.out_refund_no);
  w.String("transaction_id", r.transaction_id);
  w.String("out_trade_no", r.out_trade_no);
  w.String("channel", "ORIGINAL");
  w.String("user_received_account", "支付用户零钱");
  w.String("create_time", civil::FormatRfc3339Beijing(r.create_time));
  w.String("status", "PROCESSING");
  w.String("funds_account", "AVAILABLE");
  w.BeginObject("amount");
  w.Int("total", r.total);
  w.Int("refund", r.refund);
  w.Int("payer_total", r.total);
  w.Int("payer_refund", r.refund);
  w.Int("settlement_refund", r.refund);
  w.Int("settlement_total", r.total);
  w.Int("discount_refund", 0);
  w.String("currency", "CNY");
  w.EndObject();
  w.EndObject();
  return SignedJson(200, w.Take());
}

SandboxResponse Sandbox::TradeBill(const SandboxRequest& request) {
  Result<const Merchant*> merchant = Authenticate(request);
  if (!merchant.ok()) return PayError(merchant.status());
  std::string date = request.Query("bill_date");
  std::string type = request.Query("bill_type");
  if (!IsBillDate(date)) return PayError(ParamError("bill_date must be YYYY-MM-DD"));
  if (!type.empty() && type != "ALL") {
    return PayError(ParamError("the sandbox serves bill_type ALL only"));
  }
  client::TradeBill bill = orders_.Bill((*merchant)->state.mchid, date);
  if (bill.rows.empty()) {
    return PayError(InvalidArgumentError("no bill for " + date, "NO_STATEMENT_EXIST"));
  }
  std::string csv = client::FormatTradeBill(bill.rows, bill.summary);
  std::string token = crypto::RandomAlphanumeric(random_, 40);
  std::string hash = crypto::HexEncode(crypto::Sha1(csv));
  {
    std::lock_guard lock(mutex_);
    bills_[token] = {(*merchant)->state.mchid, std::move(csv)};
  }
  JsonWriter w;
  w.BeginObject();
  w.String("hash_type", "SHA1");
  w.String("hash_value", hash);
  w.String("download_url",
           "http://" + request.Header("host") + "/v3/billdownload/file?token=" + token);
  w.EndObject();
  return SignedJson(200, w.Take());
}

SandboxResponse Sandbox::BillDownload(const SandboxRequest& request) {
  Result<const Merchant*> merchant = Authenticate(request);
  if (!merchant.ok()) return PayError(merchant.status());
  std::lock_guard lock(mutex_);
  auto it = bills_.find(request.Query("token"));
  if (it == bills_.end() || it->second.first != (*merchant)->state.mchid) {
    return SandboxResponse{
        404, "application/json", R"({"code":"RESOURCE_NOT_EXISTS","message":"no such bill"})", {}};
  }
  return SandboxResponse{200, "text/csv; charset=utf-8", it->second.second, {}};
}

SandboxResponse Sandbox::Certificates(const SandboxRequest& request) {
  Result<const Merchant*> merchant = Authenticate(request);
  if (!merchant.ok()) return PayError(merchant.status());
  Result<crypto::Certificate> cert = crypto::ParseCertificatePem(state_.platform.certificate_pem);
  std::string nonce = crypto::RandomAlphanumeric(random_, 12);
  Result<std::string> sealed =
      cert.ok() ? crypto::AesGcmEncrypt((*merchant)->apiv3_key.bytes(), nonce, "certificate",
                                        state_.platform.certificate_pem)
                : Result<std::string>(cert.status());
  if (!sealed.ok()) return PayError(InternalError(sealed.status().message(), "SYSTEM_ERROR"));
  JsonWriter w;
  w.BeginObject();
  w.BeginArray("data");
  w.BeginObject();
  w.String("serial_no", state_.platform.certificate_serial);
  w.String("effective_time", civil::FormatRfc3339Beijing(cert->not_before));
  w.String("expire_time", civil::FormatRfc3339Beijing(cert->not_after));
  w.BeginObject("encrypt_certificate");
  w.String("algorithm", pay::kAeadAes256Gcm);
  w.String("nonce", nonce);
  w.String("associated_data", "certificate");
  w.String("ciphertext", crypto::Base64Encode(*sealed));
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return SignedJson(200, w.Take());
}

}  // namespace mileage::wechat::sandbox
