#include "wechat/pay/notification.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "crypto/aes_gcm.h"
#include "crypto/base64.h"
#include "tests/unit/wechat/testdata.h"
#include "wechat/pay/notification_builder.h"
#include "common/civil_time.h"
#include "wechat/pay/transaction.h"

namespace mileage::wechat::pay {
namespace {

using testing::FlipBit;
using testing::ParseJson;
using testing::ReadTestdata;
using testing::Vector;

constexpr int64_t kGoTimestamp = 1624523846;
constexpr char kGoSerial[] = "D7CE59D1F522D701";
constexpr char kJavaSerial[] = "440024045C4A427599D09BB4E3DE0279F2E813FD";
constexpr char kPublicKeyId[] = "PUB_KEY_ID_0114232134912410000000000000";

TimePoint At(int64_t unix_seconds) { return TimePoint(std::chrono::seconds(unix_seconds)); }

std::string JsonString(const rapidjson::Value& v, const char* name) {
  EXPECT_TRUE(v.HasMember(name) && v[name].IsString()) << name;
  return v.HasMember(name) && v[name].IsString() ? v[name].GetString() : "";
}

// The Go SDK's signed notification: headers, exact body and the certificate that verifies it.
class GoNotificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(keys_.AddCertificatePem(ReadTestdata("go_notify_wechatpay_certificate.pem")).ok());
    rapidjson::Document h = ParseJson(ReadTestdata("go_notify_headers.json"));
    headers_.serial = JsonString(h, "Wechatpay-Serial");
    headers_.signature = JsonString(h, "Wechatpay-Signature");
    headers_.timestamp = JsonString(h, "Wechatpay-Timestamp");
    headers_.nonce = JsonString(h, "Wechatpay-Nonce");
    body_ = ReadTestdata("go_notify_body.json");
  }

  // Verifies with the fake clock, which stands at the vector's timestamp unless moved.
  Status Verify(const WechatpayHeaders& headers, std::string_view body) const {
    return VerifyWechatpaySignature(keys_, headers, body, clock_.Now());
  }
  Status VerifyAt(const WechatpayHeaders& headers, std::string_view body, int64_t now) {
    clock_.SetUnixSeconds(now);
    return Verify(headers, body);
  }

  mileage::testing::FakeClock clock_{At(kGoTimestamp)};
  PlatformKeys keys_;
  WechatpayHeaders headers_;
  std::string body_;
};

TEST_F(GoNotificationTest, VerifiesWithAFakeClockAtItsTimestamp) {
  EXPECT_EQ(headers_.serial, kGoSerial);
  EXPECT_EQ(headers_.timestamp, std::to_string(kGoTimestamp));
  EXPECT_TRUE(body_.ends_with("}}")) << "the body must be the exact bytes, no newline";
  Status s = Verify(headers_, body_);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(GoNotificationTest, DecryptsToTheExpectedPlaintextFieldByField) {
  // The Go vector's "APIv3 key" is 16 bytes, i.e. AES-128-GCM, which a real APIv3 key never is:
  // the strict key type refuses it, and the resource is checked with the AES-128 primitive.
  std::string go_key = "testMchAPIv3Key0";
  auto strict = ApiV3Key::Create(go_key);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().reason(), "WECHATPAY_BAD_KEY_LENGTH");

  rapidjson::Document body = ParseJson(body_);
  const rapidjson::Value& resource = body["resource"];
  EXPECT_EQ(JsonString(resource, "algorithm"), "AEAD_AES_256_GCM");
  auto plaintext = crypto::AesGcmDecrypt(
      go_key, JsonString(resource, "nonce"), JsonString(resource, "associated_data"),
      crypto::Base64Decode(JsonString(resource, "ciphertext")).value_or(""));
  ASSERT_TRUE(plaintext.ok()) << plaintext.status().ToString();

  rapidjson::Document got = ParseJson(*plaintext);
  rapidjson::Document want = ParseJson(ReadTestdata("go_notify_expected_plaintext.json"));
  ASSERT_TRUE(got.IsObject() && want.IsObject());
  EXPECT_EQ(got.MemberCount(), want.MemberCount());
  for (const char* field : {"mchid", "appid", "create_time", "out_contract_code"}) {
    EXPECT_EQ(JsonString(got, field), JsonString(want, field)) << field;
  }
  for (auto& m : want.GetObject()) {
    ASSERT_TRUE(got.HasMember(m.name));
    EXPECT_TRUE(got[m.name] == m.value) << m.name.GetString();
  }
  EXPECT_EQ(JsonString(want, "mchid"), "1234567890");
  EXPECT_EQ(JsonString(want, "out_contract_code"), "21640bdbd08e473e828f3206a2741c6e");

  // The Java SDK's notification resource is the same ciphertext.
  rapidjson::Document java = ParseJson(ReadTestdata("java_wechat_pay_notification.json"));
  EXPECT_EQ(JsonString(java["resource"], "ciphertext"), JsonString(resource, "ciphertext"));
}

TEST_F(GoNotificationTest, FullPathVerifiesThenNeedsTheRightApiV3Key) {
  // Signature checks pass; decryption with a (different) 32-byte key fails on the tag.
  auto key = ApiV3Key::Create(Vector("aes256gcm_java_small", "apiv3_key"));
  ASSERT_TRUE(key.ok());
  auto n = VerifyNotification(keys_, *key, headers_, body_, clock_.Now());
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().reason(), "WECHATPAY_DECRYPT_FAILED");
  EXPECT_EQ(n.status().code(), StatusCode::kUnauthenticated);
}

TEST_F(GoNotificationTest, ResigningReproducesTheSignature) {
  auto key = crypto::RsaPrivateKey::FromPem(ReadTestdata("go_test_private_key.pem"));
  ASSERT_TRUE(key.ok());
  auto signed_headers = SignWechatpayMessage(*key, kGoSerial, body_, kGoTimestamp, headers_.nonce);
  ASSERT_TRUE(signed_headers.ok());
  EXPECT_EQ(signed_headers->signature, headers_.signature);
  EXPECT_EQ(signed_headers->timestamp, headers_.timestamp);
  EXPECT_EQ(signed_headers->serial, headers_.serial);
}

TEST_F(GoNotificationTest, AcceptsUpTo300SecondsOfSkewEitherWay) {
  EXPECT_TRUE(VerifyAt(headers_, body_, kGoTimestamp + 300).ok());
  EXPECT_TRUE(VerifyAt(headers_, body_, kGoTimestamp - 300).ok());
  for (int64_t now : {kGoTimestamp + 301, kGoTimestamp - 301, int64_t{1'800'000'000}}) {
    Status s = VerifyAt(headers_, body_, now);
    EXPECT_EQ(s.reason(), "WECHATPAY_STALE_TIMESTAMP") << now;
    EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  }
}

TEST_F(GoNotificationTest, RejectsOneFlippedBitInTheBody) {
  for (long i : {0L, 10L, static_cast<long>(body_.size() / 2), -1L}) {
    Status s = Verify(headers_, FlipBit(body_, i));
    EXPECT_EQ(s.reason(), "WECHATPAY_BAD_SIGNATURE") << i;
    EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(Verify(headers_, body_ + "\n").reason(), "WECHATPAY_BAD_SIGNATURE");
}

TEST_F(GoNotificationTest, RejectsOneFlippedBitInTheSignature) {
  std::string raw = crypto::Base64Decode(headers_.signature).value();
  for (long i : {0L, 100L, -1L}) {
    WechatpayHeaders h = headers_;
    h.signature = crypto::Base64Encode(FlipBit(raw, i));
    EXPECT_EQ(Verify(h, body_).reason(), "WECHATPAY_BAD_SIGNATURE") << i;
  }
  WechatpayHeaders h = headers_;
  h.signature = crypto::Base64Encode(raw.substr(0, raw.size() - 3));  // truncated, valid base64
  EXPECT_EQ(Verify(h, body_).reason(), "WECHATPAY_BAD_SIGNATURE");
}

TEST_F(GoNotificationTest, RejectsMalformedSignatureBase64) {
  for (const std::string& bad :
       std::vector<std::string>{headers_.signature.substr(0, headers_.signature.size() - 1),
                                headers_.signature.substr(1), std::string("tJHI*iS9"),
                                headers_.signature + "AAAA=", std::string(2000, 'A')}) {
    WechatpayHeaders h = headers_;
    h.signature = bad;
    Status s = Verify(h, body_);
    EXPECT_EQ(s.reason(), "WECHATPAY_BAD_BASE64") << bad;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(GoNotificationTest, SignatureCoversTimestampAndNonce) {
  WechatpayHeaders h = headers_;
  h.timestamp = std::to_string(kGoTimestamp + 1);
  EXPECT_EQ(Verify(h, body_).reason(), "WECHATPAY_BAD_SIGNATURE");
  h = headers_;
  h.nonce = FlipBit(h.nonce, 0, 1);
  EXPECT_EQ(Verify(h, body_).reason(), "WECHATPAY_BAD_SIGNATURE");
}

TEST_F(GoNotificationTest, RejectsSigntestProbesBeforeAnythingElse) {
  WechatpayHeaders h = headers_;
  h.signature = "WECHATPAY/SIGNTEST/" + headers_.signature;
  Status s = Verify(h, body_);
  EXPECT_EQ(s.reason(), "WECHATPAY_SIGNTEST_PROBE");
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  h.timestamp = "1";  // also stale; still reported as a probe
  EXPECT_EQ(Verify(h, body_).reason(), "WECHATPAY_SIGNTEST_PROBE");
}

TEST_F(GoNotificationTest, RejectsMissingHeaders) {
  for (std::string WechatpayHeaders::*field :
       {&WechatpayHeaders::serial, &WechatpayHeaders::signature, &WechatpayHeaders::timestamp,
        &WechatpayHeaders::nonce}) {
    WechatpayHeaders h = headers_;
    h.*field = "";
    Status s = Verify(h, body_);
    EXPECT_EQ(s.reason(), "WECHATPAY_MISSING_HEADER");
    EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(Verify(WechatpayHeaders{}, body_).reason(), "WECHATPAY_MISSING_HEADER");
}

TEST_F(GoNotificationTest, RejectsBadTimestamps) {
  for (const char* bad : {"abc", "-1624523846", "+1624523846", "1624523846.0", " 1624523846",
                          "1624523846000000", "0x60d4"}) {
    WechatpayHeaders h = headers_;
    h.timestamp = bad;
    Status s = Verify(h, body_);
    EXPECT_EQ(s.reason(), "WECHATPAY_BAD_TIMESTAMP") << bad;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(GoNotificationTest, RejectsMalformedSerialAndNonce) {
  WechatpayHeaders h = headers_;
  h.nonce = "a\nb";
  EXPECT_EQ(Verify(h, body_).reason(), "WECHATPAY_MALFORMED_HEADER");
  h = headers_;
  h.serial = std::string(65, 'A');
  EXPECT_EQ(Verify(h, body_).reason(), "WECHATPAY_MALFORMED_HEADER");
}

TEST_F(GoNotificationTest, SerialMatchesCaseInsensitively) {
  WechatpayHeaders h = headers_;
  h.serial = "d7ce59d1f522d701";
  EXPECT_TRUE(Verify(h, body_).ok());
  h.serial = "00D7CE59D1F522D701";
  EXPECT_TRUE(Verify(h, body_).ok());
}

TEST_F(GoNotificationTest, RejectsUnknownAndWrongSerials) {
  WechatpayHeaders h = headers_;
  h.serial = "D7CE59D1F522D702";
  Status s = Verify(h, body_);
  EXPECT_EQ(s.reason(), "WECHATPAY_UNKNOWN_SERIAL");
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  h.serial = kPublicKeyId;
  EXPECT_EQ(Verify(h, body_).reason(), "WECHATPAY_UNKNOWN_SERIAL");

  // A serial that exists but names another key: the signature does not verify under it.
  ASSERT_TRUE(keys_.AddCertificatePem(ReadTestdata("java_wechat_pay_certificate.pem")).ok());
  h.serial = kJavaSerial;
  EXPECT_EQ(Verify(h, body_).reason(), "WECHATPAY_BAD_SIGNATURE");
}

TEST_F(GoNotificationTest, NeverTrustsAnUnsignedBodyTooLarge) {
  auto key = ApiV3Key::Create(std::string(32, 'k'));
  ASSERT_TRUE(key.ok());
  std::string big(kMaxNotificationBodyBytes + 1, ' ');
  auto n = VerifyNotification(keys_, *key, headers_, big, At(kGoTimestamp));
  EXPECT_EQ(n.status().reason(), "WECHATPAY_BODY_TOO_LARGE");
}

// Notifications built and signed here with a 32-byte APIv3 key, in both key modes at once.
class BuiltNotificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = ApiV3Key::Create(Vector("aes256gcm_java_small", "apiv3_key"));
    ASSERT_TRUE(key.ok());
    api_key_ = std::make_unique<ApiV3Key>(*key);
    auto java_key = crypto::RsaPrivateKey::FromPem(ReadTestdata("java_wechat_pay_private_key.pem"));
    auto go_key = crypto::RsaPrivateKey::FromPem(ReadTestdata("go_test_private_key.pem"));
    ASSERT_TRUE(java_key.ok() && go_key.ok());
    java_key_ = std::make_unique<crypto::RsaPrivateKey>(*java_key);
    go_key_ = std::make_unique<crypto::RsaPrivateKey>(*go_key);
    // Certificate mode (two certificates) and public-key mode, all active together.
    ASSERT_TRUE(keys_.AddCertificatePem(ReadTestdata("go_notify_wechatpay_certificate.pem")).ok());
    ASSERT_TRUE(keys_.AddCertificatePem(ReadTestdata("java_wechat_pay_certificate.pem")).ok());
    ASSERT_TRUE(
        keys_.AddPublicKeyPem(kPublicKeyId, ReadTestdata("java_wechat_pay_public_key.pem")).ok());
    spec_.id = "EV-2018022511223320873";
    spec_.event_type = "TRANSACTION.SUCCESS";
    spec_.summary = "支付成功";
    spec_.original_type = "transaction";
    spec_.associated_data = "transaction";
    spec_.plaintext = ReadTestdata("sample_transaction.json");
  }

  // A body whose resource has exactly these fields, signed with the Go key.
  SignedNotification SignedBody(std::string_view algorithm, std::string_view ciphertext,
                                std::string_view nonce, std::string_view associated_data) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("id");
    w.String("EV-1");
    w.Key("event_type");
    w.String("TRANSACTION.SUCCESS");
    w.Key("resource_type");
    w.String("encrypt-resource");
    w.Key("resource");
    w.StartObject();
    w.Key("algorithm");
    w.String(algorithm.data(), static_cast<rapidjson::SizeType>(algorithm.size()));
    w.Key("ciphertext");
    w.String(ciphertext.data(), static_cast<rapidjson::SizeType>(ciphertext.size()));
    w.Key("nonce");
    w.String(nonce.data(), static_cast<rapidjson::SizeType>(nonce.size()));
    w.Key("associated_data");
    w.String(associated_data.data(), static_cast<rapidjson::SizeType>(associated_data.size()));
    w.EndObject();
    w.EndObject();
    return Signed(buffer.GetString());
  }

  SignedNotification Signed(std::string body) {
    auto h = SignWechatpayMessage(*go_key_, kGoSerial, body, kNow, "nonce-1");
    EXPECT_TRUE(h.ok());
    return {h.ok() ? *h : WechatpayHeaders{}, std::move(body)};
  }

  Result<Notification> Verify(const SignedNotification& n) const {
    return VerifyNotification(keys_, *api_key_, n.headers, n.body, At(kNow));
  }

  static constexpr int64_t kNow = 1'700'000'000;
  static constexpr char kNonce[] = "0123456789ab";
  std::unique_ptr<ApiV3Key> api_key_;
  std::unique_ptr<crypto::RsaPrivateKey> java_key_;
  std::unique_ptr<crypto::RsaPrivateKey> go_key_;
  PlatformKeys keys_;
  NotificationSpec spec_;
};

TEST_F(BuiltNotificationTest, VerifiesDecryptsAndParsesInEitherKeyMode) {
  mileage::testing::FakeRandom random;
  for (const char* serial : {kJavaSerial, kPublicKeyId}) {
    auto built = BuildNotification(spec_, *api_key_, *java_key_, serial, At(kNow), random);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    EXPECT_EQ(built->headers.serial, serial);
    EXPECT_EQ(built->headers.nonce.size(), 32u);
    EXPECT_EQ(built->headers.timestamp, std::to_string(kNow));

    auto n = Verify(*built);
    ASSERT_TRUE(n.ok()) << serial << ": " << n.status().ToString();
    EXPECT_EQ(n->id, spec_.id);
    EXPECT_EQ(n->event_type, "TRANSACTION.SUCCESS");
    EXPECT_EQ(n->event, NotificationEvent::kTransactionSuccess);
    EXPECT_EQ(n->resource_type, "encrypt-resource");
    EXPECT_EQ(n->summary, "支付成功");
    EXPECT_EQ(n->original_type, "transaction");
    EXPECT_EQ(n->associated_data, "transaction");
    EXPECT_EQ(n->create_time, civil::FormatRfc3339Beijing(At(kNow)));
    EXPECT_EQ(n->plaintext, spec_.plaintext);

    auto t = ParseTransaction(n->plaintext);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->transaction_id, "4200000001201407033233368018");
    EXPECT_EQ(t->payer_openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    EXPECT_EQ(t->amount.total, 100);
  }
}

TEST_F(BuiltNotificationTest, SignedByTheOtherKeyModeStillNeedsTheRightKey) {
  mileage::testing::FakeRandom random;
  // Signed by the Go key but claiming the public-key id of the Java key.
  auto built = BuildNotification(spec_, *api_key_, *go_key_, kPublicKeyId, At(kNow), random);
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(Verify(*built).status().reason(), "WECHATPAY_BAD_SIGNATURE");
  // Signed by the Go key under its own certificate serial: fine.
  built = BuildNotification(spec_, *api_key_, *go_key_, kGoSerial, At(kNow), random);
  ASSERT_TRUE(built.ok());
  EXPECT_TRUE(Verify(*built).ok());
}

TEST_F(BuiltNotificationTest, ClassifiesRefundEvents) {
  mileage::testing::FakeRandom random;
  for (auto [type, event] : {std::pair{"REFUND.SUCCESS", NotificationEvent::kRefundSuccess},
                             std::pair{"REFUND.ABNORMAL", NotificationEvent::kRefundAbnormal},
                             std::pair{"REFUND.CLOSED", NotificationEvent::kRefundClosed},
                             std::pair{"PAYSCORE.USER_OPEN_SERVICE", NotificationEvent::kOther}}) {
    spec_.event_type = type;
    auto built = BuildNotification(spec_, *api_key_, *java_key_, kJavaSerial, At(kNow), random);
    ASSERT_TRUE(built.ok());
    auto n = Verify(*built);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->event, event) << type;
    EXPECT_EQ(n->event_type, type);
  }
}

TEST_F(BuiltNotificationTest, RejectsTamperedResourcesEvenWhenSigned) {
  std::string plaintext = spec_.plaintext;
  std::string aad = "transaction";
  std::string ct = crypto::AesGcmEncrypt(api_key_->bytes(), kNonce, aad, plaintext).value();
  // Untampered: accepted.
  auto ok = Verify(SignedBody("AEAD_AES_256_GCM", crypto::Base64Encode(ct), kNonce, aad));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->plaintext, plaintext);

  struct Case {
    const char* what;
    SignedNotification n;
  };
  std::vector<Case> decrypt_failures = {
      {"ciphertext",
       SignedBody("AEAD_AES_256_GCM", crypto::Base64Encode(FlipBit(ct, 5)), kNonce, aad)},
      {"tag", SignedBody("AEAD_AES_256_GCM", crypto::Base64Encode(FlipBit(ct, -3)), kNonce, aad)},
      {"nonce", SignedBody("AEAD_AES_256_GCM", crypto::Base64Encode(ct), FlipBit(kNonce, 0), aad)},
      {"associated data",
       SignedBody("AEAD_AES_256_GCM", crypto::Base64Encode(ct), kNonce, FlipBit(aad, 2))},
      {"truncated ciphertext",
       SignedBody("AEAD_AES_256_GCM", crypto::Base64Encode(ct.substr(0, ct.size() - 1)), kNonce,
                  aad)},
  };
  for (const Case& c : decrypt_failures) {
    auto n = Verify(c.n);
    ASSERT_FALSE(n.ok()) << c.what;
    EXPECT_EQ(n.status().reason(), "WECHATPAY_DECRYPT_FAILED") << c.what;
    EXPECT_EQ(n.status().code(), StatusCode::kUnauthenticated) << c.what;
  }

  std::string b64 = crypto::Base64Encode(ct);
  struct Invalid {
    const char* what;
    SignedNotification n;
    const char* reason;
  };
  std::vector<Invalid> invalid = {
      {"non-base64 ciphertext", SignedBody("AEAD_AES_256_GCM", "%%%" + b64, kNonce, aad),
       "WECHATPAY_BAD_BASE64"},
      {"truncated base64",
       SignedBody("AEAD_AES_256_GCM", b64.substr(0, b64.size() - 1), kNonce, aad),
       "WECHATPAY_BAD_BASE64"},
      {"ciphertext shorter than a tag",
       SignedBody("AEAD_AES_256_GCM", crypto::Base64Encode(ct.substr(0, 15)), kNonce, aad),
       "WECHATPAY_BAD_CIPHERTEXT"},
      {"truncated nonce", SignedBody("AEAD_AES_256_GCM", b64, "0123456789a", aad),
       "WECHATPAY_BAD_NONCE"},
      {"empty nonce", SignedBody("AEAD_AES_256_GCM", b64, "", aad), "WECHATPAY_BAD_NONCE"},
      {"AES-128 algorithm", SignedBody("AEAD_AES_128_GCM", b64, kNonce, aad),
       "WECHATPAY_UNSUPPORTED_ALGORITHM"},
      {"lower-case algorithm", SignedBody("aead_aes_256_gcm", b64, kNonce, aad),
       "WECHATPAY_UNSUPPORTED_ALGORITHM"},
  };
  for (const Invalid& c : invalid) {
    auto n = Verify(c.n);
    ASSERT_FALSE(n.ok()) << c.what;
    EXPECT_EQ(n.status().reason(), c.reason) << c.what;
    EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument) << c.what;
  }
}

TEST_F(BuiltNotificationTest, RejectsMalformedJsonBodiesEvenWhenSigned) {
  for (
      const char* body : {
          "",
          "{",
          "[]",
          "null",
          "{\"id\":\"x\"}",
          "not json",
          R"({"id":"x","event_type":"TRANSACTION.SUCCESS","resource":"abc"})",
          R"({"id":1,"event_type":"T","resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext":"AA==","nonce":"0123456789ab"}})",
          R"({"id":"x","event_type":"T","resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext":5,"nonce":"0123456789ab"}})",
          R"({"id":"x","event_type":"T","resource":{"ciphertext":"AA==","nonce":"0123456789ab"}})",
          R"({"id":"x","resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext":"AA==","nonce":"0123456789ab"}})",
          "{\"id\":\"\xff\xfe\",\"event_type\":\"T\"}",
      }) {
    auto n = Verify(Signed(body));
    ASSERT_FALSE(n.ok()) << body;
    EXPECT_EQ(n.status().reason(), "WECHATPAY_MALFORMED_BODY") << body;
    EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument) << body;
  }
}

TEST_F(BuiltNotificationTest, DeeplyNestedJsonDoesNotCrash) {
  std::string body = R"({"id":"x","event_type":"T","resource":)" + std::string(100000, '[') + "}";
  EXPECT_EQ(Verify(Signed(body)).status().reason(), "WECHATPAY_BODY_TOO_LARGE");
  // Valid JSON nested 30000 deep, inside the size limit: parsed iteratively, then rejected.
  body = R"({"id":"x","event_type":"T","deep":)" + std::string(30000, '[') +
         std::string(30000, ']') + "}";
  ASSERT_LE(body.size(), kMaxNotificationBodyBytes);
  EXPECT_EQ(Verify(Signed(body)).status().reason(), "WECHATPAY_MALFORMED_BODY");
}

TEST_F(BuiltNotificationTest, WrongApiV3KeyFailsTheTag) {
  mileage::testing::FakeRandom random;
  auto built = BuildNotification(spec_, *api_key_, *java_key_, kJavaSerial, At(kNow), random);
  ASSERT_TRUE(built.ok());
  auto other = ApiV3Key::Create(std::string(32, 'x'));
  ASSERT_TRUE(other.ok());
  auto n = VerifyNotification(keys_, *other, built->headers, built->body, At(kNow));
  EXPECT_EQ(n.status().reason(), "WECHATPAY_DECRYPT_FAILED");
}

TEST_F(BuiltNotificationTest, SharedKeysVerifyConcurrently) {
  mileage::testing::FakeRandom random;
  auto built = BuildNotification(spec_, *api_key_, *java_key_, kPublicKeyId, At(kNow), random);
  ASSERT_TRUE(built.ok());
  std::atomic<int> verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (Verify(*built).ok()) verified.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(verified.load(), 100);
}

TEST(ApiV3KeyTest, AdmitsOnlyExactly32Bytes) {
  for (size_t n : {0, 16, 24, 31, 33, 64}) {
    auto key = ApiV3Key::Create(std::string(n, 'a'));
    ASSERT_FALSE(key.ok()) << n;
    EXPECT_EQ(key.status().reason(), "WECHATPAY_BAD_KEY_LENGTH");
  }
  auto key = ApiV3Key::Create(std::string(32, 'a'));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->bytes(), std::string(32, 'a'));
}

}  // namespace
}  // namespace mileage::wechat::pay
