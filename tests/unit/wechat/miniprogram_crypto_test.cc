#include <gtest/gtest.h>

#include "crypto/base64.h"
#include "tests/unit/wechat/testdata.h"
#include "wechat/miniprogram/crypto.h"

namespace mileage::wechat::miniprogram {
namespace {

using testing::FlipBit;
using testing::Vector;

constexpr char kAppid[] = "wx4f4bc4dec97d474b";

class OpenDataTest : public ::testing::Test {
 protected:
  std::string data_ = Vector("miniprogram_encrypted_data", "encryptedData");
  std::string key_ = Vector("miniprogram_encrypted_data", "session_key");
  std::string iv_ = Vector("miniprogram_encrypted_data", "iv");
};

TEST_F(OpenDataTest, DecryptsTheDocumentedExample) {
  EXPECT_EQ(Vector("miniprogram_encrypted_data", "appid"), kAppid);
  auto data = DecryptOpenData(data_, key_, iv_, kAppid);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->json, Vector("miniprogram_encrypted_data", "plaintext"));
  EXPECT_EQ(data->watermark_appid, kAppid);
  EXPECT_EQ(data->watermark_timestamp, 1477314187);
  // It is user info, not a phone number.
  EXPECT_EQ(ParsePhoneNumber(*data).status().reason(), "WECHAT_MP_MALFORMED_DATA");
}

TEST_F(OpenDataTest, RejectsAnotherAppsData) {
  auto data = DecryptOpenData(data_, key_, iv_, "wx0000000000000000");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().reason(), "WECHAT_MP_WATERMARK_MISMATCH");
  EXPECT_EQ(data.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(DecryptOpenData(data_, key_, iv_, "").status().reason(),
            "WECHAT_MP_WATERMARK_MISMATCH");
}

TEST_F(OpenDataTest, RejectsBadKeysAndTampering) {
  struct Case {
    const char* what;
    std::string data, key, iv;
    const char* reason;
  };
  std::string raw = crypto::Base64Decode(data_).value();
  std::vector<Case> cases = {
      {"non-base64 data", "%" + data_.substr(1), key_, iv_, "WECHAT_MP_BAD_BASE64"},
      {"truncated base64", data_.substr(0, data_.size() - 1), key_, iv_, "WECHAT_MP_BAD_BASE64"},
      {"non-base64 key", data_, "tiihtNczf5v6AKRyjwEUhQ=", iv_, "WECHAT_MP_BAD_BASE64"},
      {"non-base64 iv", data_, key_, "r7BXXKkLb8qrSNn05n0qiA", "WECHAT_MP_BAD_BASE64"},
      {"short key", data_, crypto::Base64Encode(std::string(15, 'k')), iv_,
       "WECHAT_MP_BAD_SESSION_KEY"},
      {"AES-256 key", data_, crypto::Base64Encode(std::string(32, 'k')), iv_,
       "WECHAT_MP_BAD_SESSION_KEY"},
      {"short iv", data_, key_, crypto::Base64Encode(std::string(12, 'i')), "WECHAT_MP_BAD_IV"},
      {"partial block", crypto::Base64Encode(raw.substr(0, raw.size() - 1)), key_, iv_,
       "WECHAT_MP_DECRYPT_FAILED"},
      {"empty", "", key_, iv_, "WECHAT_MP_DECRYPT_FAILED"},
      {"padding byte", crypto::Base64Encode(FlipBit(raw, -1, 4)), key_, iv_,
       "WECHAT_MP_DECRYPT_FAILED"},
      {"first block", crypto::Base64Encode(FlipBit(raw, 0)), key_, iv_, "WECHAT_MP_MALFORMED_DATA"},
      {"iv bit", data_, key_, crypto::Base64Encode(FlipBit(crypto::Base64Decode(iv_).value(), 0)),
       "WECHAT_MP_MALFORMED_DATA"},
  };
  for (const Case& c : cases) {
    auto data = DecryptOpenData(c.data, c.key, c.iv, kAppid);
    ASSERT_FALSE(data.ok()) << c.what;
    EXPECT_EQ(data.status().reason(), c.reason) << c.what;
  }
}

TEST(PhoneNumberTest, DecryptsThePhonePayload) {
  std::string key = crypto::Base64Encode("0123456789abcdef");
  std::string iv = crypto::Base64Encode("fedcba9876543210");
  std::string json =
      R"({"phoneNumber":"+8613800138000","purePhoneNumber":"13800138000","countryCode":"86",)"
      R"("watermark":{"appid":"wx4f4bc4dec97d474b","timestamp":1700000000}})";
  auto encrypted = EncryptOpenData(json, key, iv);
  ASSERT_TRUE(encrypted.ok());
  auto phone = DecryptPhoneNumber(*encrypted, key, iv, kAppid);
  ASSERT_TRUE(phone.ok()) << phone.status().ToString();
  EXPECT_EQ(phone->phone_number, "+8613800138000");
  EXPECT_EQ(phone->pure_phone_number, "13800138000");
  EXPECT_EQ(phone->country_code, "86");
  EXPECT_EQ(phone->watermark_appid, kAppid);
  EXPECT_EQ(phone->watermark_timestamp, 1700000000);

  EXPECT_EQ(DecryptPhoneNumber(*encrypted, key, iv, "wx1").status().reason(),
            "WECHAT_MP_WATERMARK_MISMATCH");
  for (
      const char* bad : {
          R"({"phoneNumber":"1","purePhoneNumber":"1","watermark":{"appid":"wx4f4bc4dec97d474b"}})",
          R"({"phoneNumber":1,"purePhoneNumber":"1","countryCode":"86","watermark":{"appid":"wx4f4bc4dec97d474b"}})",
          R"({"phoneNumber":"1","purePhoneNumber":"1","countryCode":"86"})",
          R"({"phoneNumber":"1","purePhoneNumber":"1","countryCode":"86","watermark":{"appid":5}})",
          "not json",
      }) {
    auto enc = EncryptOpenData(bad, key, iv);
    ASSERT_TRUE(enc.ok());
    EXPECT_EQ(DecryptPhoneNumber(*enc, key, iv, kAppid).status().reason(),
              "WECHAT_MP_MALFORMED_DATA")
        << bad;
  }
}

TEST(RawDataSignatureTest, ChecksTheDocumentedExample) {
  std::string raw = Vector("miniprogram_rawdata_signature", "rawData");
  std::string key = Vector("miniprogram_rawdata_signature", "session_key");
  std::string sig = Vector("miniprogram_rawdata_signature", "signature_sha1_hex");
  EXPECT_TRUE(VerifyRawDataSignature(raw, key, sig).ok());
  EXPECT_TRUE(VerifyRawDataSignature(raw, key, "75E81CEDA165F4FFA64F4068AF58C64B8F54B88C").ok());

  for (auto [r, k, s] :
       {std::tuple{FlipBit(raw, 10), key, sig}, std::tuple{raw, FlipBit(key, 0), sig},
        std::tuple{raw, key, FlipBit(sig, -1)}, std::tuple{raw, key, sig.substr(1)},
        std::tuple{raw, key, std::string()}, std::tuple{raw + " ", key, sig}}) {
    Status status = VerifyRawDataSignature(r, k, s);
    EXPECT_EQ(status.reason(), "WECHAT_MP_BAD_SIGNATURE");
    EXPECT_EQ(status.code(), StatusCode::kUnauthenticated);
  }
}

}  // namespace
}  // namespace mileage::wechat::miniprogram
