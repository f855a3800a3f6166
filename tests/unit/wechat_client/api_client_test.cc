#include "wechat/client/api_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/testing/fake_random.h"
#include "tests/support/free_port.h"
#include "tests/unit/wechat_client/fake_server.h"
#include "wechat/client/reasons.h"

namespace mileage::wechat::client {
namespace {

using mileage::testing::FakeRandom;
using mileage::testing::FakeServer;
using mileage::testing::Must;

ApiClientOptions FastOptions(const std::string& url) {
  ApiClientOptions options;
  options.api_base_url = url;
  options.pay_base_url = url;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.read_timeout = std::chrono::milliseconds(2000);
  options.max_attempts = 3;
  options.initial_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(4);
  return options;
}

HttpCall Call(const std::string& target, Idempotency idempotency = Idempotency::kIdempotent) {
  HttpCall call;
  call.method = "POST";
  call.target = target;
  call.body = "{}";
  call.idempotency = idempotency;
  return call;
}

class ApiClientTest : public ::testing::Test {
 protected:
  ApiClientTest()
      : server_([this](httplib::Server& s) {
          s.Post("/always503",
                 [](const httplib::Request&, httplib::Response& res) { res.status = 503; });
          s.Post("/always400", [](const httplib::Request&, httplib::Response& res) {
            res.status = 400;
            res.set_content(R"({"code":"PARAM_ERROR"})", "application/json");
          });
          s.Post("/flaky", [this](const httplib::Request&, httplib::Response& res) {
            if (++flaky_calls_ <= 2) {
              res.status = 502;
              return;
            }
            res.set_content(R"({"ok":true})", "application/json");
          });
          s.Post("/slow", [](const httplib::Request&, httplib::Response& res) {
            std::this_thread::sleep_for(std::chrono::milliseconds(600));
            res.set_content("{}", "application/json");
          });
          s.Get("/headers", [](const httplib::Request& req, httplib::Response& res) {
            res.set_header("Wechatpay-Serial", "ABC");
            res.set_content(req.target, "text/plain");
          });
        }) {}

  std::unique_ptr<ApiClient> Client(ApiClientOptions options) {
    return Must(ApiClient::Create(std::move(options), random_));
  }

  std::atomic<int> flaky_calls_{0};
  FakeServer server_;
  FakeRandom random_;
};

TEST_F(ApiClientTest, RetriesAnIdempotent5xxUpToMaxAttempts) {
  auto client = Client(FastOptions(server_.url()));
  Result<HttpReply> reply = client->Send(Call("/always503"));
  EXPECT_STATUS(reply.status(), kUnavailable, reason::kServerError);
  EXPECT_EQ(server_.hits("/always503"), 3);
}

TEST_F(ApiClientTest, NeverRetriesANonIdempotentCallAfterA5xx) {
  auto client = Client(FastOptions(server_.url()));
  Result<HttpReply> reply = client->Send(Call("/always503", Idempotency::kNotIdempotent));
  EXPECT_STATUS(reply.status(), kUnavailable, reason::kServerError);
  EXPECT_EQ(server_.hits("/always503"), 1);
}

TEST_F(ApiClientTest, NeverRetriesA4xxAndReturnsItsBody) {
  auto client = Client(FastOptions(server_.url()));
  HttpReply reply = Must(client->Send(Call("/always400")));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, R"({"code":"PARAM_ERROR"})");
  EXPECT_EQ(server_.hits("/always400"), 1);
}

TEST_F(ApiClientTest, SucceedsWhenARetrySucceeds) {
  auto client = Client(FastOptions(server_.url()));
  HttpReply reply = Must(client->Send(Call("/flaky")));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(server_.hits("/flaky"), 3);
}

TEST_F(ApiClientTest, OneAttemptWhenMaxAttemptsIsOne) {
  ApiClientOptions options = FastOptions(server_.url());
  options.max_attempts = 1;
  auto client = Client(options);
  EXPECT_FALSE(client->Send(Call("/always503")).ok());
  EXPECT_EQ(server_.hits("/always503"), 1);
}

TEST_F(ApiClientTest, ARequestThatTimedOutIsRepeatedOnlyWhenIdempotent) {
  ApiClientOptions options = FastOptions(server_.url());
  options.read_timeout = std::chrono::milliseconds(150);
  auto client = Client(options);
  Result<HttpReply> once = client->Send(Call("/slow", Idempotency::kNotIdempotent));
  EXPECT_STATUS(once.status(), kUnavailable, reason::kUnreachable);
  EXPECT_EQ(server_.hits("/slow"), 1);
  Result<HttpReply> thrice = client->Send(Call("/slow", Idempotency::kIdempotent));
  EXPECT_STATUS(thrice.status(), kUnavailable, reason::kUnreachable);
  EXPECT_EQ(server_.hits("/slow"), 4);
}

TEST_F(ApiClientTest, APassedDeadlineSendsNothing) {
  auto client = Client(FastOptions(server_.url()));
  HttpCall call = Call("/flaky");
  call.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
  EXPECT_STATUS(client->Send(call).status(), kUnavailable, reason::kUnreachable);
  EXPECT_EQ(server_.hits("/flaky"), 0);
}

TEST_F(ApiClientTest, AnUnreachableHostIsUnavailable) {
  auto client = Client(
      FastOptions("http://127.0.0.1:" + std::to_string(mileage::testing::FreeLoopbackPort())));
  EXPECT_STATUS(client->Send(Call("/x", Idempotency::kNotIdempotent)).status(), kUnavailable,
                reason::kUnreachable);
}

TEST_F(ApiClientTest, SendsTheTargetAsGivenAndReadsHeadersCaseInsensitively) {
  auto client = Client(FastOptions(server_.url()));
  HttpCall call;
  call.target = "/headers?a=%2C%20b&c=1";
  HttpReply reply = Must(client->Send(call));
  EXPECT_EQ(reply.body, "/headers?a=%2C%20b&c=1");
  EXPECT_EQ(reply.Header("WECHATPAY-SERIAL"), "ABC");
  EXPECT_EQ(reply.Header("wechatpay-serial"), "ABC");
  EXPECT_EQ(reply.Header("absent"), "");
}

TEST(ApiClientCreateTest, RejectsBadOptions) {
  FakeRandom random;
  ApiClientOptions options;
  options.api_base_url = "ftp://x";
  EXPECT_STATUS(ApiClient::Create(options, random).status(), kInvalidArgument, reason::kBadBaseUrl);
  options = ApiClientOptions();
  options.max_attempts = 0;
  EXPECT_EQ(ApiClient::Create(options, random).status().code(), StatusCode::kInvalidArgument);
  options = ApiClientOptions();
  options.read_timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(ApiClient::Create(options, random).status().code(), StatusCode::kInvalidArgument);
}

TEST(BaseUrlTest, ParsesSchemeHostAndPort) {
  BaseUrl a = Must(ParseBaseUrl("https://api.weixin.qq.com"));
  EXPECT_EQ(a.scheme, "https");
  EXPECT_EQ(a.host, "api.weixin.qq.com");
  EXPECT_EQ(a.port, 443);
  BaseUrl b = Must(ParseBaseUrl("http://127.0.0.1:9090/"));
  EXPECT_EQ(b.port, 9090);
  BaseUrl c = Must(ParseBaseUrl("http://[::1]:8080"));
  EXPECT_EQ(c.host, "[::1]");
  EXPECT_EQ(c.port, 8080);
  for (const char* bad :
       {"", "api.weixin.qq.com", "http://", "http://h/path", "http://h:0", "http://h:70000",
        "http://h:", "http://u@h", "http://h?q", "http://[::1"}) {
    SCOPED_TRACE(bad);
    EXPECT_STATUS(ParseBaseUrl(bad).status(), kInvalidArgument, reason::kBadBaseUrl);
  }
}

TEST(UrlEncodeTest, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(UrlEncode("aZ09-_.~"), "aZ09-_.~");
  EXPECT_EQ(UrlEncode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

}  // namespace
}  // namespace mileage::wechat::client
