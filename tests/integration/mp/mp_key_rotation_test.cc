// The data key rotation (docs/OPERATIONS.md "Rotating the data key"): with data_key = new and
// previous_data_keys = [old], members written under the old key stay readable and findable by
// phone and plate, new writes from several threads go on while the re-sealing job runs, and
// afterwards every sealed value in the database is under the new key, /metrics says 0 left, and
// a server with the new key alone reads every phone, plate and VIN as written, finds each member
// by phone and plate and still verifies WeChat Pay notifications (the merchant's sealed key).
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crypto/data_key.h"
#include "crypto/field_cipher.h"
#include "server/jobs.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

constexpr const char* kNewKey = "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeef0";
constexpr const char* kVin = "LVSHCAMB1CE054249";

// What a member was given: their login code, phone and plate.
struct Given {
  std::string code;
  std::string phone;
  std::string plate;
};

class MpKeyRotationTest : public MpTest {
 protected:
  // Signs `code` in, binds a phone and adds a vehicle; the member's id, or 0 after a failure.
  int64_t Furnish(const Given& w) {
    const SignedIn member = SignIn(w.code);
    MpReply bound =
        Send("POST", "/api/mp/phone", member.token, R"({"code":"phone-)" + w.phone + R"("})");
    EXPECT_EQ(bound.status, 200) << w.code << ": " << bound.body;
    MpReply added =
        Send("POST", "/api/mp/vehicles", member.token,
             R"({"plate":")" + w.plate + R"(","model":"Model Y","vin":")" + kVin + R"("})");
    EXPECT_EQ(added.status, 201) << w.code << ": " << added.body;
    return bound.status == 200 && added.status == 201 ? member.id : 0;
  }

  static Given Nth(const std::string& prefix, int n) {
    return Given{prefix + std::to_string(n), std::to_string(13900000000LL + n),
                 "京B" + std::to_string(10000 + n)};
  }

  // The ids the console's member search finds for `q`.
  std::vector<int64_t> Search(const std::string& q) {
    if (staff_.empty()) staff_ = StaffToken();
    MpReply reply =
        Send("GET", "/api/console/members?q=" + httplib::detail::encode_query_param(q), staff_);
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::vector<int64_t> ids;
    if (reply.status != 200) return ids;
    for (const auto& item : reply.json["items"].GetArray()) ids.push_back(item["id"].GetInt64());
    return ids;
  }

  // The value of the gauge `name` on /metrics, or -2 when absent.
  double Gauge(const std::string& name) {
    httplib::Client client("127.0.0.1", server_->port());
    auto res = client.Get("/metrics");
    if (!res) return -2;
    const std::string prefix = "\n" + name + " ";
    const size_t at = res->body.find(prefix);
    if (at == std::string::npos) return -2;
    return std::stod(res->body.substr(at + prefix.size()));
  }

  // Every value in the database that looks sealed ("v1.<key id>."), by key id.
  std::map<std::string, int64_t> SealedByKey() {
    std::map<std::string, int64_t> out;
    const bool sqlite = app().db().dialect() == db::Dialect::kSqlite;
    Result<db::PooledConnection> conn = app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return out;
    Result<std::vector<db::Row>> tables = (*conn)->Query(
        sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
               : "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
        {});
    EXPECT_TRUE(tables.ok());
    if (!tables.ok()) return out;
    for (const db::Row& table : *tables) {
      Result<std::vector<db::Row>> rows = (*conn)->Query("SELECT * FROM " + table.Text(0), {});
      EXPECT_TRUE(rows.ok());
      if (!rows.ok()) continue;
      for (const db::Row& row : *rows) {
        for (size_t i = 0; i < row.size(); ++i) {
          const std::string* text = std::get_if<std::string>(&row.value(i));
          if (text == nullptr || text->rfind("v1.", 0) != 0 || text->size() < 12) continue;
          ++out[text->substr(3, 8)];
        }
      }
    }
    return out;
  }

  static std::string KeyIdOf(const std::string& hex) {
    Result<crypto::DataKey> key = crypto::DataKey::FromHex(hex);
    EXPECT_TRUE(key.ok());
    OsRandom random;
    crypto::FieldCipher cipher(*key, {}, random);
    return cipher.primary_key_id();
  }

  // The brand admin's console token, logged in once per server (a restart with another data key
  // ends it); console logins are rate limited.
  std::string staff_;
};

TEST_P(MpKeyRotationTest, ReSealingUnderConcurrentWritesLosesNothing) {
  const std::string old_key = config_.data_key;
  std::map<int64_t, Given> expected;
  for (int i = 0; i < 6; ++i) {
    const Given w = Nth("before", i);
    const int64_t id = Furnish(w);
    ASSERT_NE(id, 0);
    expected[id] = w;
  }
  Pay("before0", 1000);
  const std::string old_id = KeyIdOf(old_key), new_id = KeyIdOf(kNewKey);
  ASSERT_NE(old_id, new_id);
  EXPECT_EQ(SealedByKey().count(new_id), 0u);

  const auto rotating = [&](Config& c) {
    c.data_key = kNewKey;
    c.previous_data_keys = {old_key};
  };
  StartServer({}, rotating);
  staff_.clear();
  Config job_config = config_;
  rotating(job_config);
  // Each member's phone, plate and VIN; the merchant's API v3 key and API key; the app secret.
  EXPECT_EQ(Gauge("mileage_data_key_stale_values"), 6 * 3 + 3.0);
  // Before the job: members written under the old key are found by the old hashes, and their
  // phones and plates are still taken for another member.
  for (const auto& [id, w] : expected) {
    EXPECT_EQ(Search(w.phone), std::vector<int64_t>{id}) << w.phone;
  }
  const SignedIn intruder = SignIn("intruder");
  const Given& first = expected.begin()->second;
  MpReply plate_taken = Send("POST", "/api/mp/vehicles", intruder.token,
                             R"({"plate":")" + first.plate + R"(","model":"Model 3"})");
  EXPECT_EQ(plate_taken.status, 409) << plate_taken.body;
  EXPECT_EQ(plate_taken.code(), "VEHICLE_EXISTS");
  MpReply phone_taken =
      Send("POST", "/api/mp/phone", intruder.token, R"({"code":"phone-)" + first.phone + R"("})");
  EXPECT_EQ(phone_taken.status, 409) << phone_taken.body;
  EXPECT_EQ(phone_taken.code(), "PHONE_TAKEN");

  std::mutex mu;
  std::atomic<int> writers_left{4};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const Given w = Nth("during" + std::to_string(t) + "-", 100 + t * 10 + i);
        const int64_t id = Furnish(w);
        std::lock_guard lock(mu);
        if (id != 0) expected[id] = w;
      }
      --writers_left;
    });
  }
  int passes = 0;
  while (writers_left.load() > 0) {
    Result<server::JobsReport> ran = server::RunMembershipJobs(app().db(), job_config, clock_);
    ASSERT_TRUE(ran.ok()) << ran.status().ToString();
    ++passes;
  }
  for (std::thread& writer : writers) writer.join();
  Result<server::JobsReport> last = server::RunMembershipJobs(app().db(), job_config, clock_);
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_GE(passes, 1);
  ASSERT_EQ(expected.size(), 26u);

  EXPECT_EQ(Gauge("mileage_data_key_stale_values"), 0.0);
  const std::map<std::string, int64_t> sealed = SealedByKey();
  EXPECT_EQ(sealed.count(old_id), 0u) << "values left under the old key";
  // Phone, plate and VIN of every member, the merchant's two keys and the app secret.
  EXPECT_GE(sealed.count(new_id) ? sealed.at(new_id) : 0, 26 * 3 + 3);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM job_runs WHERE name = 'data_key_reseal' AND "
                   "outcome = 'ok'"),
            1);

  // The new key alone.
  StartServer({}, [](Config& c) {
    c.data_key = kNewKey;
    c.previous_data_keys.clear();
  });
  staff_.clear();
  for (const auto& [id, w] : expected) {
    const SignedIn member = SignIn(w.code);
    ASSERT_EQ(member.id, id) << w.code;
    MpReply exported = Send("POST", "/api/mp/privacy/export", member.token);
    ASSERT_EQ(exported.status, 200) << exported.body;
    const rapidjson::Value& vehicles = exported.json["sections"]["vehicles"];
    ASSERT_EQ(vehicles.Size(), 1u) << w.code;
    EXPECT_EQ(std::string(vehicles[0]["plate"].GetString()), w.plate);
    EXPECT_EQ(std::string(vehicles[0]["vin"].GetString()), kVin);
    bool phone_found = false;
    for (const auto& identity : exported.json["sections"]["identities"].GetArray()) {
      phone_found = phone_found || std::string(identity["value"].GetString()) == w.phone;
    }
    EXPECT_TRUE(phone_found) << w.code << ": " << exported.body;
    EXPECT_EQ(Search(w.phone), std::vector<int64_t>{id}) << w.phone;
    EXPECT_EQ(Search(w.plate), std::vector<int64_t>{id}) << w.plate;
  }
  const int64_t payments = Scalar("SELECT COUNT(*) FROM payment_transactions");
  Pay("before0", 2000);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions"), payments + 1);
}

MILEAGE_MP_TEST_SUITE(MpKeyRotationTest);

}  // namespace
}  // namespace mileage::testing
