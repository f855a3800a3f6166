#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "crypto/rsa.h"
#include "org/types.h"
#include "wechat/pay/notification_builder.h"

namespace mileage::testing {

// The two serials the test merchants are registered with: the platform certificate of the
// official Java SDK vectors and the WeChat Pay public key of the same key pair.
inline constexpr const char* kCertificateSerial = "440024045C4A427599D09BB4E3DE0279F2E813FD";
inline constexpr const char* kPublicKeyId = "PUB_KEY_ID_0114232134912410000000000000";
inline constexpr const char* kAppid = "wx8888888888888888";
inline constexpr const char* kMchid = "1900000001";
inline constexpr const char* kOtherMchid = "1900000002";
// The API v3 key every test merchant is registered with.
inline constexpr const char* kApiV3Key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";

// A payment or refund as WeChat Pay reports it, for building notifications.
struct PaymentSpec {
  std::string transaction_id;
  std::string openid;
  int64_t amount_fen = 0;
  std::string mchid = kMchid;
  std::string trade_state = "SUCCESS";
  std::string appid = kAppid;
};
struct RefundSpec {
  std::string refund_id;
  std::string transaction_id;
  int64_t refund_fen = 0;
  int64_t total_fen = 0;
  std::string event_type = "REFUND.SUCCESS";
  std::string mchid = kMchid;
};

// Plays WeChat Pay in integration tests: builds payment and refund notifications signed with
// the platform key of the Java SDK vectors at the test clock's time, and posts them to a
// server's /wechatpay/v3/notify/{mchid}. Merchants must be registered with PlatformKeys(),
// kAppid (an app of their brand) and kApiV3Key. Failures are reported as gtest failures. Not
// safe for concurrent use.
class WechatPayNotifier {
 public:
  // Loads the key; `clock` and `random` must outlive the notifier.
  WechatPayNotifier(const Clock& clock, RandomSource& random);

  // The certificate and public key to register a test merchant with. The SDK's own certificate
  // of that key pair expired in 2025, so the certificate is a self-signed one of the same key
  // and serial, valid from 2020 to 2045 (made once per process).
  static std::vector<org::PlatformKey> PlatformKeys();
  // The SDK's expired certificate (serial kCertificateSerial, notAfter 2025-05-09).
  static std::string ExpiredCertificatePem();
  // A test data file of tests/testdata/wechat.
  static std::string Testdata(const std::string& name);

  // A signed notification (by default under the certificate serial, notification id fresh).
  wechat::pay::SignedNotification Payment(const PaymentSpec& spec,
                                          const std::string& serial = kCertificateSerial);
  wechat::pay::SignedNotification Refund(const RefundSpec& spec);
  wechat::pay::SignedNotification Sign(const wechat::pay::NotificationSpec& spec,
                                       const std::string& serial = kCertificateSerial);
  // Posts to /wechatpay/v3/notify/{mchid}.
  static httplib::Result Post(httplib::Client& client, const wechat::pay::SignedNotification& n,
                              const std::string& mchid);

 private:
  const Clock& clock_;
  RandomSource& random_;
  std::optional<crypto::RsaPrivateKey> key_;
  int notification_seq_ = 0;
};

}  // namespace mileage::testing
