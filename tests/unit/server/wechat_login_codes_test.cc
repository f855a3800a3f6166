// server/mp/wechat_login_codes.h: every code2Session answer WeChat can give, mapped to the
// member login's errors, against a fake WeChat; no message carries the code or the secret.
#include "server/mp/wechat_login_codes.h"

#include <gtest/gtest.h>

#include <string>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "kv/memory/memory_kv.h"
#include "tests/unit/wechat_client/fake_server.h"

namespace mileage::server {
namespace {

constexpr char kAppid[] = "wxfake0000000001";
constexpr char kSecret[] = "the-app-secret";
constexpr char kCode[] = "the-login-code";

class WechatLoginCodesTest : public ::testing::Test {
 protected:
  // WeChat answers every code2Session with `status` and `body`.
  void Answer(int status, std::string body) {
    status_ = status;
    body_ = std::move(body);
  }

  Result<members::WechatUser> Exchange() {
    wechat::client::ApiClientOptions options;
    options.api_base_url = fake_.url();
    options.max_attempts = 1;
    Result<std::unique_ptr<wechat::client::ApiClient>> api =
        wechat::client::ApiClient::Create(options, random_);
    EXPECT_TRUE(api.ok()) << api.status().ToString();
    MiniProgramClients clients(**api, kv_, clock_, random_);
    WechatLoginCodes codes(clients);
    return codes.Exchange(kAppid, kSecret, kCode);
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  kv::MemoryKv kv_{clock_};
  int status_ = 200;
  std::string body_;
  std::string query_;
  testing::FakeServer fake_{[this](httplib::Server& server) {
    server.Get("/sns/jscode2session", [this](const httplib::Request& req, httplib::Response& res) {
      query_ = req.get_param_value("js_code") + "|" + req.get_param_value("secret");
      res.status = status_;
      res.set_content(body_, "application/json");
    });
  }};
};

TEST_F(WechatLoginCodesTest, AnAcceptedCodeNamesTheUser) {
  Answer(200, R"({"openid":"oABC_123-x","session_key":"c2Vzc2lvbg==","unionid":"uXYZ"})");
  Result<members::WechatUser> user = Exchange();
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->openid, "oABC_123-x");
  EXPECT_EQ(user->unionid, "uXYZ");
  EXPECT_EQ(query_, std::string(kCode) + "|" + kSecret) << "the app's code and secret are sent";

  Answer(200, R"({"openid":"oABC_123-x","session_key":"c2Vzc2lvbg=="})");
  user = Exchange();
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_FALSE(user->unionid.has_value()) << "no unionid without an open-platform binding";
}

TEST_F(WechatLoginCodesTest, EveryRefusalHasItsCodeAndNoSecretInItsMessage) {
  const struct {
    int status;
    std::string body;
    StatusCode code;
    std::string reason;
  } cases[] = {
      {200, R"({"errcode":40029,"errmsg":"invalid code"})", StatusCode::kUnauthenticated,
       "INVALID_CODE"},
      {200, R"({"errcode":40163,"errmsg":"code been used"})", StatusCode::kUnauthenticated,
       "CODE_USED"},
      {200, R"({"errcode":40226,"errmsg":"high risk user"})", StatusCode::kPermissionDenied,
       "LOGIN_REFUSED"},
      {200, R"({"errcode":45011,"errmsg":"api minute-quota reach limit"})",
       StatusCode::kResourceExhausted, "WECHAT_RATE_LIMITED"},
      {200, R"({"errcode":40125,"errmsg":"invalid appsecret"})", StatusCode::kUnavailable,
       "APP_MISCONFIGURED"},
      {200, R"({"errcode":40013,"errmsg":"invalid appid"})", StatusCode::kUnavailable,
       "APP_MISCONFIGURED"},
      {200, R"({"errcode":40164,"errmsg":"invalid ip, not in whitelist"})",
       StatusCode::kUnavailable, "APP_MISCONFIGURED"},
      {200, R"({"errcode":-1,"errmsg":"system error"})", StatusCode::kUnavailable,
       "WECHAT_UNAVAILABLE"},
      {200, R"({"errcode":48001,"errmsg":"api unauthorized"})", StatusCode::kUnavailable,
       "WECHAT_UNAVAILABLE"},
      {500, "oops", StatusCode::kUnavailable, "WECHAT_UNAVAILABLE"},
      {200, "not json", StatusCode::kUnavailable, "WECHAT_UNAVAILABLE"},
      {200, R"({"session_key":"c2Vzc2lvbg=="})", StatusCode::kUnavailable, "WECHAT_UNAVAILABLE"},
      {200, R"({"openid":"o with spaces","session_key":"c2Vzc2lvbg=="})", StatusCode::kUnavailable,
       "WECHAT_UNAVAILABLE"},
      {200, R"({"openid":"oABC","session_key":"c2Vzc2lvbg==","unionid":"u;DROP"})",
       StatusCode::kUnavailable, "WECHAT_UNAVAILABLE"},
  };
  for (const auto& c : cases) {
    Answer(c.status, c.body);
    Result<members::WechatUser> user = Exchange();
    ASSERT_FALSE(user.ok()) << c.body;
    EXPECT_EQ(user.status().code(), c.code) << c.body << ": " << user.status().ToString();
    EXPECT_EQ(user.status().reason(), c.reason) << c.body;
    EXPECT_EQ(user.status().message().find(kSecret), std::string::npos) << c.body;
    EXPECT_EQ(user.status().message().find(kCode), std::string::npos) << c.body;
    EXPECT_EQ(user.status().message().find("c2Vzc2lvbg"), std::string::npos) << c.body;
  }
}

TEST_F(WechatLoginCodesTest, ANewSecretGetsANewClient) {
  wechat::client::ApiClientOptions options;
  options.api_base_url = fake_.url();
  Result<std::unique_ptr<wechat::client::ApiClient>> api =
      wechat::client::ApiClient::Create(options, random_);
  ASSERT_TRUE(api.ok());
  MiniProgramClients clients(**api, kv_, clock_, random_);
  auto first = clients.For(kAppid, "secret-1");
  EXPECT_EQ(clients.For(kAppid, "secret-1"), first);
  auto rotated = clients.For(kAppid, "secret-2");
  EXPECT_NE(rotated, first);
  EXPECT_EQ(clients.For(kAppid, "secret-2"), rotated);
  EXPECT_NE(clients.For("wxother000000001", "secret-2"), rotated);
  EXPECT_EQ(first->appid(), kAppid) << "a replaced client stays usable by its holder";
}

}  // namespace
}  // namespace mileage::server
