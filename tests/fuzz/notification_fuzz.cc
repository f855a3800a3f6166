// libFuzzer target: Pay API v3 notification verification, decryption and resource parsing.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_support.h"
#include "wechat/pay/certificate_download.h"
#include "wechat/pay/notification.h"
#include "wechat/pay/notification_builder.h"
#include "wechat/pay/refund.h"
#include "wechat/pay/request_authorization.h"
#include "common/civil_time.h"
#include "wechat/pay/transaction.h"

namespace mileage::wechat::pay {
namespace {

constexpr int64_t kGoTimestamp = 1624523846;

struct State {
  State() : api_key(ApiV3Key::Create("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb").value()) {
    fuzz::Check(
        keys.AddCertificatePem(fuzz::ReadTestdata("go_notify_wechatpay_certificate.pem")).ok(),
        "go certificate loads");
    fuzz::Check(keys.AddCertificatePem(fuzz::ReadTestdata("java_wechat_pay_certificate.pem")).ok(),
                "java certificate loads");
    fuzz::Check(keys.AddPublicKeyPem("PUB_KEY_ID_0114232134912410000000000000",
                                     fuzz::ReadTestdata("java_wechat_pay_public_key.pem"))
                    .ok(),
                "public key loads");
    // The Go vector's real headers: with the exact Go body the signature verifies.
    go_headers = {"D7CE59D1F522D701",
                  "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBs"
                  "VHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLw"
                  "s28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9A"
                  "RbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCM"
                  "BoutnwZKNiKRACrFmtxw2Q==",
                  "1624523846", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz"};
    go_body = fuzz::ReadTestdata("go_notify_body.json");
  }
  ApiV3Key api_key;
  PlatformKeys keys;
  WechatpayHeaders go_headers;
  std::string go_body;
};

// Splits "serial\nsignature\ntimestamp\nnonce\nbody" (missing parts stay empty).
WechatpayHeaders SplitHeaders(std::string_view input, std::string_view& body) {
  WechatpayHeaders h;
  for (std::string* field : {&h.serial, &h.signature, &h.timestamp, &h.nonce}) {
    size_t nl = input.find('\n');
    if (nl == std::string_view::npos) {
      body = {};
      return h;
    }
    field->assign(input.substr(0, nl));
    input.remove_prefix(nl + 1);
  }
  body = input;
  return h;
}

void CheckTransactionRoundTrip(std::string_view input) {
  Result<Transaction> t = ParseTransaction(input);
  if (!t.ok()) {
    fuzz::Check(t.status().reason() == "WECHATPAY_MALFORMED_RESOURCE", "transaction reason");
    return;
  }
  std::string once = SerializeTransaction(*t);
  Result<Transaction> again = ParseTransaction(once);
  fuzz::Check(again.ok(), "a serialized transaction parses");
  fuzz::Check(SerializeTransaction(*again) == once, "transaction serialization is stable");
}

void CheckRefundRoundTrip(std::string_view input) {
  Result<Refund> r = ParseRefund(input);
  if (!r.ok()) return;
  std::string once = SerializeRefund(*r);
  Result<Refund> again = ParseRefund(once);
  fuzz::Check(again.ok(), "a serialized refund parses");
  fuzz::Check(SerializeRefund(*again) == once, "refund serialization is stable");
}

void FuzzOne(std::string_view input) {
  static const State* state = new State();
  TimePoint go_now{std::chrono::seconds(kGoTimestamp)};

  // The input as the body of the Go vector's signed headers.
  Result<Notification> n =
      VerifyNotification(state->keys, state->api_key, state->go_headers, input, go_now);
  (void)n;

  // Headers and body all from the input.
  std::string_view body;
  WechatpayHeaders headers = SplitHeaders(input, body);
  Status s = VerifyWechatpaySignature(state->keys, headers, body, go_now);
  fuzz::Check(
      !s.ok() || (body == state->go_body && headers.signature == state->go_headers.signature &&
                  headers.timestamp == state->go_headers.timestamp &&
                  headers.nonce == state->go_headers.nonce),
      "only the genuine signed message verifies");

  // The input as an already verified body, then as a decrypted resource.
  Result<Notification> decoded = DecryptNotificationBody(input, state->api_key);
  if (decoded.ok()) {
    (void)ParseTransaction(decoded->plaintext);
    (void)ParseRefund(decoded->plaintext);
  }
  CheckTransactionRoundTrip(input);
  CheckRefundRoundTrip(input);

  // Whatever is encrypted as a resource decrypts back to itself.
  NotificationSpec spec{"EV-1",        "TRANSACTION.SUCCESS", "",
                        "transaction", "transaction",         std::string(input)};
  Result<std::string> built = BuildNotificationBody(spec, state->api_key, "0123456789ab", go_now);
  if (built.ok() && built->size() <= kMaxNotificationBodyBytes) {
    Result<Notification> back = DecryptNotificationBody(*built, state->api_key);
    fuzz::Check(back.ok() && back->plaintext == input, "an encrypted resource decrypts to itself");
  }

  (void)civil::ParseRfc3339(input);
  (void)DecryptCertificateDownload(input, state->api_key);
  (void)ParseAuthorization(input);
}

}  // namespace
}  // namespace mileage::wechat::pay

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mileage::wechat::pay::FuzzOne(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
