// The secrets at rest: the data key, the field cipher (AES-256-GCM with rotation and
// context binding) and the scrypt password hasher.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/testing/fake_random.h"
#include "crypto/data_key.h"
#include "crypto/digest.h"
#include "crypto/field_cipher.h"
#include "crypto/hex.h"
#include "crypto/password_hasher.h"

namespace mileage::crypto {
namespace {

using testing::FakeRandom;

constexpr ScryptParams kFastScrypt{10, 8, 1};

DataKey KeyOf(char digit) { return *DataKey::FromHex(std::string(64, digit)); }

TEST(HexTest, RoundTripsAndRejectsNonHex) {
  EXPECT_EQ(HexEncode(std::string_view("\x00\xff\x10", 3)), "00ff10");
  auto decoded = HexDecode("00FF10");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, (std::vector<uint8_t>{0x00, 0xff, 0x10}));
  EXPECT_FALSE(HexDecode("abc").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
}

TEST(DataKeyTest, AcceptsExactly64HexDigitsAndNeverEchoesThem) {
  EXPECT_TRUE(DataKey::FromHex(std::string(64, 'a')).ok());
  EXPECT_TRUE(DataKey::FromHex(std::string(64, 'F')).ok());
  for (const std::string& bad :
       {std::string(), std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'g')}) {
    Result<DataKey> key = DataKey::FromHex(bad);
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(key.status().reason(), "INVALID_DATA_KEY");
    if (!bad.empty()) {
      EXPECT_EQ(key.status().message().find(bad), std::string::npos);
    }
  }
}

TEST(DataKeyTest, DerivedKeysDependOnLabelAndKey) {
  DataKey a = KeyOf('1');
  DataKey b = KeyOf('2');
  EXPECT_NE(*a.Derive("x"), *a.Derive("y"));
  EXPECT_NE(*a.Derive("x"), *b.Derive("x"));
  EXPECT_EQ(*a.Derive("x"), *a.Derive("x"));
}

TEST(DigestTest, PreparedHmacMatchesRfc4231) {
  // RFC 4231 test case 2.
  const std::string key = "Jefe";
  HmacSha256Key mac(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
  EXPECT_EQ(HexEncode(*mac.Sign("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(FieldCipherTest, SealsWithAFreshNonceAndOpensInItsContext) {
  FakeRandom random;
  FieldCipher cipher(KeyOf('a'), {}, random);
  Result<std::string> first = cipher.Seal("0123456789abcdef0123456789abcdef", "ctx:1");
  Result<std::string> second = cipher.Seal("0123456789abcdef0123456789abcdef", "ctx:1");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(*first, *second) << "a nonce must never repeat";
  EXPECT_EQ(first->rfind("v1." + cipher.primary_key_id() + ".", 0), 0u) << *first;
  EXPECT_EQ(first->find("0123456789abcdef"), std::string::npos) << "plaintext leaked";
  EXPECT_EQ(*cipher.Open(*first, "ctx:1"), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(*cipher.Open(*second, "ctx:1"), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(*cipher.Open(*cipher.Seal("", "ctx"), "ctx"), "");
}

TEST(FieldCipherTest, AnotherContextOrAlteredTextIsRejected) {
  FakeRandom random;
  FieldCipher cipher(KeyOf('a'), {}, random);
  std::string sealed = *cipher.Seal("secret", "merchants.apiv3_key:1");
  Result<std::string> moved = cipher.Open(sealed, "merchants.apiv3_key:2");
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().reason(), "CIPHERTEXT_REJECTED");

  std::string altered = sealed;
  altered.back() = altered.back() == '0' ? '1' : '0';
  EXPECT_EQ(cipher.Open(altered, "merchants.apiv3_key:1").status().reason(), "CIPHERTEXT_REJECTED");
}

TEST(FieldCipherTest, MalformedValuesAreInvalid) {
  FakeRandom random;
  FieldCipher cipher(KeyOf('a'), {}, random);
  for (const std::string& bad :
       {std::string(""), std::string("v2.00000000.00"), std::string("v1.short.00"),
        "v1." + cipher.primary_key_id() + ".zz", "v1." + cipher.primary_key_id() + ".0011"}) {
    EXPECT_EQ(cipher.Open(bad, "c").status().reason(), "MALFORMED_CIPHERTEXT") << bad;
  }
}

TEST(FieldCipherTest, RotationOpensOldValuesAndSealsWithTheNewKey) {
  FakeRandom random;
  FieldCipher old_cipher(KeyOf('a'), {}, random);
  std::string sealed_with_old = *old_cipher.Seal("partner secret", "c");

  const DataKey previous[] = {KeyOf('a')};
  FieldCipher rotated(KeyOf('b'), previous, random);
  EXPECT_NE(rotated.primary_key_id(), old_cipher.primary_key_id());
  EXPECT_EQ(*rotated.Open(sealed_with_old, "c"), "partner secret");
  std::string sealed_with_new = *rotated.Seal("partner secret", "c");
  EXPECT_EQ(sealed_with_new.rfind("v1." + rotated.primary_key_id(), 0), 0u);

  FieldCipher other(KeyOf('c'), {}, random);
  EXPECT_EQ(other.Open(sealed_with_old, "c").status().reason(), "UNKNOWN_DATA_KEY");
}

TEST(PasswordHasherTest, VerifiesTheRightPasswordOnly) {
  FakeRandom random;
  PasswordHasher hasher(random, kFastScrypt);
  Result<std::string> hash = hasher.Hash("correct horse");
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hash->rfind("scrypt$10$8$1$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(*hasher.Verify("correct horse", *hash));
  EXPECT_FALSE(*hasher.Verify("correct horsE", *hash));
  EXPECT_FALSE(*hasher.Verify("", *hash));
}

TEST(PasswordHasherTest, EachHashHasItsOwnSalt) {
  FakeRandom random;
  PasswordHasher hasher(random, kFastScrypt);
  std::set<std::string> hashes;
  for (int i = 0; i < 5; ++i) hashes.insert(*hasher.Hash("same password"));
  EXPECT_EQ(hashes.size(), 5u);
}

TEST(PasswordHasherTest, VerifiesWithTheParametersStoredInTheHash) {
  FakeRandom random;
  PasswordHasher old_hasher(random, ScryptParams{11, 4, 1});
  std::string stored = *old_hasher.Hash("pw-12345");
  PasswordHasher current(random, kFastScrypt);
  EXPECT_TRUE(*current.Verify("pw-12345", stored));
}

TEST(PasswordHasherTest, MalformedOrAbusiveStoredHashesAreRejected) {
  FakeRandom random;
  PasswordHasher hasher(random, kFastScrypt);
  std::string good = *hasher.Hash("pw-12345");
  const std::string salt_and_hash = good.substr(std::string("scrypt$10$8$1$").size());
  for (const std::string& bad :
       {std::string(""), std::string("bcrypt$10$8$1$00$00"), "scrypt$30$8$1$" + salt_and_hash,
        "scrypt$10$0$1$" + salt_and_hash, "scrypt$10$8$1$zz$" + std::string(64, '0'),
        std::string("scrypt$10$8$1$00$0011"), good + "$extra"}) {
    Result<bool> verified = hasher.Verify("pw-12345", bad);
    ASSERT_FALSE(verified.ok()) << bad;
    EXPECT_EQ(verified.status().reason(), "MALFORMED_PASSWORD_HASH") << bad;
  }
}

TEST(PasswordHasherTest, ProductionParametersAreMemoryHard) {
  // 2^14 * 8 * 128 bytes = 16 MiB per hash; docs/PERFORMANCE.md has the measured time.
  EXPECT_GE(kDefaultScryptParams.log2_n, 14);
  EXPECT_GE(kDefaultScryptParams.r, 8);
  FakeRandom random;
  PasswordHasher hasher(random, kDefaultScryptParams);
  std::string hash = *hasher.Hash("pw-12345");
  EXPECT_TRUE(*hasher.Verify("pw-12345", hash));
}

}  // namespace
}  // namespace mileage::crypto
