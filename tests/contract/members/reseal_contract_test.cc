// The data key rotation's re-sealing of member phones (org::ResealColumn with
// members::PhoneVault::SealedColumn) on every backend: phones bound under the old key are
// re-sealed under the new one and re-hashed in the same row, in batches, a value that does not
// open is skipped (and a second pass ends with it still skipped, not looping), and the phone
// binding's uniqueness sees a phone still under the old hash.
#include <string>
#include <vector>

#include "crypto/field_cipher.h"
#include "org/resealer.h"
#include "tests/contract/members/members_fixture.h"
#include "tests/support/data_keys.h"

namespace mileage::members {
namespace {

using testing::Backend;

class ResealTest : public MembersTest {
 protected:
  void SetUp() override {
    MembersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    previous_ = {data_key_};
    rotating_cipher_ = std::make_unique<crypto::FieldCipher>(new_key_, previous_, random_);
    rotating_ = std::make_unique<PhoneVault>(new_key_, *rotating_cipher_, previous_);
    new_only_cipher_ = std::make_unique<crypto::FieldCipher>(
        new_key_, std::span<const crypto::DataKey>(), random_);
    new_only_ = std::make_unique<PhoneVault>(new_key_, *new_only_cipher_);
  }

  std::string Phone(int i) const { return "1380000000" + std::to_string(i); }

  crypto::DataKey new_key_ = testing::FilledDataKey(77);
  std::vector<crypto::DataKey> previous_;
  std::unique_ptr<crypto::FieldCipher> rotating_cipher_, new_only_cipher_;
  std::unique_ptr<PhoneVault> rotating_, new_only_;
};

TEST_P(ResealTest, PhonesAreResealedAndRehashedAndABrokenOneIsSkipped) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    Result<Enrollment> e = Enroll(Payer("openid-reseal-" + std::to_string(i)));
    MEMBERS_ASSERT_OK(e);
    ids.push_back(e->member.id);
    MEMBERS_ASSERT_OK(InStore([&](MemberStore& store) {
      return store.AttachPhone(e->member.id, brand_, Phone(i), *vault_, kNow);
    }));
  }
  // Member 4's sealed phone no longer opens (bound to another context).
  Result<std::string> broken = cipher_->Seal(Phone(4), "elsewhere");
  MEMBERS_ASSERT_OK(broken);
  {
    Result<db::PooledConnection> conn = db().Acquire();
    MEMBERS_ASSERT_OK(conn);
    MEMBERS_ASSERT_OK((*conn)->Exec(
        "UPDATE member_identities SET value_sealed = ? WHERE member_id = ? AND kind = 'phone'",
        {db::Value(*broken), db::Value(ids[4])}));
  }
  // During the rotation: another member binding member 0's phone is refused (old hash seen).
  Result<Enrollment> other = Enroll(Payer("openid-reseal-other"));
  MEMBERS_ASSERT_OK(other);
  const Status taken = InStore([&](MemberStore& store) {
    return store.AttachPhone(other->member.id, brand_, Phone(0), *rotating_, kNow);
  });
  EXPECT_EQ(taken.reason(), "PHONE_TAKEN") << taken.ToString();

  const org::SealedColumn column = rotating_->SealedColumn();
  Result<org::ResealProgress> done = org::ResealColumn(db(), *rotating_cipher_, column, 2, {});
  MEMBERS_ASSERT_OK(done);
  EXPECT_EQ(done->resealed, 4);
  EXPECT_EQ(done->skipped, 1);
  {
    Result<db::PooledConnection> conn = db().Acquire();
    MEMBERS_ASSERT_OK(conn);
    Result<int64_t> left = org::CountStale(**conn, *rotating_cipher_, column);
    MEMBERS_ASSERT_OK(left);
    EXPECT_EQ(*left, 1);
  }
  for (int i = 0; i < 4; ++i) {
    std::vector<db::Row> rows = QueryRows(
        "SELECT value, value_sealed FROM member_identities WHERE member_id = ? AND kind = 'phone'",
        {db::Value(ids[i])});
    ASSERT_EQ(rows.size(), 1u);
    Result<std::string> opened = new_only_->Open(brand_, rows[0].Text(1));
    MEMBERS_ASSERT_OK(opened);
    EXPECT_EQ(*opened, Phone(i));
    EXPECT_EQ(rows[0].Text(0), *new_only_->Hash(Phone(i))) << "re-hashed under the new key";
  }
  // A second pass finds only the broken value, skips it again and ends.
  Result<org::ResealProgress> again = org::ResealColumn(db(), *rotating_cipher_, column, 2, {});
  MEMBERS_ASSERT_OK(again);
  EXPECT_EQ(again->resealed, 0);
  EXPECT_EQ(again->skipped, 1);
  // After it the new hash holds member 0's phone: still taken.
  const Status still = InStore([&](MemberStore& store) {
    return store.AttachPhone(other->member.id, brand_, Phone(0), *new_only_, kNow);
  });
  EXPECT_EQ(still.reason(), "PHONE_TAKEN");
}

INSTANTIATE_TEST_SUITE_P(Backends, ResealTest, ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

}  // namespace
}  // namespace mileage::members
