#include "wechat/client/miniprogram_client.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>

#include "common/testing/fake_clock.h"
#include "common/testing/fake_random.h"
#include "kv/memory/memory_kv.h"
#include "tests/unit/wechat_client/fake_server.h"
#include "wechat/client/reasons.h"

namespace mileage::wechat::client {
namespace {

using mileage::testing::FakeClock;
using mileage::testing::FakeRandom;
using mileage::testing::FakeServer;
using mileage::testing::Must;

constexpr char kJson[] = "application/json";

// A mini-program API whose answers each test steers: code2Session answers by code, the token
// APIs accept only `valid_token_` and stable_token hands out token-1, token-2, ...
class MiniProgramClientTest : public ::testing::Test {
 protected:
  MiniProgramClientTest()
      : server_([this](httplib::Server& s) {
          s.Get("/sns/jscode2session", [this](const httplib::Request& req, httplib::Response& res) {
            last_query_appid_ = req.get_param_value("appid");
            last_query_secret_ = req.get_param_value("secret");
            std::string code = req.get_param_value("js_code");
            if (code == "bad") {
              res.set_content(R"({"errcode":40029,"errmsg":"invalid code"})", kJson);
            } else if (code == "busy") {
              res.set_content(R"({"errcode":-1,"errmsg":"system error"})", kJson);
            } else if (code == "limited") {
              res.set_content(R"({"errcode":45009,"errmsg":"freq limit"})", kJson);
            } else if (code == "odd") {
              res.set_content(R"({"session_key":"k"})", kJson);
            } else {
              res.set_content(
                  R"({"openid":"o-)" + code + R"(","session_key":"c2s=","unionid":"u-1"})", kJson);
            }
          });
          s.Post("/cgi-bin/stable_token", [this](const httplib::Request&, httplib::Response& res) {
            int n = ++token_calls_;
            res.set_content(
                R"({"access_token":"token-)" + std::to_string(n) + R"(","expires_in":7200})",
                kJson);
          });
          auto with_token = [this](const httplib::Request& req, httplib::Response& res) {
            if (req.get_param_value("access_token") != valid_token_) {
              res.set_content(R"({"errcode":40001,"errmsg":"invalid credential"})", kJson);
              return false;
            }
            return true;
          };
          s.Post("/wxa/business/getuserphonenumber", [with_token](const httplib::Request& req,
                                                                  httplib::Response& res) {
            if (!with_token(req, res)) return;
            res.set_content(
                R"({"errcode":0,"errmsg":"ok","phone_info":{"phoneNumber":"+86 13800138000",)"
                R"("purePhoneNumber":"13800138000","countryCode":86,)"
                R"("watermark":{"timestamp":1700000000,"appid":"wxapp"}}})",
                kJson);
          });
          s.Post("/cgi-bin/message/subscribe/send",
                 [this, with_token](const httplib::Request& req, httplib::Response& res) {
                   if (!with_token(req, res)) return;
                   last_body_ = req.body;
                   res.set_content(subscribe_answer_, kJson);
                 });
          s.Post("/wxa/getwxacodeunlimit",
                 [with_token](const httplib::Request& req, httplib::Response& res) {
                   if (!with_token(req, res)) return;
                   res.set_content(std::string("\x89PNG-bytes", 10), "image/png");
                 });
        }) {
    ApiClientOptions options;
    options.api_base_url = server_.url();
    options.pay_base_url = server_.url();
    options.initial_backoff = std::chrono::milliseconds(1);
    api_ = Must(ApiClient::Create(options, random_));
    client_ = std::make_unique<MiniProgramClient>(*api_, kv_, clock_, random_,
                                                  MiniProgramCredentials{"wxapp", "s3cret"});
  }

  std::atomic<int> token_calls_{0};
  std::string valid_token_ = "token-1";
  std::string subscribe_answer_ = R"({"errcode":0,"errmsg":"ok"})";
  std::string last_body_;
  std::string last_query_appid_;
  std::string last_query_secret_;
  FakeServer server_;
  FakeClock clock_;
  FakeRandom random_;
  kv::MemoryKv kv_{clock_};
  std::unique_ptr<ApiClient> api_;
  std::unique_ptr<MiniProgramClient> client_;
};

TEST_F(MiniProgramClientTest, Code2SessionReturnsTheSession) {
  Session session = Must(client_->Code2Session("user-42"));
  EXPECT_EQ(session.openid, "o-user-42");
  EXPECT_EQ(session.unionid, "u-1");
  EXPECT_EQ(session.session_key, "c2s=");
  EXPECT_EQ(last_query_appid_, "wxapp");
  EXPECT_EQ(last_query_secret_, "s3cret");
}

TEST_F(MiniProgramClientTest, Code2SessionMapsErrcodes) {
  EXPECT_STATUS(client_->Code2Session("bad").status(), kInvalidArgument, reason::kInvalidCode);
  EXPECT_STATUS(client_->Code2Session("busy").status(), kUnavailable, reason::kBusy);
  EXPECT_STATUS(client_->Code2Session("limited").status(), kResourceExhausted,
                reason::kRateLimited);
  EXPECT_STATUS(client_->Code2Session("odd").status(), kInternal, reason::kBadResponse);
}

TEST_F(MiniProgramClientTest, AMalformedCodeIsRefusedWithoutCallingWechat) {
  for (const std::string& code :
       {std::string(), std::string("has space"), std::string("tab\t"), std::string(300, 'a')}) {
    EXPECT_STATUS(client_->Code2Session(code).status(), kInvalidArgument, reason::kInvalidCode);
    EXPECT_STATUS(client_->GetPhoneNumber(code).status(), kInvalidArgument, reason::kInvalidCode);
  }
  EXPECT_EQ(server_.hits("/sns/jscode2session"), 0);
  EXPECT_EQ(server_.hits("/wxa/business/getuserphonenumber"), 0);
}

TEST_F(MiniProgramClientTest, GetPhoneNumberReadsPhoneInfo) {
  miniprogram::PhoneNumber phone = Must(client_->GetPhoneNumber("phone-code"));
  EXPECT_EQ(phone.phone_number, "+86 13800138000");
  EXPECT_EQ(phone.pure_phone_number, "13800138000");
  EXPECT_EQ(phone.country_code, "86");
  EXPECT_EQ(phone.watermark_appid, "wxapp");
  EXPECT_EQ(phone.watermark_timestamp, 1700000000);
}

TEST_F(MiniProgramClientTest, SendsASubscribeMessage) {
  SubscribeMessage message;
  message.touser = "o-1";
  message.template_id = "tmpl";
  message.page = "pages/index/index";
  message.data = {{"thing1", "Oil change due"}, {"time2", "2024-05-01"}};
  EXPECT_OK(client_->SendSubscribeMessage(message));
  rapidjson::Document doc;
  doc.Parse(last_body_.c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["touser"].GetString(), "o-1");
  EXPECT_STREQ(doc["data"]["thing1"]["value"].GetString(), "Oil change due");
  EXPECT_STREQ(doc["miniprogram_state"].GetString(), "formal");
}

TEST_F(MiniProgramClientTest, SubscribeErrorsAndMissingFields) {
  SubscribeMessage message;
  EXPECT_STATUS(client_->SendSubscribeMessage(message), kInvalidArgument, reason::kBadArgument);
  message = SubscribeMessage{"o-1", "tmpl", "", "formal", "zh_CN", {{"thing1", "x"}}};
  subscribe_answer_ = R"({"errcode":43101,"errmsg":"user refuse to accept the msg"})";
  EXPECT_STATUS(client_->SendSubscribeMessage(message), kFailedPrecondition,
                reason::kSubscribeRefused);
  EXPECT_EQ(server_.hits("/cgi-bin/message/subscribe/send"), 1);
}

TEST_F(MiniProgramClientTest, ARejectedTokenIsRefreshedOnceAndTheCallRepeated) {
  SubscribeMessage message{"o-1", "tmpl", "", "formal", "zh_CN", {{"thing1", "x"}}};
  EXPECT_OK(client_->SendSubscribeMessage(message));
  EXPECT_EQ(token_calls_.load(), 1);
  valid_token_ = "token-2";  // WeChat invalidated token-1
  EXPECT_OK(client_->SendSubscribeMessage(message));
  EXPECT_EQ(token_calls_.load(), 2);
  EXPECT_EQ(server_.hits("/cgi-bin/message/subscribe/send"), 3);
}

TEST_F(MiniProgramClientTest, ATokenRejectedTwiceIsAnError) {
  valid_token_ = "never";
  SubscribeMessage message{"o-1", "tmpl", "", "formal", "zh_CN", {{"thing1", "x"}}};
  EXPECT_STATUS(client_->SendSubscribeMessage(message), kUnavailable, reason::kTokenRejected);
  EXPECT_EQ(server_.hits("/cgi-bin/message/subscribe/send"), 2);
  EXPECT_EQ(token_calls_.load(), 2);
}

TEST_F(MiniProgramClientTest, GetUnlimitedReturnsTheImage) {
  WxaCodeRequest request;
  request.scene = "store=42&c=ab";
  WxaCode code = Must(client_->GetUnlimitedWxaCode(request));
  EXPECT_EQ(code.content_type, "image/png");
  EXPECT_EQ(code.image, std::string("\x89PNG-bytes", 10));
}

TEST_F(MiniProgramClientTest, AnInvalidSceneIsRefusedWithoutCallingWechat) {
  for (const std::string& scene : {std::string(), std::string(33, 'a'), std::string("a b"),
                                   std::string("中文"), std::string("a%b")}) {
    WxaCodeRequest request;
    request.scene = scene;
    SCOPED_TRACE(scene);
    EXPECT_STATUS(client_->GetUnlimitedWxaCode(request).status(), kInvalidArgument,
                  reason::kBadScene);
  }
  EXPECT_EQ(server_.hits("/wxa/getwxacodeunlimit"), 0);
  EXPECT_EQ(token_calls_.load(), 0);
  EXPECT_TRUE(IsValidScene(std::string(32, 'a')));
  EXPECT_TRUE(IsValidScene("!#$&'()*+,/:;=?@-._~"));
}

}  // namespace
}  // namespace mileage::wechat::client
