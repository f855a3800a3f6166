#include <gtest/gtest.h>

#include <set>

#include "common/testing/fake_random.h"
#include "crypto/aes_block.h"
#include "crypto/aes_gcm.h"
#include "crypto/base64.h"
#include "crypto/constant_time.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "crypto/random_string.h"
#include "crypto/rsa.h"
#include "tests/unit/wechat/testdata.h"

namespace mileage::crypto {
namespace {

using wechat::testing::FlipBit;
using wechat::testing::ReadTestdata;
using wechat::testing::Vector;

TEST(Base64Test, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    std::string encoded = Base64Encode(bytes);
    EXPECT_EQ(encoded.size() % 4, 0u);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, bytes);
    bytes.push_back(static_cast<char>(i * 37 + 250));
  }
  EXPECT_EQ(Base64Encode("message"), "bWVzc2FnZQ==");
}

TEST(Base64Test, RejectsEverythingButStrictEncodings) {
  for (const char* bad : {"bWVzc2FnZQ", "bWVzc2FnZQ=", "bWVz c2FnZQ==", "bWVzc2FnZQ==\n",
                          "bW=zc2FnZQ==", "bWVzc2FnZR==", "bWVzc2FnZQ-_",
                          "====", "A===", "bWVzc2FnZQ%3D%3D", "bWVzc2Fn\xff\x51=="}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
  EXPECT_EQ(Base64Decode("").value(), "");
}

TEST(HexTest, EncodesBothCases) {
  EXPECT_EQ(HexEncode("\x0a\xff"), "0aff");
  EXPECT_EQ(HexUpper("\x0a\xff"), "0AFF");
  EXPECT_EQ(AsciiUpper("ab1_Z"), "AB1_Z");
}

TEST(ConstantTimeTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(DigestTest, MatchesKnownValues) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexEncode(Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(HmacSha256("key", "The quick brown fox jumps over the lazy dog")),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST(RandomAlphanumericTest, DrawsFromTheAlphabet) {
  mileage::testing::FakeRandom random(7);
  std::string s = RandomAlphanumeric(random, 1000);
  ASSERT_EQ(s.size(), 1000u);
  std::set<char> seen(s.begin(), s.end());
  for (char c : seen) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
  EXPECT_GT(seen.size(), 55u);
  EXPECT_NE(RandomAlphanumeric(random, 32), RandomAlphanumeric(random, 32));
}

TEST(AesGcmTest, DecryptsJavaSdkVector) {
  auto ciphertext = Base64Decode(Vector("aes256gcm_java_small", "ciphertext"));
  ASSERT_TRUE(ciphertext);
  std::string key = Vector("aes256gcm_java_small", "apiv3_key");
  ASSERT_EQ(key.size(), 32u);
  auto plaintext = AesGcmDecrypt(key, Vector("aes256gcm_java_small", "nonce"),
                                 Vector("aes256gcm_java_small", "associated_data"), *ciphertext);
  ASSERT_TRUE(plaintext.ok()) << plaintext.status().ToString();
  EXPECT_EQ(*plaintext, Vector("aes256gcm_java_small", "plaintext"));

  auto again = AesGcmEncrypt(key, Vector("aes256gcm_java_small", "nonce"),
                             Vector("aes256gcm_java_small", "associated_data"), *plaintext);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *ciphertext);
}

TEST(AesGcmTest, Aes128GoVectorDecrypts) {
  // The Go utils vector uses a 16-byte key: AES-128-GCM (wechat/ refuses it as an APIv3 key).
  std::string key = Vector("aes128gcm_go_utils", "apiv3_key");
  ASSERT_EQ(key.size(), 16u);
  auto ciphertext = Base64Decode(Vector("aes128gcm_go_utils", "ciphertext"));
  ASSERT_TRUE(ciphertext);
  auto plaintext = AesGcmDecrypt(key, Vector("aes128gcm_go_utils", "nonce"),
                                 Vector("aes128gcm_go_utils", "associated_data"), *ciphertext);
  ASSERT_TRUE(plaintext.ok());
  EXPECT_EQ(*plaintext, Vector("aes128gcm_go_utils", "plaintext"));
}

TEST(AesGcmTest, EveryTamperFailsTheTag) {
  std::string key = Vector("aes256gcm_java_small", "apiv3_key");
  std::string nonce = Vector("aes256gcm_java_small", "nonce");
  std::string aad = Vector("aes256gcm_java_small", "associated_data");
  std::string ct = *Base64Decode(Vector("aes256gcm_java_small", "ciphertext"));
  struct Case {
    const char* what;
    std::string key, nonce, aad, ct;
  };
  std::vector<Case> cases = {
      {"ciphertext", key, nonce, aad, FlipBit(ct, 0)},
      {"tag", key, nonce, aad, FlipBit(ct, -1, 7)},
      {"nonce", key, FlipBit(nonce, 3), aad, ct},
      {"associated data", key, nonce, FlipBit(aad, 0), ct},
      {"missing associated data", key, nonce, "", ct},
      {"key", FlipBit(key, 31), nonce, aad, ct},
      {"truncated ciphertext", key, nonce, aad, ct.substr(1)},
  };
  for (const Case& c : cases) {
    auto r = AesGcmDecrypt(c.key, c.nonce, c.aad, c.ct);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.status().reason(), "WECHATPAY_DECRYPT_FAILED") << c.what;
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << c.what;
  }
}

TEST(AesGcmTest, RejectsBadParameters) {
  std::string key = Vector("aes256gcm_java_small", "apiv3_key");
  std::string ct = *Base64Decode(Vector("aes256gcm_java_small", "ciphertext"));
  EXPECT_EQ(AesGcmDecrypt(key.substr(0, 31), "uluk4a9R25RW", "", ct).status().reason(),
            "WECHATPAY_BAD_KEY_LENGTH");
  EXPECT_EQ(AesGcmDecrypt(key, "uluk4a9R25R", "", ct).status().reason(), "WECHATPAY_BAD_NONCE");
  EXPECT_EQ(AesGcmDecrypt(key, "uluk4a9R25RWx", "", ct).status().reason(), "WECHATPAY_BAD_NONCE");
  EXPECT_EQ(AesGcmDecrypt(key, "uluk4a9R25RW", "", ct.substr(0, 15)).status().reason(),
            "WECHATPAY_BAD_CIPHERTEXT");
  EXPECT_EQ(AesGcmDecrypt(key, "uluk4a9R25RW", "", "").status().reason(),
            "WECHATPAY_BAD_CIPHERTEXT");
}

TEST(AesBlockTest, CbcAndEcbRoundTripWithPkcs7) {
  std::string key16(16, 'k'), iv(16, 'i'), key32(32, 'K');
  for (std::string text :
       {std::string(), std::string("x"), std::string(16, 'y'), std::string(33, 'z')}) {
    auto cbc = Aes128CbcEncrypt(key16, iv, text);
    ASSERT_TRUE(cbc);
    EXPECT_EQ(cbc->size(), (text.size() / 16 + 1) * 16);
    EXPECT_EQ(Aes128CbcDecrypt(key16, iv, *cbc).value(), text);
    auto ecb = Aes256EcbEncrypt(key32, text);
    ASSERT_TRUE(ecb);
    EXPECT_EQ(Aes256EcbDecrypt(key32, *ecb).value(), text);
  }
  EXPECT_FALSE(Aes128CbcDecrypt(key16, iv, "").has_value());
  EXPECT_FALSE(Aes128CbcDecrypt(key16, iv, std::string(15, 'a')).has_value());
  EXPECT_FALSE(Aes128CbcDecrypt(key32, iv, std::string(16, 'a')).has_value());
  EXPECT_FALSE(Aes256EcbDecrypt(key16, std::string(16, 'a')).has_value());
}

TEST(RsaTest, SignReproducesGoSdkSignature) {
  auto key = RsaPrivateKey::FromPem(ReadTestdata("go_test_private_key.pem"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto signature = key->SignSha256(Vector("rsa_sign_go", "message"));
  ASSERT_TRUE(signature.ok());
  std::string expected = ReadTestdata("go_signer_expected_signature.txt");
  while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) {
    expected.pop_back();
  }
  EXPECT_EQ(Base64Encode(*signature), expected);
  EXPECT_TRUE(key->PublicKey().VerifySha256("source", *signature));
  EXPECT_FALSE(key->PublicKey().VerifySha256("sourcE", *signature));
}

TEST(RsaTest, VerifiesJavaSdkSignatureWithTheCertificate) {
  auto cert = ParseCertificatePem(ReadTestdata("java_merchant_certificate.pem"));
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->serial, "5F1C72E2A8931B72A2E13AF8DEE92471EB397115");
  auto signature = Base64Decode(Vector("rsa_verify_java", "signature"));
  ASSERT_TRUE(signature);
  EXPECT_TRUE(cert->public_key.VerifySha256(Vector("rsa_verify_java", "message"), *signature));
  EXPECT_FALSE(cert->public_key.VerifySha256("message!", *signature));
  EXPECT_FALSE(cert->public_key.VerifySha256("message", FlipBit(*signature, 100)));
  EXPECT_FALSE(cert->public_key.VerifySha256("message", signature->substr(1)));
  EXPECT_FALSE(cert->public_key.VerifySha256("message", ""));
}

TEST(RsaTest, ReadsCertificateSerialsAndValidity) {
  auto go = ParseCertificatePem(ReadTestdata("go_notify_wechatpay_certificate.pem"));
  ASSERT_TRUE(go.ok());
  EXPECT_EQ(go->serial, "D7CE59D1F522D701");
  EXPECT_EQ(UnixSeconds(go->not_before), 1619513723);  // Apr 27 08:55:23 2021 GMT
  EXPECT_EQ(UnixSeconds(go->not_after), 1934873723);   // Apr 25 08:55:23 2031 GMT
  auto java = ParseCertificatePem(ReadTestdata("java_wechat_pay_certificate.pem"));
  ASSERT_TRUE(java.ok());
  EXPECT_EQ(java->serial, "440024045C4A427599D09BB4E3DE0279F2E813FD");
}

TEST(RsaTest, CertificateAndPublicKeyPemHoldTheSameKey) {
  auto priv = RsaPrivateKey::FromPem(ReadTestdata("java_wechat_pay_private_key.pem"));
  auto pub = RsaPublicKey::FromPem(ReadTestdata("java_wechat_pay_public_key.pem"));
  auto cert = ParseCertificatePem(ReadTestdata("java_wechat_pay_certificate.pem"));
  ASSERT_TRUE(priv.ok() && pub.ok() && cert.ok());
  auto sig = priv->SignSha256("hello");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(pub->VerifySha256("hello", *sig));
  EXPECT_TRUE(cert->public_key.VerifySha256("hello", *sig));
}

TEST(RsaTest, RejectsBadKeys) {
  constexpr char kEcKey[] =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfbrqGk6QlnGPrr2k2QbC0iX+LKaU\n"
      "Iz7gxF53QvAa4+OUwwDcie9w3xiJRyRaccg/assGlWspTTLeLE0jo3zzSA==\n"
      "-----END PUBLIC KEY-----\n";
  constexpr char kRsa1024[] =
      "-----BEGIN PUBLIC KEY-----\n"
      "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCyVKdD/TOi2cAMcfdwmkVv8UL8\n"
      "oFD59a5SUe3a7BSGmIm8T2PQP8nA6UYE98+v/GxjdBELgEo3jgIHXXQO+zukEwJT\n"
      "eK0LFnYPG7GJ3VEpv6fgS7/i/E6qXojSW2C2U80qhH1V7814Bu+Rg0KQGt9TKS3t\n"
      "m674vQ/SimOr1xlslwIDAQAB\n"
      "-----END PUBLIC KEY-----\n";
  std::string cert = ReadTestdata("java_wechat_pay_certificate.pem");
  for (const std::string& bad :
       std::vector<std::string>{std::string(), std::string("garbage"), std::string(kEcKey),
                                std::string(kRsa1024), cert.substr(0, cert.size() / 2)}) {
    auto r = RsaPublicKey::FromPem(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().reason(), "WECHATPAY_BAD_KEY");
    auto c = ParseCertificatePem(bad);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().reason(), "WECHATPAY_BAD_KEY");
    auto p = RsaPrivateKey::FromPem(bad);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().reason(), "WECHATPAY_BAD_KEY");
  }
  // A public key is not a private key and vice versa.
  EXPECT_FALSE(RsaPrivateKey::FromPem(ReadTestdata("java_wechat_pay_public_key.pem")).ok());
  EXPECT_FALSE(ParseCertificatePem(ReadTestdata("java_wechat_pay_public_key.pem")).ok());
}

TEST(RsaTest, CanonicalSerialIgnoresCaseAndLeadingZeros) {
  EXPECT_EQ(CanonicalSerial("00d7ce59d1f522d701"), "D7CE59D1F522D701");
  EXPECT_EQ(CanonicalSerial("D7CE59D1F522D701"), "D7CE59D1F522D701");
  EXPECT_EQ(CanonicalSerial("000"), "0");
  EXPECT_EQ(CanonicalSerial(""), "");
}

}  // namespace
}  // namespace mileage::crypto
