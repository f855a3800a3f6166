#include "wechat/sandbox/sandbox.h"

#include "common/civil_time.h"
#include "common/log.h"
#include "crypto/base64.h"
#include "crypto/random_string.h"
#include "wechat/client/json_writer.h"
#include "wechat/pay/notification_builder.h"
#include "wechat/pay/refund.h"
#include "wechat/pay/request_authorization.h"
#include "wechat/pay/transaction.h"

namespace mileage::wechat::sandbox {
namespace {

using client::JsonWriter;

int HttpStatusFor(const Status& status) {
  if (status.reason() == "NO_STATEMENT_EXIST") return 400;
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAlreadyExists:
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kResourceExhausted:
      return 429;
    default:
      return 500;
  }
}

// The key that checks a merchant's Authorization: from its certificate or public key PEM.
Result<crypto::RsaPublicKey> MerchantVerifyKey(const std::string& pem) {
  if (pem.find("BEGIN CERTIFICATE") == std::string::npos) return crypto::RsaPublicKey::FromPem(pem);
  MILEAGE_ASSIGN_OR_RETURN(crypto::Certificate cert, crypto::ParseCertificatePem(pem));
  return cert.public_key;
}

}  // namespace

Result<std::unique_ptr<Sandbox>> Sandbox::Create(SandboxConfig config, const Clock& clock,
                                                 RandomSource& random) {
  std::unique_ptr<Sandbox> sandbox(new Sandbox(std::move(config), clock, random));
  MILEAGE_ASSIGN_OR_RETURN(sandbox->state_, LoadOrCreateState(sandbox->config_, clock, random));
  MILEAGE_ASSIGN_OR_RETURN(
      crypto::RsaPrivateKey platform_key,
      crypto::RsaPrivateKey::FromPem(sandbox->state_.platform.private_key_pem));
  sandbox->platform_key_ = platform_key;
  for (const MerchantState& m : sandbox->state_.merchants) {
    MILEAGE_ASSIGN_OR_RETURN(pay::ApiV3Key key, pay::ApiV3Key::Create(m.apiv3_key));
    Result<crypto::RsaPublicKey> verify_key = MerchantVerifyKey(m.merchant_key_pem);
    if (!verify_key.ok()) return verify_key.status();
    sandbox->merchants_.push_back(Merchant{m, std::move(key), std::move(*verify_key)});
  }
  for (const SandboxMiniProgramConfig& p : sandbox->config_.mini_programs) {
    sandbox->mini_programs_[p.appid].secret = p.secret;
  }
  Sandbox* self = sandbox.get();
  sandbox->dispatcher_ = std::make_unique<NotificationDispatcher>(
      clock,
      [self](std::string_view, std::string_view body, bool probe) {
        return self->SignBody(body, probe, true);
      },
      sandbox->config_.retry_scale,
      std::chrono::milliseconds(sandbox->config_.delivery_timeout_ms));
  return sandbox;
}

Sandbox::~Sandbox() { Stop(); }

void Sandbox::Stop() {
  if (dispatcher_) dispatcher_->Stop();
}

std::vector<SandboxRoute> Sandbox::Routes() {
  auto bind = [this](SandboxResponse (Sandbox::*method)(const SandboxRequest&)) {
    return [this, method](const SandboxRequest& request) { return (this->*method)(request); };
  };
  return {
      {"GET", "/sns/jscode2session", bind(&Sandbox::Code2Session)},
      {"POST", "/cgi-bin/stable_token", bind(&Sandbox::StableToken)},
      {"POST", "/wxa/business/getuserphonenumber", bind(&Sandbox::PhoneNumber)},
      {"POST", "/cgi-bin/message/subscribe/send", bind(&Sandbox::SubscribeSend)},
      {"POST", "/wxa/getwxacodeunlimit", bind(&Sandbox::WxaCode)},
      {"POST", "/v3/pay/transactions/jsapi", bind(&Sandbox::JsapiOrder)},
      {"GET", "/v3/pay/transactions/out-trade-no/{out_trade_no}", bind(&Sandbox::QueryOrder)},
      {"POST", "/v3/refund/domestic/refunds", bind(&Sandbox::CreateRefund)},
      {"GET", "/v3/bill/tradebill", bind(&Sandbox::TradeBill)},
      {"GET", "/v3/billdownload/file", bind(&Sandbox::BillDownload)},
      {"GET", "/v3/certificates", bind(&Sandbox::Certificates)},
      {"GET", "/sandbox", bind(&Sandbox::Overview)},
      {"POST", "/sandbox/payments", bind(&Sandbox::QuickPayment)},
      {"POST", "/sandbox/refunds", bind(&Sandbox::QuickRefund)},
      {"POST", "/sandbox/merchants/{mchid}/orders/{out_trade_no}/pay", bind(&Sandbox::PayOrder)},
      {"POST", "/sandbox/merchants/{mchid}/signtest", bind(&Sandbox::SendProbe)},
      {"GET", "/sandbox/merchants/{mchid}/export", bind(&Sandbox::ExportMerchant)},
      {"GET", "/sandbox/deliveries", bind(&Sandbox::ListDeliveries)},
      {"GET", "/sandbox/deliveries/{id}", bind(&Sandbox::GetDelivery)},
      {"POST", "/sandbox/deliveries/{id}/duplicate", bind(&Sandbox::Duplicate)},
      {"GET", "/sandbox/mini-programs/{appid}", bind(&Sandbox::MiniProgramInfo)},
      {"POST", "/sandbox/mini-programs/{appid}/invalidate-token", bind(&Sandbox::InvalidateToken)},
      {"POST", "/sandbox/mini-programs/{appid}/subscriptions", bind(&Sandbox::GrantRoute)},
      {"POST", "/sandbox/mini-programs/{appid}/subscribe-faults", bind(&Sandbox::FaultRoute)},
  };
}

MiniProgramStats Sandbox::Stats(std::string_view appid) const {
  std::lock_guard lock(mutex_);
  auto it = mini_programs_.find(appid);
  return it == mini_programs_.end() ? MiniProgramStats() : it->second.stats;
}

std::optional<std::string> Sandbox::Export(std::string_view mchid) const {
  const Merchant* merchant = FindMerchant(mchid);
  if (merchant == nullptr) return std::nullopt;
  return ExportJson(state_.platform, merchant->state, config_.key_mode);
}

std::string Sandbox::NextSerial(bool notification) {
  switch (config_.key_mode) {
    case KeyMode::kCertificate:
      return state_.platform.certificate_serial;
    case KeyMode::kPublicKey:
      return state_.platform.public_key_id;
    case KeyMode::kBoth:
      break;
  }
  uint64_t n = (notification ? notification_signatures_ : answer_signatures_).fetch_add(1);
  return n % 2 == 0 ? state_.platform.certificate_serial : state_.platform.public_key_id;
}

Result<pay::WechatpayHeaders> Sandbox::SignBody(std::string_view body, bool probe,
                                                bool notification) {
  MILEAGE_ASSIGN_OR_RETURN(pay::WechatpayHeaders headers,
                           pay::SignWechatpayMessage(*platform_key_, NextSerial(notification), body,
                                                     clock_.Now(), random_));
  if (probe) {
    headers.signature = std::string(pay::kSigntestPrefix) +
                        crypto::Base64Encode(crypto::RandomAlphanumeric(random_, 48));
  }
  return headers;
}

SandboxResponse Sandbox::SignedJson(int status, std::string body) {
  SandboxResponse response;
  response.status = status;
  response.body = std::move(body);
  Result<pay::WechatpayHeaders> headers = SignBody(response.body, false, false);
  if (headers.ok()) {
    response.headers = {{pay::kHeaderSerial, headers->serial},
                        {pay::kHeaderSignature, headers->signature},
                        {pay::kHeaderTimestamp, headers->timestamp},
                        {pay::kHeaderNonce, headers->nonce}};
  } else {
    MILEAGE_LOG(kError) << "sandbox: cannot sign an answer: " << headers.status().ToString();
  }
  return response;
}

SandboxResponse Sandbox::PayError(const Status& status) {
  JsonWriter w;
  w.BeginObject();
  w.String("code", status.reason());
  w.String("message", status.message());
  w.EndObject();
  return SignedJson(HttpStatusFor(status), w.Take());
}

const Sandbox::Merchant* Sandbox::FindMerchant(std::string_view mchid) const {
  for (const Merchant& m : merchants_) {
    if (m.state.mchid == mchid) return &m;
  }
  return nullptr;
}

Result<const Sandbox::Merchant*> Sandbox::Authenticate(const SandboxRequest& request) {
  auto fail = [](const std::string& why) {
    return UnauthenticatedError("Authorization: " + why, "SIGN_ERROR");
  };
  std::string header = request.Header("authorization");
  if (header.empty()) return fail("missing");
  Result<pay::RequestAuthorization> authorization = pay::ParseAuthorization(header);
  if (!authorization.ok()) return fail(authorization.status().message());
  const Merchant* merchant = FindMerchant(authorization->mchid);
  if (merchant == nullptr) return fail("unknown mchid " + authorization->mchid);
  if (!merchant->state.merchant_serial.empty() &&
      crypto::CanonicalSerial(authorization->serial_no) !=
          crypto::CanonicalSerial(merchant->state.merchant_serial)) {
    return fail("serial_no is not the merchant certificate's");
  }
  Status verified =
      pay::VerifyRequestAuthorization(merchant->verify_key, *authorization, request.method,
                                      request.target, request.body, clock_.Now());
  if (!verified.ok()) return fail(verified.message());
  return merchant;
}

std::string Sandbox::NewNotificationId() {
  // WeChat's ids are unique; random digits alone are not (two notifications of one second
  // collided about once in a thousand scale-test runs, and the second was taken for a
  // duplicate). A sequence from a random start keeps them unique within a run.
  std::string time = civil::FormatRfc3339Beijing(clock_.Now());
  std::string id = "EV-" + time.substr(0, 4) + time.substr(5, 2) + time.substr(8, 2) +
                   time.substr(11, 2) + time.substr(14, 2) + time.substr(17, 2);
  std::call_once(notification_start_once_, [this] {
    random_.Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&notification_start_),
                                    sizeof notification_start_));
  });
  const uint64_t n = (notification_start_ + notification_sequence_.fetch_add(1)) % 100000000;
  std::string digits = std::to_string(n);
  return id + std::string(8 - digits.size(), '0') + digits;
}

Result<int64_t> Sandbox::DeliverTransaction(const Merchant& merchant, const Order& order) {
  return EnqueueNotification(
      merchant, pay::TransactionNotificationSpec(NewNotificationId(), TransactionOf(order)),
      order.notify_url, order.out_trade_no, "");
}

Result<int64_t> Sandbox::DeliverRefund(const Merchant& merchant, const RefundRecord& refund) {
  pay::Refund r;
  r.mchid = refund.mchid;
  r.out_trade_no = refund.out_trade_no;
  r.transaction_id = refund.transaction_id;
  r.out_refund_no = refund.out_refund_no;
  r.refund_id = refund.refund_id;
  r.refund_status = pay::RefundStatus::kSuccess;
  r.success_time = refund.create_time;
  r.user_received_account = "支付用户零钱";
  r.amount = pay::RefundAmount{refund.total, refund.refund, refund.total, refund.refund};
  return EnqueueNotification(merchant, pay::RefundNotificationSpec(NewNotificationId(), r),
                             refund.notify_url, refund.out_trade_no, refund.out_refund_no);
}

Result<int64_t> Sandbox::EnqueueNotification(const Merchant& merchant,
                                             const pay::NotificationSpec& spec,
                                             const std::string& url,
                                             const std::string& out_trade_no,
                                             const std::string& out_refund_no) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::string body,
      pay::BuildNotificationBody(spec, merchant.apiv3_key, crypto::RandomAlphanumeric(random_, 12),
                                 clock_.Now()));
  Delivery delivery;
  delivery.kind = DeliveryKind::kNotification;
  delivery.mchid = merchant.state.mchid;
  delivery.notification_id = spec.id;
  delivery.event_type = spec.event_type;
  delivery.url = url;
  delivery.body = std::move(body);
  delivery.out_trade_no = out_trade_no;
  delivery.out_refund_no = out_refund_no;
  return dispatcher_->Enqueue(std::move(delivery));
}

}  // namespace mileage::wechat::sandbox
