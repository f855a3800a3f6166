#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/testing/fake_random.h"
#include "crypto/data_key.h"
#include "crypto/field_cipher.h"
#include "db/db.h"
#include "members/member_store.h"
#include "members/phone_vault.h"
#include "members/vehicle_vault.h"
#include "tests/support/test_database.h"

namespace mileage::members {

const Status& StatusOf(const Status& status);
template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}

// Copies the Status, so that `expr` may be a temporary's .status().
#define MEMBERS_ASSERT_OK(expr)                              \
  do {                                                       \
    const ::mileage::Status members_ok_ = StatusOf(expr);    \
    ASSERT_TRUE(members_ok_.ok()) << members_ok_.ToString(); \
  } while (false)

// 2024-03-15T12:00:00Z: "now" of most tests.
inline constexpr int64_t kNow = 1710504000;
inline constexpr int64_t kDay = 86400;
inline constexpr char kAppid[] = "wx1234567890abcdef";

// A fresh migrated database per test (SQLite or MariaDB by the parameter) with one brand, a
// phone vault on a fixed data key, and helpers that run the store in a transaction.
class MembersTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override;

  db::Db& db() { return db_->db(); }
  // Inserts a brand and returns its id.
  int64_t NewBrand(const std::string& name);
  // Runs `work` with a MemberStore in one committed transaction (InTransaction's retries).
  Status InStore(const std::function<Status(MemberStore&)>& work);
  // FindOrEnroll of `payer` as a WeChat Pay enrollment at store 7, in its own transaction.
  Result<Enrollment> Enroll(const PayerIdentity& payer, int64_t now = kNow);
  PayerIdentity Payer(const std::string& openid) const {
    return PayerIdentity{brand_, kAppid, openid, std::nullopt};
  }
  // The single integer a query returns (e.g. COUNT(*)); -1 after a recorded failure.
  int64_t QueryInt(const std::string& sql, std::vector<db::Value> params = {});
  // All rows of a query.
  std::vector<db::Row> QueryRows(const std::string& sql, std::vector<db::Value> params = {});
  // COUNT(*) of each members table, to show that a refused call wrote nothing.
  std::string TableCounts();

  std::unique_ptr<testing::TestDatabase> db_;
  testing::FakeRandom random_{1234};
  crypto::DataKey data_key_ = crypto::DataKey::FromBytes(
      crypto::Key256{1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
  std::unique_ptr<crypto::FieldCipher> cipher_;
  std::unique_ptr<PhoneVault> vault_;
  std::unique_ptr<VehicleVault> vehicle_vault_;
  int64_t brand_ = 0;
};

}  // namespace mileage::members
