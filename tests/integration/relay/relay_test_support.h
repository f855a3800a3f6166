#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/testing/fake_random.h"
#include "relay/outbox_relay.h"
#include "server/webhook_http_sender.h"
#include "tests/integration/console/console_fixture.h"
#include "tests/integration/relay/webhook_receiver.h"

namespace mileage::testing {

// One outbox event as the test reads it from the database.
struct StoredEvent {
  int64_t id = 0;
  std::string topic;
  std::string aggregate_ref;
  int64_t published_at = 0;
};

// One delivery row as the test reads it.
struct StoredDelivery {
  int64_t event_id = 0;
  std::string state;
  int64_t attempts = 0;
  int64_t first_attempt_at = 0;
  int64_t next_attempt_at = 0;
  int64_t finished_at = 0;
  int64_t last_status = 0;
  std::string last_error;
};

// The console fixture with a webhook receiver and a relay that the test runs pass by pass on
// the fixture's FakeClock (the App's own relay is off in tests: EmbeddedConfig).
class RelayTest : public ConsoleTest {
 protected:
  // A relay with `timeout` and the default retries.
  relay::OutboxRelay MakeRelay(std::chrono::seconds timeout = std::chrono::seconds(1)) {
    relay::RelayPolicy policy;
    policy.timeout = timeout;
    return relay::OutboxRelay(server_->app().db(), org().cipher(), sender_, clock_, relay_random_,
                              policy);
  }
  // Passes until one does nothing (at most 50); the sum of what they did.
  relay::RelayPass RunUntilIdle(relay::OutboxRelay& relay) {
    relay::RelayPass total;
    for (int i = 0; i < 50; ++i) {
      Result<relay::RelayPass> pass = relay.RunOnce();
      EXPECT_TRUE(pass.ok()) << pass.status().ToString();
      if (!pass.ok()) break;
      total.events_fanned_out += pass->events_fanned_out;
      total.delivered += pass->delivered;
      total.failed += pass->failed;
      total.dead_lettered += pass->dead_lettered;
      if (pass->events_fanned_out + pass->delivered + pass->failed + pass->dead_lettered == 0)
        break;
    }
    return total;
  }
  // Registers a webhook at the receiver through the console as the brand admin; its id and
  // secret.
  std::pair<int64_t, std::string> CreateWebhook(const std::string& topics_json = "[]") {
    Reply reply = Post("/api/console/webhooks", Token("admin"),
                       R"({"url":")" + receiver_.url() + R"(","topics":)" + topics_json + "}");
    EXPECT_EQ(reply.status, 201) << reply.body;
    if (reply.status != 201) return {0, ""};
    return {reply.json["webhook"]["id"].GetInt64(), reply.json["secret"].GetString()};
  }
  std::vector<StoredEvent> Events() {
    std::vector<StoredEvent> out;
    for (const db::Row& row :
         Query("SELECT id, topic, aggregate_ref, published_at FROM outbox_events ORDER BY id")) {
      out.push_back({row.Int(0), row.Text(1), row.Text(2), row.Int(3)});
    }
    return out;
  }
  std::vector<StoredDelivery> Deliveries(int64_t endpoint_id) {
    std::vector<StoredDelivery> out;
    for (const db::Row& row :
         Query("SELECT event_id, state, attempts, first_attempt_at, next_attempt_at, finished_at, "
               "last_status, last_error FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY "
               "event_id",
               {db::Value(endpoint_id)})) {
      out.push_back({row.Int(0), row.Text(1), row.Int(2), row.Int(3), row.Int(4), row.Int(5),
                     row.Int(6), row.Text(7)});
    }
    return out;
  }
  std::vector<db::Row> Query(const std::string& sql, std::vector<db::Value> params = {}) {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return {};
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql, params);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? std::move(*rows) : std::vector<db::Row>();
  }
  int64_t Now() const { return UnixSeconds(clock_.Now()); }

  WebhookReceiver receiver_;
  server::WebhookHttpSender sender_{/*allow_private=*/true};  // the receiver is on loopback
  FakeRandom relay_random_{23};
};

}  // namespace mileage::testing
