// Search hashes through a data key rotation (members/pii_vault.h, members/phone_vault.h): Hash is
// the primary key's HMAC (written), Hashes every key's, the primary first (what lookups try);
// both computed here from the key and the label with the HMAC primitive, not through the vault.
#include "members/pii_vault.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/testing/fake_random.h"
#include "crypto/digest.h"
#include "crypto/field_cipher.h"
#include "crypto/hex.h"
#include "members/phone_vault.h"
#include "tests/support/data_keys.h"

namespace mileage::members {
namespace {

constexpr std::string_view kLabel = "mileage/test-hash/v1";

std::string Expected(const crypto::DataKey& key, std::string_view label, std::string_view text) {
  Result<crypto::Key256> derived = key.Derive(label);
  EXPECT_TRUE(derived.ok());
  crypto::HmacSha256Key mac(*derived);
  Result<crypto::Digest256> digest = mac.Sign(text);
  EXPECT_TRUE(digest.ok());
  return crypto::HexEncode(*digest);
}

class PiiVaultTest : public ::testing::Test {
 protected:
  testing::FakeRandom random_{3};
  crypto::DataKey old_ = testing::FilledDataKey(1);
  crypto::DataKey new_ = testing::FilledDataKey(2);
  std::vector<crypto::DataKey> previous_{old_};
  crypto::FieldCipher cipher_{new_, previous_, random_};
};

TEST_F(PiiVaultTest, WithoutARotationOneHashUnderTheDataKey) {
  PiiVault vault(new_, cipher_, kLabel);
  Result<std::vector<std::string>> hashes = vault.Hashes("abc");
  ASSERT_TRUE(hashes.ok());
  EXPECT_EQ(*hashes, std::vector<std::string>{Expected(new_, kLabel, "abc")});
  EXPECT_EQ(*vault.Hash("abc"), Expected(new_, kLabel, "abc"));
}

TEST_F(PiiVaultTest, DuringARotationTheNewKeysHashFirstThenThePreviousOnes) {
  PiiVault vault(new_, cipher_, kLabel, previous_);
  Result<std::vector<std::string>> hashes = vault.Hashes("abc");
  ASSERT_TRUE(hashes.ok());
  EXPECT_EQ(*hashes, (std::vector<std::string>{Expected(new_, kLabel, "abc"),
                                               Expected(old_, kLabel, "abc")}));
  EXPECT_EQ(*vault.Hash("abc"), Expected(new_, kLabel, "abc")) << "what is written";
  // A sealed copy made under the old key alone still opens.
  crypto::FieldCipher old_cipher(old_, {}, random_);
  Result<std::string> sealed = old_cipher.Seal("abc", "ctx");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(*vault.Open(*sealed, "ctx"), "abc");
}

TEST_F(PiiVaultTest, PhonesAreNormalisedBeforeEveryKeysHash) {
  PhoneVault phones(new_, cipher_, previous_);
  Result<std::vector<std::string>> hashes = phones.Hashes("+86 138-0013-8000");
  ASSERT_TRUE(hashes.ok()) << hashes.status().ToString();
  EXPECT_EQ(*hashes, (std::vector<std::string>{
                         Expected(new_, "mileage/member-phone-hash/v1", "13800138000"),
                         Expected(old_, "mileage/member-phone-hash/v1", "13800138000")}));
  EXPECT_EQ(phones.Hashes("12").status().reason(), "INVALID_PHONE");
}

}  // namespace
}  // namespace mileage::members
