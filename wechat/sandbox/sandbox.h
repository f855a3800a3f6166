#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/rsa.h"
#include "wechat/pay/api_v3_key.h"
#include "wechat/pay/notification_builder.h"
#include "wechat/pay/signature.h"
#include "wechat/sandbox/notification_dispatcher.h"
#include "wechat/sandbox/order_book.h"
#include "wechat/sandbox/sandbox_config.h"
#include "wechat/sandbox/sandbox_http.h"
#include "wechat/sandbox/sandbox_state.h"

namespace mileage::wechat::sandbox {

// Counters and records of one simulated mini-program, for tests and demos. A value type.
struct MiniProgramStats {
  int64_t stable_token_calls = 0;
  int64_t code2session_calls = 0;
  int64_t phone_number_calls = 0;
  int64_t wxacode_calls = 0;
  std::vector<std::string> messages;  // subscribeMessage.send bodies that were accepted
  int64_t refused_messages = 0;       // sends answered 43101 (no grant)
};

// A WeChat stand-in for development, demos and tests (`mileage sandbox`). It serves the
// mini-program APIs (code2Session, stable_token, getuserphonenumber, subscribeMessage.send,
// getwxacodeunlimit) from deterministic fixtures, the merchant APIs (JSAPI orders, order
// query, refunds, trade bills, platform certificates) with the merchant's Authorization
// verified and every answer signed with its platform key, and sandbox-only endpoints that pay
// orders, send probes and duplicates, list deliveries and export a merchant's keys (docs/API.md,
// "WeChat sandbox"). Notifications go out on a NotificationDispatcher with WeChat's retry
// schedule. The HTTP server that hosts it registers Routes(). Owns its state; borrows the
// clock and random source, which must outlive it. Safe for concurrent use.
class Sandbox {
 public:
  // Loads or creates the state directory (LoadOrCreateState, with its errors) and starts the
  // delivery thread.
  static Result<std::unique_ptr<Sandbox>> Create(SandboxConfig config, const Clock& clock,
                                                 RandomSource& random);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  std::vector<SandboxRoute> Routes();

  const SandboxConfig& config() const { return config_; }
  const SandboxState& state() const { return state_; }
  NotificationDispatcher& dispatcher() { return *dispatcher_; }
  // A copy of the mini-program's counters; zeros for an unknown appid.
  MiniProgramStats Stats(std::string_view appid) const;
  // What the WeChat client does when the user taps "accept" in wx.requestSubscribeMessage:
  // `count` more one-time grants of `template_id` for `openid`; the grants after it. A
  // subscribeMessage.send without a grant answers 43101; each accepted send takes one.
  // NotFound for an unknown appid.
  Result<int64_t> GrantSubscription(std::string_view appid, std::string_view openid,
                                    std::string_view template_id, int64_t count);
  // The grants left of (openid, template_id); 0 when none or the appid is unknown.
  int64_t SubscriptionsLeft(std::string_view appid, std::string_view openid,
                            std::string_view template_id) const;
  // The next `count` subscribeMessage.send calls of the app answer -1 (system busy) and take
  // no grant. NotFound for an unknown appid.
  Status FailNextSends(std::string_view appid, int64_t count);
  // The export JSON of a merchant (ExportJson); nullopt when unknown.
  std::optional<std::string> Export(std::string_view mchid) const;

  // Stops the delivery thread (also on destruction).
  void Stop();

 private:
  struct Merchant {
    MerchantState state;
    pay::ApiV3Key apiv3_key;
    crypto::RsaPublicKey verify_key;
  };
  struct MiniProgram {
    std::string secret;
    std::string token;
    TimePoint token_expires_at;
    MiniProgramStats stats;
    // One-time subscribe grants by (openid, template_id).
    std::map<std::pair<std::string, std::string>, int64_t> grants;
    int64_t busy_sends = 0;  // the next sends answered -1
  };

  Sandbox(SandboxConfig config, const Clock& clock, RandomSource& random)
      : config_(std::move(config)), clock_(clock), random_(random), orders_(random) {}

  // Signing and answers (sandbox.cc).
  // The serial to sign with; in KeyMode::kBoth notifications and API answers each alternate.
  std::string NextSerial(bool notification);
  Result<pay::WechatpayHeaders> SignBody(std::string_view body, bool probe, bool notification);
  SandboxResponse SignedJson(int status, std::string body);
  SandboxResponse PayError(const Status& status);
  const Merchant* FindMerchant(std::string_view mchid) const;
  // Verifies the Authorization of a merchant API request; returns the merchant.
  // Unauthenticated SIGN_ERROR when it is missing, malformed or does not verify.
  Result<const Merchant*> Authenticate(const SandboxRequest& request);
  std::string NewNotificationId();
  // Builds the encrypted notification body and queues its delivery; returns the delivery id.
  Result<int64_t> DeliverTransaction(const Merchant& merchant, const Order& order);
  Result<int64_t> DeliverRefund(const Merchant& merchant, const RefundRecord& refund);
  // Encrypts the spec for the merchant and queues its delivery to `url`.
  Result<int64_t> EnqueueNotification(const Merchant& merchant, const pay::NotificationSpec& spec,
                                      const std::string& url, const std::string& out_trade_no,
                                      const std::string& out_refund_no);

  // Mini-program APIs (miniprogram_routes.cc).
  SandboxResponse Code2Session(const SandboxRequest& request);
  SandboxResponse StableToken(const SandboxRequest& request);
  SandboxResponse PhoneNumber(const SandboxRequest& request);
  SandboxResponse SubscribeSend(const SandboxRequest& request);
  SandboxResponse WxaCode(const SandboxRequest& request);
  // The appid whose current token `access_token` is, or an errcode answer (40001/42001).
  std::optional<SandboxResponse> CheckToken(const SandboxRequest& request, std::string* appid);

  // Merchant APIs (pay_routes.cc).
  SandboxResponse JsapiOrder(const SandboxRequest& request);
  SandboxResponse QueryOrder(const SandboxRequest& request);
  SandboxResponse CreateRefund(const SandboxRequest& request);
  SandboxResponse TradeBill(const SandboxRequest& request);
  SandboxResponse BillDownload(const SandboxRequest& request);
  SandboxResponse Certificates(const SandboxRequest& request);

  // Sandbox-only endpoints (control_routes.cc).
  SandboxResponse Overview(const SandboxRequest& request);
  SandboxResponse PayOrder(const SandboxRequest& request);
  SandboxResponse QuickPayment(const SandboxRequest& request);
  SandboxResponse QuickRefund(const SandboxRequest& request);
  SandboxResponse SendProbe(const SandboxRequest& request);
  SandboxResponse Duplicate(const SandboxRequest& request);
  SandboxResponse ListDeliveries(const SandboxRequest& request);
  SandboxResponse GetDelivery(const SandboxRequest& request);
  SandboxResponse ExportMerchant(const SandboxRequest& request);
  SandboxResponse MiniProgramInfo(const SandboxRequest& request);
  SandboxResponse InvalidateToken(const SandboxRequest& request);
  SandboxResponse GrantRoute(const SandboxRequest& request);
  SandboxResponse FaultRoute(const SandboxRequest& request);
  // Pays `order` and answers with what happened (shared by PayOrder and QuickPayment).
  SandboxResponse PayAndDeliver(const Merchant& merchant, std::string_view out_trade_no,
                                std::string_view payer_openid);

  const SandboxConfig config_;
  const Clock& clock_;
  RandomSource& random_;
  SandboxState state_;
  std::optional<crypto::RsaPrivateKey> platform_key_;
  std::vector<Merchant> merchants_;
  OrderBook orders_;
  std::unique_ptr<NotificationDispatcher> dispatcher_;
  std::atomic<uint64_t> answer_signatures_{0};
  std::atomic<uint64_t> notification_signatures_{0};
  // NewNotificationId's sequence and its random start.
  std::atomic<uint64_t> notification_sequence_{0};
  std::once_flag notification_start_once_;
  uint64_t notification_start_ = 0;
  mutable std::mutex mutex_;  // guards mini_programs_ and bills_
  std::map<std::string, MiniProgram, std::less<>> mini_programs_;
  std::map<std::string, std::pair<std::string, std::string>> bills_;  // token -> mchid, csv
};

}  // namespace mileage::wechat::sandbox
