#include "wechat/pay/request_signer.h"

#include <gtest/gtest.h>

#include "common/testing/fake_random.h"
#include "crypto/base64.h"
#include "tests/unit/wechat/testdata.h"
#include "wechat/pay/request_authorization.h"

namespace mileage::wechat::pay {
namespace {

using testing::ReadTestdata;

constexpr char kMchid[] = "1900009191";
constexpr char kSerial[] = "5F1C72E2A8931B72A2E13AF8DEE92471EB397115";
constexpr int64_t kTimestamp = 1554208460;
constexpr char kNonce[] = "593BEC0C930BF1AFEB40B4A08C8FB242";
// `openssl dgst -sha256 -sign java_merchant_private_key.pem` over the two messages below.
constexpr char kGetSignature[] =
    "Yql2HJi5R+/B/WzOlH5KqIUNOCTrECi808qopAT8Pk2vUdtZln2Wmz/zkA6+HpMD7BuThk5ikNOpI7+8yVt+wLdak6RZ"
    "POd3ZUMwfgmrN2Vl2aF7yjFov07paW3Dix7NAL+J402H92DUu8LCSbzoU2XnNNHGFCxR7Zkkp3V/QYau9vml2BTQi87r"
    "qaq5xpYGPfBbPtPUEcvoYjhIlrplVh89P8/ktk4H+PG22zBongaOlQYPVTx3k2vlik7PWc+wX225vk4C8ryZ8e/l4Xwy"
    "RQf7kWEJCBKT1GBPNzbO18N2UMJDyGkyuYwhyWSJ9QomxYwZWUGExbo/68Ao6yLcKA==";
constexpr char kPostSignature[] =
    "GEwItzeaHbLV1MJ/cCjBSdEXN33jme0AaUMojhwSG3iunXut9Y3vBZncbFY1NYPl67Q/ZfnySzp7J+deP6PBiizvapOM"
    "G+TQ7bNqBK3Rrqn6fRYjkESPF3wjV30kllf8NkQ5L1QgtfDa6l+Odx6PccLo4y/qfZ+S+rZaxghsMj+/ftM1lzmiQ9Ci"
    "I1CFb6X3HTWFxb75GrvZu6DuTOTTRQ6Ji6yWCsj13TSGJEwL316CmXUZyCATUxKILJL/J1wULRXJVQcdRW0lMC+aSnO3"
    "rBSOs/xqXAcSpcSL7jBvAIxLt6wvNVL91bRzkIffmbn/L5XcAwXKPEkZ7N9lbYc7xQ==";

TimePoint At(int64_t s) { return TimePoint(std::chrono::seconds(s)); }

class RequestSignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = crypto::RsaPrivateKey::FromPem(ReadTestdata("java_merchant_private_key.pem"));
    ASSERT_TRUE(key.ok());
    signer_ = std::make_unique<RequestSigner>(kMchid, kSerial, *key);
    auto cert = crypto::ParseCertificatePem(ReadTestdata("java_merchant_certificate.pem"));
    ASSERT_TRUE(cert.ok());
    ASSERT_EQ(cert->serial, kSerial);
    public_key_ = std::make_unique<crypto::RsaPublicKey>(cert->public_key);
  }

  std::unique_ptr<RequestSigner> signer_;
  std::unique_ptr<crypto::RsaPublicKey> public_key_;
};

TEST(RequestMessageTest, IsMethodUrlTimestampNonceBodyEachWithNewline) {
  EXPECT_EQ(BuildRequestMessage("GET", "/v3/certificates", "1554208460", "abc", ""),
            "GET\n/v3/certificates\n1554208460\nabc\n\n");
  EXPECT_EQ(BuildRequestMessage("POST", "/v3/x?a=1", "1", "n", "{}"),
            "POST\n/v3/x?a=1\n1\nn\n{}\n");
}

TEST_F(RequestSignerTest, BuildsTheDocumentedAuthorizationHeader) {
  auto header = signer_->Authorization("GET", "/v3/certificates", "", kTimestamp, kNonce);
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(*header, std::string("WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"") +
                         kNonce + "\",timestamp=\"1554208460\",serial_no=\"" + kSerial +
                         "\",signature=\"" + kGetSignature + "\"");
}

TEST_F(RequestSignerTest, SignsPathQueryAndBody) {
  auto header = signer_->Authorization("POST", "/v3/pay/transactions/jsapi?x=1", "{\"a\":1}",
                                       kTimestamp, kNonce);
  ASSERT_TRUE(header.ok());
  auto parsed = ParseAuthorization(*header);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->signature, kPostSignature);
}

TEST_F(RequestSignerTest, AuthorizationRoundTripsThroughParseAndVerify) {
  mileage::testing::FakeRandom random;
  auto header = signer_->Authorization("POST", "/v3/refund/domestic/refunds", "{\"x\":2}",
                                       At(kTimestamp), random);
  ASSERT_TRUE(header.ok());
  auto auth = ParseAuthorization(*header);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(auth->mchid, kMchid);
  EXPECT_EQ(auth->serial_no, kSerial);
  EXPECT_EQ(auth->timestamp, "1554208460");
  EXPECT_EQ(auth->nonce_str.size(), 32u);
  EXPECT_TRUE(VerifyRequestAuthorization(*public_key_, *auth, "POST", "/v3/refund/domestic/refunds",
                                         "{\"x\":2}", At(kTimestamp + 300))
                  .ok());
  EXPECT_EQ(VerifyRequestAuthorization(*public_key_, *auth, "POST", "/v3/refund/domestic/refunds",
                                       "{\"x\":3}", At(kTimestamp))
                .reason(),
            "WECHATPAY_BAD_SIGNATURE");
  EXPECT_EQ(VerifyRequestAuthorization(*public_key_, *auth, "GET", "/v3/refund/domestic/refunds",
                                       "{\"x\":2}", At(kTimestamp))
                .reason(),
            "WECHATPAY_BAD_SIGNATURE");
  EXPECT_EQ(VerifyRequestAuthorization(*public_key_, *auth, "POST", "/v3/refund/domestic/refunds",
                                       "{\"x\":2}", At(kTimestamp + 301))
                .reason(),
            "WECHATPAY_STALE_TIMESTAMP");
  RequestAuthorization bad = *auth;
  bad.signature = "!!!!";
  EXPECT_EQ(VerifyRequestAuthorization(*public_key_, bad, "POST", "/v3/refund/domestic/refunds",
                                       "{\"x\":2}", At(kTimestamp))
                .reason(),
            "WECHATPAY_BAD_BASE64");
}

TEST_F(RequestSignerTest, RefusesUnsignableTargets) {
  for (auto [method, url] :
       {std::pair{"get", "/v3/x"}, std::pair{"GET", "v3/x"}, std::pair{"GET", "/v3/x y"},
        std::pair{"GET", "/v3/x\n"}, std::pair{"", "/v3/x"}, std::pair{"GET", ""}}) {
    auto header = signer_->Authorization(method, url, "", kTimestamp, kNonce);
    ASSERT_FALSE(header.ok()) << method << " " << url;
    EXPECT_EQ(header.status().reason(), "WECHATPAY_BAD_REQUEST_TARGET");
  }
  for (const char* nonce : {"", "a\"b", "a,b", "a b"}) {
    EXPECT_EQ(signer_->Authorization("GET", "/v3/x", "", kTimestamp, nonce).status().reason(),
              "WECHATPAY_BAD_REQUEST_TARGET")
        << nonce;
  }
}

TEST(ParseAuthorizationTest, AcceptsAnyOrderAndSpaces) {
  auto auth = ParseAuthorization(
      "WECHATPAY2-SHA256-RSA2048 serial_no=\"S\", signature=\"c2ln\",timestamp=\"1\", "
      "nonce_str=\"n\",mchid=\"m\"");
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(auth->serial_no, "S");
  EXPECT_EQ(auth->signature, "c2ln");
  EXPECT_EQ(auth->mchid, "m");
}

TEST(ParseAuthorizationTest, RejectsMalformedHeaders) {
  const std::string ok =
      "mchid=\"m\",nonce_str=\"n\",timestamp=\"1\",serial_no=\"s\",signature=\"c2ln\"";
  for (const std::string& bad : std::vector<std::string>{
           std::string(""),
           "WECHATPAY2-SHA256-RSA2048",
           "Bearer " + ok,
           "WECHATPAY2-SHA256-RSA2048" + ok,
           "WECHATPAY2-SHA256-RSA2048 " + ok + ",",
           "WECHATPAY2-SHA256-RSA2048 " + ok + ",mchid=\"x\"",
           "WECHATPAY2-SHA256-RSA2048 mchid=\"m\",nonce_str=\"n\",timestamp=\"1\",serial_no=\"s\"",
           "WECHATPAY2-SHA256-RSA2048 mchid=\"\",nonce_str=\"n\",timestamp=\"1\",serial_no=\"s\","
           "signature=\"c2ln\"",
           "WECHATPAY2-SHA256-RSA2048 mchid=m,nonce_str=\"n\",timestamp=\"1\",serial_no=\"s\","
           "signature=\"c2ln\"",
           "WECHATPAY2-SHA256-RSA2048 mchid=\"m\" nonce_str=\"n\"",
           "WECHATPAY2-SHA256-RSA2048 mchid=\"m\",nonce_str=\"a\nb\",timestamp=\"1\","
           "serial_no=\"s\",signature=\"c2ln\"",
           "WECHATPAY2-SHA256-RSA2048 mchid=\"m",
           "WECHATPAY2-SHA256-RSA2048 " + std::string(5000, 'a'),
       }) {
    auto auth = ParseAuthorization(bad);
    ASSERT_FALSE(auth.ok()) << bad;
    EXPECT_EQ(auth.status().reason(), "WECHATPAY_BAD_AUTHORIZATION") << bad;
  }
}

}  // namespace
}  // namespace mileage::wechat::pay
