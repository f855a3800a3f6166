// The outbox relay against a real webhook receiver (an in-process HTTP server), on SQLite and
// MariaDB: signed envelopes, retries, dead letters, replay, order per member, timeouts.
#include <rapidjson/document.h>

#include <algorithm>
#include <set>

#include "common/civil_time.h"
#include "server/console/console_json.h"
#include "tests/integration/relay/relay_test_support.h"
#include "tests/support/free_port.h"
#include "tests/support/stderr_capture.h"

namespace mileage::testing {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

class RelayDeliveryTest : public RelayTest {};

TEST_P(RelayDeliveryTest, DeliversEachEventOnceSignedWithTheEndpointsSecret) {
  const auto [webhook, secret] = CreateWebhook();
  ASSERT_EQ(secret.size(), 64u);
  Pay(kMchid, "tx-sign-1", "openid-sign", 12300);
  const int64_t member = MemberIdOf("openid-sign");
  const std::vector<StoredEvent> events = Events();
  ASSERT_GE(events.size(), 2u);  // member.enrolled and payment.recorded at least

  relay::OutboxRelay relay = MakeRelay();
  const relay::RelayPass pass = RunUntilIdle(relay);
  EXPECT_EQ(pass.events_fanned_out, static_cast<int64_t>(events.size()));
  EXPECT_EQ(pass.delivered, static_cast<int64_t>(events.size()));

  const std::vector<ReceivedDelivery> received = receiver_.received();
  ASSERT_EQ(received.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const ReceivedDelivery& d = received[i];
    const StoredEvent& e = events[i];
    EXPECT_EQ(d.event_id, e.id);  // one member's events, in order
    EXPECT_TRUE(VerifySignature(secret, d.timestamp, d.body, d.signature)) << d.body;
    EXPECT_EQ(std::to_string(Now()), d.timestamp);
    // A receiver rejects a tampered body, another timestamp and another secret.
    std::string tampered = d.body;
    tampered[tampered.size() / 2] ^= 1;
    EXPECT_FALSE(VerifySignature(secret, d.timestamp, tampered, d.signature));
    EXPECT_FALSE(VerifySignature(secret, std::to_string(Now() + 1), d.body, d.signature));
    EXPECT_FALSE(VerifySignature(std::string(64, '0'), d.timestamp, d.body, d.signature));
    rapidjson::Document body;
    body.Parse(d.body.c_str());
    ASSERT_TRUE(body.IsObject()) << d.body;
    EXPECT_EQ(body["id"].GetInt64(), e.id);
    EXPECT_EQ(std::string(body["topic"].GetString()), e.topic);
    EXPECT_EQ(body["brand_id"].GetInt64(), tree_.brand);
    EXPECT_EQ(std::string(body["aggregate_ref"].GetString()), e.aggregate_ref);
    EXPECT_EQ(std::string(body["created_at"].GetString()), server::Rfc3339(Now()));
    ASSERT_TRUE(body["data"].IsObject());
    EXPECT_EQ(body["data"]["member_id"].GetInt64(), member);
    if (e.topic == "payment.recorded") {
      EXPECT_EQ(std::string(body["data"]["transaction_id"].GetString()), "tx-sign-1");
      EXPECT_EQ(body["data"]["amount_fen"].GetInt64(), 12300);
    }
  }
  // The state after it: every event published, every delivery delivered with one attempt.
  for (const StoredEvent& e : Events()) EXPECT_EQ(e.published_at, Now()) << e.id;
  const std::vector<StoredDelivery> stored = Deliveries(webhook);
  ASSERT_EQ(stored.size(), events.size());
  for (const StoredDelivery& d : stored) {
    EXPECT_EQ(d.state, "delivered");
    EXPECT_EQ(d.attempts, 1);
    EXPECT_EQ(d.last_status, 200);
  }
  // Nothing is sent twice, and the console shows the deliveries.
  RunUntilIdle(relay);
  EXPECT_EQ(receiver_.received().size(), events.size());
  Reply listed =
      Get("/api/console/webhooks/" + std::to_string(webhook) + "/deliveries", Token("admin"));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json["total"].GetInt64(), static_cast<int64_t>(events.size()));
  EXPECT_EQ(std::string(listed.json["items"][0]["state"].GetString()), "delivered");
  EXPECT_EQ(listed.json["items"][0]["event_id"].GetInt64(), events.back().id);  // newest first
}

TEST_P(RelayDeliveryTest, OnlyMatchingTopicsAndEnabledEndpointsGetDeliveries) {
  const auto [payments_only, secret_a] = CreateWebhook(R"(["payment.*"])");
  const auto [disabled, secret_b] = CreateWebhook();
  ASSERT_EQ(
      Post("/api/console/webhooks/" + std::to_string(disabled) + "/disable", Token("admin")).status,
      200);
  Pay(kMchid, "tx-topic-1", "openid-topic", 5000);
  relay::OutboxRelay relay = MakeRelay();
  RunUntilIdle(relay);
  std::set<int64_t> payment_events;
  for (const StoredEvent& e : Events()) {
    if (e.topic.rfind("payment.", 0) == 0) payment_events.insert(e.id);
  }
  ASSERT_FALSE(payment_events.empty());
  const std::vector<int64_t> delivered = receiver_.Delivered();
  EXPECT_EQ(std::set<int64_t>(delivered.begin(), delivered.end()), payment_events);
  EXPECT_EQ(delivered.size(), payment_events.size());
  EXPECT_TRUE(Deliveries(disabled).empty());
  EXPECT_EQ(Deliveries(payments_only).size(), payment_events.size());
}

TEST_P(RelayDeliveryTest, FailuresRetryWithBackoffThenDeadLetterAfterADayAndReplayDelivers) {
  receiver_.SetPolicy([](int64_t, int) { return ReceiverAnswer{500}; });
  const auto [webhook, secret] = CreateWebhook(R"(["payment.recorded"])");
  Pay(kMchid, "tx-dead-1", "openid-dead-1", 1000);
  Pay(kMchid, "tx-dead-2", "openid-dead-2", 2000);
  relay::OutboxRelay relay = MakeRelay();
  const int64_t first_at = Now();
  relay::RelayPass pass = RunUntilIdle(relay);
  EXPECT_EQ(pass.failed, 2);
  EXPECT_EQ(pass.delivered, 0);
  std::vector<StoredDelivery> stored = Deliveries(webhook);
  ASSERT_EQ(stored.size(), 2u);
  for (const StoredDelivery& d : stored) {
    EXPECT_EQ(d.state, "pending");
    EXPECT_EQ(d.attempts, 1);
    EXPECT_EQ(d.last_status, 500);
    EXPECT_EQ(d.last_error, "http 500");
    EXPECT_GE(d.next_attempt_at, first_at + 1);  // full jitter under the first cap (10 s)
    EXPECT_LE(d.next_attempt_at, first_at + 10);
  }
  // Retried each hour (the backoff's ceiling) for a day: still pending before 24 h.
  for (int h = 1; h < 24; ++h) {
    clock_.Advance(hours(1));
    RunUntilIdle(relay);
  }
  for (const StoredDelivery& d : Deliveries(webhook)) {
    EXPECT_EQ(d.state, "pending");
    EXPECT_GT(d.attempts, 5);
  }
  // The lag is the age of the oldest event still waiting.
  httplib::Result lagging = server_->Client()->Get("/metrics");
  ASSERT_TRUE(lagging);
  EXPECT_NE(lagging->body.find("mileage_relay_lag_seconds " + std::to_string(Now() - first_at)),
            std::string::npos)
      << lagging->body;
  clock_.Advance(hours(1) + std::chrono::seconds(1));
  int64_t dead_lettered = 0;
  {
    StderrCapture log;
    dead_lettered = RunUntilIdle(relay).dead_lettered;
    EXPECT_NE(log.Text().find("dead-lettered"), std::string::npos);
    EXPECT_EQ(log.Text().find(secret), std::string::npos);
  }
  EXPECT_EQ(dead_lettered, 2);
  stored = Deliveries(webhook);
  for (const StoredDelivery& d : stored) {
    EXPECT_EQ(d.state, "dead");
    EXPECT_EQ(d.first_attempt_at, first_at);
    EXPECT_GE(d.finished_at - d.first_attempt_at, 86400);
  }
  const size_t attempts_before = receiver_.received().size();
  clock_.Advance(hours(5));
  RunUntilIdle(relay);
  EXPECT_EQ(receiver_.received().size(), attempts_before);  // dead letters are not retried

  tokens_.clear();  // the day outlived the sessions: log in again
  Reply dead = Get("/api/console/webhook-dead-letters", Token("admin"));
  ASSERT_EQ(dead.status, 200) << dead.body;
  EXPECT_EQ(dead.json["total"].GetInt64(), 2);
  EXPECT_EQ(std::string(dead.json["items"][0]["last_error"].GetString()), "http 500");
  const int64_t from = stored.front().event_id, to = stored.back().event_id;
  httplib::Result scraped = server_->Client()->Get("/metrics");
  ASSERT_TRUE(scraped);
  const std::string metrics = scraped->body;
  EXPECT_NE(metrics.find("mileage_relay_dead_letters 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("mileage_relay_lag_seconds 0"), std::string::npos) << metrics;

  // Replay: the receiver is healthy again.
  receiver_.SetPolicy({});
  Reply replayed =
      Post("/api/console/webhooks/" + std::to_string(webhook) + "/replay", Token("admin"),
           R"({"from_event_id":)" + std::to_string(from) + R"(,"to_event_id":)" +
               std::to_string(to) + "}");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(replayed.json["replayed"].GetInt64(), 2);
  pass = RunUntilIdle(relay);
  EXPECT_EQ(pass.delivered, 2);
  for (const StoredDelivery& d : Deliveries(webhook)) EXPECT_EQ(d.state, "delivered");
  EXPECT_EQ(Get("/api/console/webhook-dead-letters", Token("admin")).json["total"].GetInt64(), 0);
  const std::vector<int64_t> delivered = receiver_.Delivered();
  EXPECT_EQ(delivered, (std::vector<int64_t>{from, to}));
}

TEST_P(RelayDeliveryTest, AMembersLaterEventsWaitForItsFailingEarlierEvent) {
  const auto [webhook, secret] = CreateWebhook();
  Pay(kMchid, "tx-order-a1", "openid-a", 1000);
  Pay(kMchid, "tx-order-b1", "openid-b", 1000);
  Pay(kMchid, "tx-order-a2", "openid-a", 1000);
  // The aggregates differ (a member id, transaction ids) but the member does not: order by member.
  std::vector<int64_t> a_events, b_events;
  const int64_t member_a = MemberIdOf("openid-a");
  for (const db::Row& row : Query("SELECT id, payload FROM outbox_events ORDER BY id")) {
    const bool is_a =
        row.Text(1).find("\"member_id\":" + std::to_string(member_a) + ",") != std::string::npos ||
        row.Text(1).find("\"member_id\":" + std::to_string(member_a) + "}") != std::string::npos;
    (is_a ? a_events : b_events).push_back(row.Int(0));
  }
  ASSERT_GE(a_events.size(), 3u);
  ASSERT_GE(b_events.size(), 2u);
  const int64_t first_a = a_events.front();
  receiver_.SetPolicy(
      [first_a](int64_t id, int) { return ReceiverAnswer{id == first_a ? 503 : 200}; });
  relay::OutboxRelay relay = MakeRelay();
  RunUntilIdle(relay);
  // B's events went out in order; of A's only the first was tried.
  EXPECT_EQ(receiver_.Delivered(), b_events);
  for (const ReceivedDelivery& d : receiver_.received()) {
    EXPECT_TRUE(d.event_id == first_a ||
                std::find(b_events.begin(), b_events.end(), d.event_id) != b_events.end())
        << "event " << d.event_id << " of member A went out before A's first event";
  }
  receiver_.SetPolicy({});
  clock_.Advance(std::chrono::seconds(11));  // past the first retry's longest wait
  RunUntilIdle(relay);
  std::vector<int64_t> delivered_a;
  for (int64_t id : receiver_.Delivered()) {
    if (std::find(a_events.begin(), a_events.end(), id) != a_events.end())
      delivered_a.push_back(id);
  }
  EXPECT_EQ(delivered_a, a_events);
  for (const StoredDelivery& d : Deliveries(webhook)) EXPECT_EQ(d.state, "delivered");
  EXPECT_EQ(receiver_.overlaps(), 0);
}

TEST_P(RelayDeliveryTest, ATimeoutIsRetriedAndASlowAnswerWithinTheTimeoutCounts) {
  const auto [webhook, secret] = CreateWebhook(R"(["payment.recorded"])");
  Pay(kMchid, "tx-slow-1", "openid-slow-1", 1000);
  Pay(kMchid, "tx-slow-2", "openid-slow-2", 1000);
  const std::vector<StoredEvent> events = Events();
  std::vector<int64_t> payments;
  for (const StoredEvent& e : events) {
    if (e.topic == "payment.recorded") payments.push_back(e.id);
  }
  ASSERT_EQ(payments.size(), 2u);
  const int64_t timed_out = payments[0], slow = payments[1];
  receiver_.SetPolicy([timed_out, slow](int64_t id, int attempt) {
    if (id == timed_out && attempt == 1) return ReceiverAnswer{200, milliseconds(3000)};
    return ReceiverAnswer{200, milliseconds(id == slow ? 300 : 0)};
  });
  relay::OutboxRelay relay = MakeRelay(std::chrono::seconds(2));
  relay::RelayPass pass = RunUntilIdle(relay);
  EXPECT_EQ(pass.failed, 1);
  EXPECT_EQ(pass.delivered, 1);
  std::vector<StoredDelivery> stored = Deliveries(webhook);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].event_id, timed_out);
  EXPECT_EQ(stored[0].state, "pending");
  EXPECT_EQ(stored[0].last_status, 0);
  EXPECT_NE(stored[0].last_error.find("timeout"), std::string::npos) << stored[0].last_error;
  EXPECT_EQ(stored[1].state, "delivered");
  clock_.Advance(std::chrono::seconds(11));
  pass = RunUntilIdle(relay);
  EXPECT_EQ(pass.delivered, 1);
  stored = Deliveries(webhook);
  EXPECT_EQ(stored[0].state, "delivered");
  EXPECT_EQ(stored[0].attempts, 2);
}

TEST_P(RelayDeliveryTest, AnEndpointThatDoesNotAnswerIsTriedOncePerPass) {
  // Nothing listens on the port: every connection is refused.
  const std::string url = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/hook";
  Reply created = Post("/api/console/webhooks", Token("admin"),
                       R"({"url":")" + url + R"(","topics":["payment.recorded"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t webhook = created.json["webhook"]["id"].GetInt64();
  Pay(kMchid, "tx-down-1", "openid-down-1", 1000);
  Pay(kMchid, "tx-down-2", "openid-down-2", 1000);
  relay::OutboxRelay relay = MakeRelay();
  Result<relay::RelayPass> pass = relay.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status().ToString();
  EXPECT_EQ(pass->failed, 1);
  const std::vector<StoredDelivery> stored = Deliveries(webhook);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].attempts, 1);
  EXPECT_EQ(stored[0].last_error, "connection failed");
  EXPECT_EQ(stored[1].attempts, 0);  // waits for the next pass
  pass = relay.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status().ToString();
  EXPECT_EQ(pass->failed, 1);
  EXPECT_EQ(Deliveries(webhook)[1].attempts, 1);
}

TEST_P(RelayDeliveryTest, ALargeAnswerIsAFailure) {
  const auto [webhook, secret] = CreateWebhook(R"(["payment.recorded"])");
  receiver_.SetPolicy([](int64_t, int) { return ReceiverAnswer{200, milliseconds(0), 100000}; });
  Pay(kMchid, "tx-large-1", "openid-large", 1000);
  relay::OutboxRelay relay = MakeRelay();
  Result<relay::RelayPass> pass = relay.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status().ToString();
  EXPECT_EQ(pass->failed, 1);
  const std::vector<StoredDelivery> stored = Deliveries(webhook);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].state, "pending");
  EXPECT_EQ(stored[0].last_error, "answer too large");
}

// Registration refuses private IP literals and "localhost"; a name that resolves to a private
// address is refused when the delivery connects, unless webhook_allow_private_urls.
TEST_P(RelayDeliveryTest, ASenderWithoutPrivateUrlsRefusesNamesThatResolveToLoopback) {
  server::WebhookHttpSender strict(/*allow_private=*/false);
  const std::string port = receiver_.url().substr(receiver_.url().rfind(':'));
  for (const std::string& url :
       {"http://localhost" + port, "http://127.0.0.1" + port, "http://[::ffff:127.0.0.1]" + port,
        "http://ip6-localhost" + port}) {
    relay::WebhookRequest request;
    request.url = url;
    const relay::WebhookResponse response = strict.Send(request);
    EXPECT_EQ(response.status, 0) << url;
    EXPECT_TRUE(response.error == "private address" || response.error == "host not found")
        << url << ": " << response.error;
  }
  relay::WebhookRequest named;
  named.url = "http://localhost" + port;
  named.body = "{}";
  EXPECT_EQ(strict.Send(named).error, "private address");
  EXPECT_TRUE(receiver_.received().empty());
  // The same URL goes through when private addresses are allowed (the receiver answers 200).
  EXPECT_EQ(sender_.Send(named).status, 200);
  EXPECT_EQ(receiver_.received().size(), 1u);
}

// After a rotation, deliveries are signed under both secrets for a day, so a receiver still on
// the old secret keeps accepting them; then only the new secret signs.
TEST_P(RelayDeliveryTest, ARotatedSecretKeepsSigningForADayNextToTheNewOne) {
  const auto [webhook, old_secret] = CreateWebhook(R"(["payment.recorded"])");
  Reply rotated =
      Post("/api/console/webhooks/" + std::to_string(webhook) + "/secret", Token("admin"));
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  const std::string new_secret = rotated.json["secret"].GetString();
  const int64_t rotated_at = Now();
  const std::optional<TimePoint> until =
      civil::ParseRfc3339(rotated.json["webhook"]["overlap_until"].GetString());
  ASSERT_TRUE(until.has_value());
  EXPECT_EQ(UnixSeconds(*until), rotated_at + 86400);
  relay::OutboxRelay relay = MakeRelay();

  Pay(kMchid, "tx-rotate-1", "openid-rotate", 1000);
  EXPECT_EQ(RunUntilIdle(relay).delivered, 1);
  clock_.Advance(std::chrono::hours(24) - std::chrono::seconds(1));
  Pay(kMchid, "tx-rotate-2", "openid-rotate", 1000);
  EXPECT_EQ(RunUntilIdle(relay).delivered, 1);
  clock_.Advance(std::chrono::seconds(1));
  Pay(kMchid, "tx-rotate-3", "openid-rotate", 1000);
  EXPECT_EQ(RunUntilIdle(relay).delivered, 1);

  const std::vector<ReceivedDelivery> received = receiver_.received();
  ASSERT_EQ(received.size(), 3u);
  for (size_t i = 0; i < received.size(); ++i) {
    const ReceivedDelivery& d = received[i];
    EXPECT_TRUE(VerifySignature(new_secret, d.timestamp, d.body, d.signature)) << i;
    const bool overlapping = i < 2;
    EXPECT_EQ(VerifySignature(old_secret, d.timestamp, d.body, d.signature), overlapping) << i;
    EXPECT_EQ(std::count(d.signature.begin(), d.signature.end(), ','), overlapping ? 1 : 0) << i;
    // The current secret signs first.
    EXPECT_EQ(d.signature.substr(0, 67),
              "v1=" + OpenSslHmacHex(new_secret, d.timestamp + "." + d.body));
  }
}

TEST_P(RelayDeliveryTest, AFencedRelayThatLostItsLeaseRecordsNothing) {
  const auto [webhook, secret] = CreateWebhook();
  Pay(kMchid, "tx-fence-1", "openid-fence", 1000);
  relay::OutboxRelay relay = MakeRelay();
  const db::Fence lost = [](db::Connection&) {
    return FailedPreconditionError("the job lease outbox_relay was lost", "LEASE_LOST");
  };
  Result<relay::RelayPass> pass = relay.RunOnce(lost);
  ASSERT_FALSE(pass.ok());
  EXPECT_EQ(pass.status().reason(), "LEASE_LOST");
  EXPECT_TRUE(receiver_.received().empty());
  EXPECT_TRUE(Deliveries(webhook).empty());
  for (const StoredEvent& e : Events()) EXPECT_EQ(e.published_at, 0) << e.id;
}

MILEAGE_CONSOLE_TEST_SUITE(RelayDeliveryTest);

}  // namespace
}  // namespace mileage::testing
