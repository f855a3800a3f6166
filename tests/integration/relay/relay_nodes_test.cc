// The relay across processes on one MariaDB: one `mileage serve` and two `mileage relay`
// processes run at once while events are written; the one holding the relay lease is killed
// with SIGKILL mid-run. Every event must reach the webhook receiver (a real HTTP server in this
// test, which checks each signature with OpenSSL's HMAC), in order per member, and no event may
// be delivered by two processes at the same time. MariaDB only.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "common/random.h"
#include "crypto/data_key.h"
#include "crypto/field_cipher.h"
#include "db/outbox.h"
#include "relay/outbox_relay.h"
#include "tests/integration/relay/webhook_receiver.h"
#include "tests/support/mileage_nodes.h"
#include "tests/support/test_database.h"

namespace mileage::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kDataKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr const char* kSecret = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";
constexpr int64_t kBrand = 1;
constexpr int kMembers = 8;
constexpr int kBatches = 30;
constexpr int kPerBatch = 8;

class RelayNodesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = TestDatabase::Open(Backend::kMysql);
    if (database_ == nullptr) return;
    receiver_.SetPolicy([](int64_t, int) {
      return ReceiverAnswer{200, std::chrono::milliseconds(5)};
    });
    AddEndpoint();
    for (int i = 0; i < 3; ++i) {
      NodeConfig config;
      config.database = database_->url();
      config.data_key = kDataKey;
      config.wechat_base_url = "http://127.0.0.1:9";  // never called: no payments here
      config.node_id = "relay-node-" + std::to_string(i + 1);
      config.job_lease_ttl_s = 3;
      config.drain_s = 0;
      config.command = i == 0 ? "serve" : "relay";
      config.extra_json = R"(,"relay_poll_ms":50,"relay_retry_base_s":1,"relay_retry_max_s":2,)"
                          R"("webhook_allow_private_urls":true)";  // the receiver is on loopback
      nodes_.Add(config);
    }
  }
  void TearDown() override {
    nodes_.KillAll();
    database_.reset();
  }

  // The brand's endpoint at the receiver, its secret sealed as the console would seal it.
  void AddEndpoint() {
    OsRandom random;
    Result<crypto::DataKey> key = crypto::DataKey::FromHex(kDataKey);
    ASSERT_TRUE(key.ok());
    const crypto::FieldCipher cipher(*key, {}, random);
    Result<db::PooledConnection> conn = database_->db().Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Result<int64_t> id = (*conn)->Insert(
        "INSERT INTO webhook_endpoints (brand_id, url, topics, secret_sealed, enabled, created_at, "
        "updated_at) VALUES (?, ?, '', '', 1, 0, 0)",
        {db::Value(kBrand), db::Value(receiver_.url())});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    Result<std::string> sealed = cipher.Seal(kSecret, relay::WebhookSecretContext(*id));
    ASSERT_TRUE(sealed.ok());
    ASSERT_TRUE((*conn)
                    ->Exec("UPDATE webhook_endpoints SET secret_sealed = ? WHERE id = ?",
                           {db::Value(*sealed), db::Value(*id)})
                    .ok());
  }

  // Writes one batch of events, round robin over the members; returns their member ids by event.
  void WriteBatch(int batch) {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    std::vector<db::OutboxEvent> events;
    for (int i = 0; i < kPerBatch; ++i) {
      const int64_t member = 1 + (batch * kPerBatch + i) % kMembers;
      events.push_back({"member.test", kBrand, std::to_string(member),
                        db::PayloadJson({{"member_id", member}, {"seq", batch * kPerBatch + i}})});
    }
    ASSERT_TRUE(db::AddOutboxEvents(**conn, events, std::time(nullptr)).ok());
  }

  // The node holding the relay lease now (-1 when none).
  int LeaseHolder() {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    if (!conn.ok()) return -1;
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT holder FROM job_leases WHERE name = 'outbox_relay' AND expires_at > ?",
        {db::Value(static_cast<int64_t>(std::time(nullptr)))});
    if (!rows.ok() || rows->empty()) return -1;
    const std::string holder = (*rows)[0].Text(0);
    for (int i = 0; i < nodes_.size(); ++i) {
      if (nodes_.config(i).node_id == holder) return i;
    }
    return -1;
  }

  std::unique_ptr<TestDatabase> database_;
  WebhookReceiver receiver_;
  MileageNodes nodes_{MILEAGE_BINARY};
};

TEST_F(RelayNodesTest, ThreeRelaysOneKilledEveryEventOnceAtATimeInOrderPerMember) {
  if (database_ == nullptr) return;
  ASSERT_EQ(nodes_.StartAll(), "");
  int killed = -1;
  for (int batch = 0; batch < kBatches; ++batch) {
    WriteBatch(batch);
    if (batch == kBatches / 2) {
      // Kill whoever relays now, mid-run.
      const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
      while ((killed = LeaseHolder()) < 0 && SteadyClock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      ASSERT_GE(killed, 0) << "no node took the relay lease\n" << nodes_.LogTails();
      nodes_.Kill(killed);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  const int64_t total = database_->Scalar("SELECT COUNT(*) FROM outbox_events");
  ASSERT_EQ(total, kBatches * kPerBatch);
  // Everything arrives once another node took over (within ttl * 4 / 3 of the kill).
  const auto deadline = SteadyClock::now() + std::chrono::seconds(90);
  std::set<int64_t> delivered;
  while (SteadyClock::now() < deadline) {
    const std::vector<int64_t> ids = receiver_.Delivered();
    delivered = std::set<int64_t>(ids.begin(), ids.end());
    if (static_cast<int64_t>(delivered.size()) == total &&
        database_->Scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'delivered'") ==
            total) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(static_cast<int64_t>(delivered.size()), total) << nodes_.LogTails();
  EXPECT_EQ(database_->Scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'delivered'"),
            total);
  EXPECT_EQ(database_->Scalar("SELECT COUNT(*) FROM outbox_events WHERE published_at = 0"), 0);
  EXPECT_GT(database_->Scalar("SELECT token FROM job_leases WHERE name = 'outbox_relay'"), 1)
      << "another node must have taken the lease over";
  EXPECT_EQ(receiver_.overlaps(), 0) << "an event was delivered by two relays at once";

  // Every delivery is signed with the endpoint's secret; per member, the first successful
  // deliveries come in event id order (a redelivery after the kill may repeat an event).
  const int64_t first_id = database_->Scalar("SELECT MIN(id) FROM outbox_events");
  std::map<int64_t, std::vector<int64_t>> order_by_member;
  std::set<int64_t> seen;
  for (const ReceivedDelivery& d : receiver_.received()) {
    EXPECT_TRUE(VerifySignature(kSecret, d.timestamp, d.body, d.signature)) << d.body;
    if (d.answered != 200 || !seen.insert(d.event_id).second) continue;
    const int64_t seq = d.event_id - first_id;
    order_by_member[1 + seq % kMembers].push_back(d.event_id);
  }
  for (const auto& [member, ids] : order_by_member) {
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << "member " << member;
  }
  EXPECT_EQ(nodes_.TerminateAllCleanly(killed), "");
}

}  // namespace
}  // namespace mileage::testing
