// The HTTP layer against a real in-process server: routing, request ids, JSON errors, body
// limits, health and metrics.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/http/json.h"
#include "tests/support/private_redis.h"
#include "tests/support/test_server.h"

namespace mileage {
namespace {

using testing::EmbeddedConfig;
using testing::TempDir;
using testing::TestServer;

rapidjson::Document Json(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  return doc;
}

// A route that parses a JSON object the way every real route does, for the bad-input tests.
void AddEchoRoute(server::App& app) {
  app.http().Route("POST", "/test/echo/{id}",
                   [](const httplib::Request& req, httplib::Response& res) {
                     auto doc = server::ParseJsonObject(req.body);
                     if (!doc.ok()) return server::WriteError(res, doc.status());
                     auto name = server::RequiredString(*doc, "name");
                     if (!name.ok()) return server::WriteError(res, name.status());
                     std::string id = req.matches[1];
                     server::WriteJson(res, 200, [&](server::JsonWriter& w) {
                       w.StartObject();
                       w.Key("id");
                       server::WriteString(w, id);
                       w.Key("name");
                       server::WriteString(w, *name);
                       w.EndObject();
                     });
                   });
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config = EmbeddedConfig(dir_);
    config.max_body_bytes = 4096;
    server_ = TestServer::Start(config, AddEchoRoute);
    ASSERT_NE(server_, nullptr);
    client_ = server_->Client();
  }
  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServerTest, PingAnswersWithARequestId) {
  auto res = client_->Get("/ping");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"pong\":true}");
  EXPECT_EQ(res->get_header_value("X-Request-Id").size(), 16u);
}

TEST_F(ServerTest, WellFormedClientRequestIdIsKeptOthersReplaced) {
  auto kept = client_->Get("/ping", {{"X-Request-Id", "trace-abc.123"}});
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->get_header_value("X-Request-Id"), "trace-abc.123");
  auto replaced = client_->Get("/ping", {{"X-Request-Id", "bad id\"; DROP"}});
  ASSERT_TRUE(replaced);
  EXPECT_NE(replaced->get_header_value("X-Request-Id"), "bad id\"; DROP");
  EXPECT_EQ(replaced->get_header_value("X-Request-Id").size(), 16u);
}

TEST_F(ServerTest, HealthzReportsDatabaseAndKv) {
  auto res = client_->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto doc = Json(res->body);
  EXPECT_STREQ(doc["status"].GetString(), "ok");
  EXPECT_STREQ(doc["checks"]["database"].GetString(), "ok");
  EXPECT_STREQ(doc["checks"]["kv"].GetString(), "ok");
}

TEST_F(ServerTest, UnknownRouteIsJson404) {
  auto res = client_->Get("/no/such/route");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  auto doc = Json(res->body);
  EXPECT_STREQ(doc["code"].GetString(), "NOT_FOUND");
  EXPECT_NE(std::string(doc["message"].GetString()).find("/no/such/route"), std::string::npos);
}

TEST_F(ServerTest, WrongMethodIsJson405) {
  auto res = client_->Post("/healthz", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_STREQ(Json(res->body)["code"].GetString(), "METHOD_NOT_ALLOWED");
}

TEST_F(ServerTest, OversizeBodyIsJson413) {
  std::string big(4097, 'x');
  auto res = client_->Post("/test/echo/1", big, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_STREQ(Json(res->body)["code"].GetString(), "PAYLOAD_TOO_LARGE");
  // The server is still fine afterwards.
  auto ok = server_->Client()->Post("/test/echo/1", R"({"name":"ok"})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(ServerTest, JsonRouteParsesPathAndBody) {
  auto res = client_->Post("/test/echo/42", R"({"name":"粤B12345"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto doc = Json(res->body);
  EXPECT_STREQ(doc["id"].GetString(), "42");
  EXPECT_STREQ(doc["name"].GetString(), "粤B12345");
}

TEST_F(ServerTest, MalformedJsonIsA400WithItsOwnCode) {
  struct Case {
    const char* body;
    const char* code;
  };
  for (const Case& c : {Case{"{\"name\":", "MALFORMED_JSON"}, Case{"", "MALFORMED_JSON"},
                        Case{"{} trailing", "MALFORMED_JSON"}, Case{"[1,2]", "BODY_NOT_OBJECT"},
                        Case{"{}", "MISSING_FIELD"}, Case{"{\"name\":7}", "INVALID_FIELD"}}) {
    auto res = client_->Post("/test/echo/1", c.body, "application/json");
    ASSERT_TRUE(res) << c.body;
    EXPECT_EQ(res->status, 400) << c.body;
    EXPECT_STREQ(Json(res->body)["code"].GetString(), c.code) << c.body;
  }
}

TEST_F(ServerTest, MetricsCountRequestsByRouteAndStatus) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client_->Get("/ping"));
  ASSERT_TRUE(client_->Get("/nope"));
  // A request is counted by the access logger after its response is written, so a scrape on a
  // new connection can overtake the previous requests' bookkeeping: poll until all are counted.
  const auto all_counted = [](const httplib::Result& r) {
    return r && r->body.find("route=\"unmatched\",status=\"404\"} 1") != std::string::npos &&
           r->body.find("route=\"/ping\",status=\"200\"} 3") != std::string::npos;
  };
  httplib::Result res = client_->Get("/metrics");
  for (int i = 0; i < 100 && res && !all_counted(res); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    res = client_->Get("/metrics");
  }
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const std::string& text = res->body;
  EXPECT_NE(
      text.find("mileage_http_requests_total{method=\"GET\",route=\"/ping\",status=\"200\"} 3"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"unmatched\",status=\"404\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("mileage_http_request_duration_seconds_bucket{method=\"GET\",route=\"/ping\","
                      "le=\"+Inf\"} 3"),
            std::string::npos);
  EXPECT_NE(text.find("mileage_db_pool_size "), std::string::npos);
  EXPECT_NE(text.find("mileage_http_requests_in_flight "), std::string::npos);
}

// The request is in flight when Stop() begins: its handler is held until the port refuses
// new connections, and then keeps the request until Stop() returns (which must not happen) or
// for a second. Stop() must return only after the handler completed and the client got the
// whole response.
TEST(ServerStopTest, InFlightRequestsFinishOnStop) {
  TempDir dir;
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool stop_begun = false;
  bool stop_returned = false;
  bool handler_done = false;
  bool handler_done_at_return = false;
  const std::string full(256 * 1024, 'x');  // more than one write: all of it must arrive
  auto server = TestServer::Start(EmbeddedConfig(dir), [&](server::App& app) {
    app.http().Route("GET", "/test/slow", [&](const httplib::Request&, httplib::Response& res) {
      std::unique_lock lock(mu);
      entered = true;
      cv.notify_all();
      cv.wait(lock, [&] { return stop_begun; });
      // A Stop() that does not wait for this handler returns now: the handler then ends at once,
      // and the stopper below records that it had not.
      cv.wait_for(lock, std::chrono::seconds(1), [&] { return stop_returned; });
      res.set_content(full, "text/plain");
      handler_done = true;
    });
  });
  ASSERT_NE(server, nullptr);
  int slow_status = 0;
  std::string slow_body;
  std::thread client([&] {
    auto res = server->Client()->Get("/test/slow");
    if (res) {
      slow_status = res->status;
      slow_body = res->body;
    }
  });
  {
    std::unique_lock lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return entered; }));
  }

  std::thread stopper([&] {
    server->Stop();
    std::lock_guard lock(mu);
    handler_done_at_return = handler_done;
    stop_returned = true;
    cv.notify_all();
  });
  // Stop() is under way once the port refuses new connections.
  bool refused = false;
  for (int i = 0; i < 3000 && !refused; ++i) {
    httplib::Client probe("127.0.0.1", server->port());
    probe.set_connection_timeout(1, 0);
    refused = !probe.Get("/ping");
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(refused) << "the server kept accepting connections after Stop()";
  {
    std::lock_guard lock(mu);
    stop_begun = true;
    cv.notify_all();
  }
  stopper.join();
  client.join();
  EXPECT_TRUE(handler_done_at_return) << "Stop() returned before the handler completed";
  EXPECT_EQ(slow_status, 200);
  EXPECT_EQ(slow_body.size(), full.size());
  EXPECT_TRUE(slow_body == full);
}

TEST(ServerHealthTest, KvOutageIs503NamingTheKvAndRecovers) {
  testing::PrivateRedis redis;
  ASSERT_EQ(redis.Start(), "");
  TempDir dir;
  Config config = EmbeddedConfig(dir);
  config.kv = redis.url();
  config.kv_timeout_ms = 500;
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);
  auto client = server->Client();
  auto healthy = client->Get("/healthz");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);

  redis.Stop();
  auto down = client->Get("/healthz");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
  auto doc = Json(down->body);
  EXPECT_STREQ(doc["code"].GetString(), "UNAVAILABLE");
  EXPECT_STREQ(doc["message"].GetString(), "kv unavailable");
  EXPECT_STREQ(doc["checks"]["database"].GetString(), "ok");
  EXPECT_STREQ(doc["checks"]["kv"].GetString(), "down");  // what Redis said is in the log only

  ASSERT_EQ(redis.Start(), "");  // same port
  auto back = client->Get("/healthz");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 200);
}

// A route that answers the client address the server sees.
void AddClientAddressRoute(server::App& app) {
  server::HttpServer& http = app.http();
  http.Route("GET", "/test/client-address",
             [&http](const httplib::Request& req, httplib::Response& res) {
               res.set_content(http.ClientAddress(req), "text/plain");
             });
}

TEST(ClientAddressTest, ForwardedForCountsOnlyFromATrustedProxy) {
  TempDir dir;
  const httplib::Headers forwarded = {{"X-Forwarded-For", "6.6.6.6, 198.51.100.7"}};
  auto direct = TestServer::Start(EmbeddedConfig(dir), AddClientAddressRoute);
  ASSERT_NE(direct, nullptr);
  auto from_peer = direct->Client()->Get("/test/client-address", forwarded);
  ASSERT_TRUE(from_peer);
  EXPECT_EQ(from_peer->body, "127.0.0.1");

  Config behind_proxy = EmbeddedConfig(dir);
  behind_proxy.trusted_proxies = {"127.0.0.0/8"};
  auto proxied = TestServer::Start(behind_proxy, AddClientAddressRoute);
  ASSERT_NE(proxied, nullptr);
  auto from_header = proxied->Client()->Get("/test/client-address", forwarded);
  ASSERT_TRUE(from_header);
  EXPECT_EQ(from_header->body, "198.51.100.7");
  auto without_header = proxied->Client()->Get("/test/client-address");
  ASSERT_TRUE(without_header);
  EXPECT_EQ(without_header->body, "127.0.0.1");
}

TEST(ServerStartTest, BusyPortIsAClearError) {
  TempDir dir;
  auto first = TestServer::Start(EmbeddedConfig(dir));
  ASSERT_NE(first, nullptr);
  Config config = EmbeddedConfig(dir);
  config.listen = ListenAddress{"127.0.0.1", first->port()};
  auto app = server::App::Create(config);
  ASSERT_TRUE(app.ok());
  auto bound = (*app)->Bind();
  ASSERT_FALSE(bound.ok());
  EXPECT_EQ(bound.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(bound.status().message().find(std::to_string(first->port())), std::string::npos);
}

}  // namespace
}  // namespace mileage
