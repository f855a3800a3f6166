#include "tests/contract/members/members_fixture.h"

#include <span>

namespace mileage::members {

const Status& StatusOf(const Status& status) { return status; }

void MembersTest::SetUp() {
  db_ = testing::TestDatabase::Open(GetParam(), 16);
  if (db_ == nullptr) return;
  cipher_ =
      std::make_unique<crypto::FieldCipher>(data_key_, std::span<const crypto::DataKey>(), random_);
  vault_ = std::make_unique<PhoneVault>(data_key_, *cipher_);
  vehicle_vault_ = std::make_unique<VehicleVault>(data_key_, *cipher_);
  brand_ = NewBrand("Brand A");
}

int64_t MembersTest::NewBrand(const std::string& name) {
  int64_t id = 0;
  Status status = db::InTransaction(db(), [&](db::Connection& conn) {
    MILEAGE_ASSIGN_OR_RETURN(
        int64_t inserted,
        conn.Insert("INSERT INTO brands (name, active, created_at, updated_at) VALUES (?, 1, ?, ?)",
                    {db::Value(name), db::Value(kNow), db::Value(kNow)}));
    id = inserted;
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return id;
}

Status MembersTest::InStore(const std::function<Status(MemberStore&)>& work) {
  return db::InTransaction(db(), [&](db::Connection& conn) {
    MemberStore store(conn, random_);
    return work(store);
  });
}

Result<Enrollment> MembersTest::Enroll(const PayerIdentity& payer, int64_t now) {
  Enrollment out;
  Status status = InStore([&](MemberStore& store) {
    MILEAGE_ASSIGN_OR_RETURN(out, store.FindOrEnroll(payer, "silver", "wechat_pay", 7, now));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

int64_t MembersTest::QueryInt(const std::string& sql, std::vector<db::Value> params) {
  std::vector<db::Row> rows = QueryRows(sql, std::move(params));
  if (rows.size() != 1) {
    ADD_FAILURE() << sql << ": " << rows.size() << " rows";
    return -1;
  }
  return rows.front().Int(0);
}

std::vector<db::Row> MembersTest::QueryRows(const std::string& sql, std::vector<db::Value> params) {
  Result<db::PooledConnection> conn = db().Acquire();
  if (!conn.ok()) {
    ADD_FAILURE() << conn.status().ToString();
    return {};
  }
  Result<std::vector<db::Row>> rows = (*conn)->Query(sql, params);
  if (!rows.ok()) {
    ADD_FAILURE() << sql << ": " << rows.status().ToString();
    return {};
  }
  return std::move(rows).value();
}

std::string MembersTest::TableCounts() {
  std::string out;
  for (const char* table :
       {"members", "member_identities", "member_activity", "member_tier_changes"}) {
    out += std::string(table) + "=" +
           std::to_string(QueryInt(std::string("SELECT COUNT(*) FROM ") + table)) + " ";
  }
  return out;
}

}  // namespace mileage::members
