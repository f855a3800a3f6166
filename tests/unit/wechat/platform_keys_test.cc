#include "wechat/pay/platform_keys.h"

#include <gtest/gtest.h>

#include "tests/unit/wechat/testdata.h"

namespace mileage::wechat::pay {
namespace {

using testing::ReadTestdata;

constexpr char kPublicKeyId[] = "PUB_KEY_ID_0114232134912410000000000000";

TEST(PlatformKeysTest, HoldsCertificatesAndPublicKeysTogether) {
  PlatformKeys keys;
  ASSERT_TRUE(keys.AddCertificatePem(ReadTestdata("go_notify_wechatpay_certificate.pem")).ok());
  ASSERT_TRUE(keys.AddCertificatePem(ReadTestdata("java_wechat_pay_certificate.pem")).ok());
  ASSERT_TRUE(
      keys.AddPublicKeyPem(kPublicKeyId, ReadTestdata("java_wechat_pay_public_key.pem")).ok());
  EXPECT_EQ(keys.keys().size(), 3u);

  const PlatformKey* go = keys.Find("D7CE59D1F522D701");
  ASSERT_NE(go, nullptr);
  EXPECT_EQ(go->kind, PlatformKeyKind::kCertificate);
  EXPECT_EQ(keys.Find("d7ce59d1f522d701"), go);
  EXPECT_EQ(keys.Find("0D7CE59D1F522D701"), go);
  const PlatformKey* java = keys.Find("440024045c4a427599d09bb4e3de0279f2e813fd");
  ASSERT_NE(java, nullptr);
  EXPECT_NE(java, go);
  const PlatformKey* pub = keys.Find(kPublicKeyId);
  ASSERT_NE(pub, nullptr);
  EXPECT_EQ(pub->kind, PlatformKeyKind::kPublicKey);

  EXPECT_EQ(keys.Find("pub_key_id_0114232134912410000000000000"), nullptr);
  EXPECT_EQ(keys.Find("PUB_KEY_ID_0114232134912410000000000001"), nullptr);
  EXPECT_EQ(keys.Find("D7CE59D1F522D7"), nullptr);
  EXPECT_EQ(keys.Find(""), nullptr);
  EXPECT_EQ(keys.Find(std::string(1000, '0')), nullptr);
}

TEST(PlatformKeysTest, RejectsDuplicatesAndBadInput) {
  PlatformKeys keys;
  std::string cert = ReadTestdata("go_notify_wechatpay_certificate.pem");
  std::string pub = ReadTestdata("java_wechat_pay_public_key.pem");
  ASSERT_TRUE(keys.AddCertificatePem(cert).ok());
  Status dup = keys.AddCertificatePem(cert);
  EXPECT_EQ(dup.reason(), "WECHATPAY_DUPLICATE_SERIAL");
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);

  ASSERT_TRUE(keys.AddPublicKeyPem(kPublicKeyId, pub).ok());
  EXPECT_EQ(keys.AddPublicKeyPem(kPublicKeyId, pub).reason(), "WECHATPAY_DUPLICATE_SERIAL");

  for (const char* bad_id : {"", "PUB_KEY_ID_", "PUB_KEY_ID_12a", "pub_key_id_123",
                             "D7CE59D1F522D701", "PUB_KEY_ID_1 "}) {
    Status s = keys.AddPublicKeyPem(bad_id, pub);
    EXPECT_EQ(s.reason(), "WECHATPAY_BAD_SERIAL") << bad_id;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(keys.AddPublicKeyPem("PUB_KEY_ID_1", cert).reason(), "WECHATPAY_BAD_KEY");
  EXPECT_EQ(keys.AddCertificatePem(pub).reason(), "WECHATPAY_BAD_KEY");
  EXPECT_EQ(keys.AddCertificatePem("").reason(), "WECHATPAY_BAD_KEY");
  EXPECT_EQ(keys.keys().size(), 2u);
}

TEST(PlatformKeysTest, CopiesShareParsedKeys) {
  PlatformKeys keys;
  ASSERT_TRUE(keys.AddCertificatePem(ReadTestdata("go_notify_wechatpay_certificate.pem")).ok());
  PlatformKeys copy = keys;
  ASSERT_NE(copy.Find("D7CE59D1F522D701"), nullptr);
  EXPECT_EQ(copy.Find("D7CE59D1F522D701")->key.get(), keys.Find("D7CE59D1F522D701")->key.get());
}

}  // namespace
}  // namespace mileage::wechat::pay
