// Referrals over HTTP (docs/API.md "Referrals"): the member's code and its wxacode image through
// the WeChat sandbox (cached: WeChat is asked once), attaching with the sandbox's login, the
// referee's first payment delivered by the sandbox rewarding both once (a repeated delivery
// changes nothing), a refund clawing both back, the referrer's view, the console's rule and
// list; bad input, other members, other brands and staff roles that must not act, each
// answering its code with nothing written.
#include <string>

#include "org/org_module.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

class MpReferralsTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
    admin_ = StaffToken();
  }

  std::string NotifyUrl() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/wechatpay/v3/notify/" + kMchid;
  }
  // The sandbox pays for the user of `code`; returns {out_trade_no, delivery id} once delivered.
  std::pair<std::string, int64_t> PayFor(const std::string& code, int64_t amount_fen) {
    rapidjson::Document paid = sandbox_->PostJson(
        "/sandbox/payments", R"({"amount":)" + std::to_string(amount_fen) + R"(,"openid_code":")" +
                                 code + R"(","notify_url":")" + NotifyUrl() + R"("})");
    EXPECT_TRUE(paid.IsObject() && paid.HasMember("delivery_id"));
    if (!paid.IsObject() || !paid.HasMember("delivery_id")) return {"", 0};
    const int64_t delivery = paid["delivery_id"].GetInt64();
    EXPECT_EQ(sandbox_->AwaitFinal(delivery).state, "delivered");
    return {paid["out_trade_no"].GetString(), delivery};
  }
  void Redeliver(int64_t id) {
    rapidjson::Document again =
        sandbox_->PostJson("/sandbox/deliveries/" + std::to_string(id) + "/duplicate", "");
    ASSERT_TRUE(again.IsObject() && again.HasMember("delivery_id"));
    EXPECT_EQ(sandbox_->AwaitFinal(again["delivery_id"].GetInt64()).state, "delivered");
  }
  void RefundAll(const std::string& out_trade_no) {
    rapidjson::Document refunded =
        sandbox_->PostJson("/sandbox/refunds", R"({"out_trade_no":")" + out_trade_no +
                                                   R"(","notify_url":")" + NotifyUrl() + R"("})");
    ASSERT_TRUE(refunded.IsObject() && refunded.HasMember("delivery_id"));
    EXPECT_EQ(sandbox_->AwaitFinal(refunded["delivery_id"].GetInt64()).state, "delivered");
  }

  MpReply PutRule(const std::string& token, const std::string& body) {
    return Send("PUT", "/api/console/referral-rule", token, body);
  }
  static constexpr const char* kRule =
      R"({"window_days":30,"min_amount_fen":10000,"referrer_points":500,"referee_points":200,)"
      R"("monthly_cap":5})";
  std::string CodeOf(const SignedIn& member) {
    MpReply code = Send("GET", "/api/mp/referrals/code", member.token);
    EXPECT_EQ(code.status, 200) << code.body;
    return code.status == 200 ? code.Text("code") : "";
  }
  MpReply Attach(const SignedIn& member, const std::string& code) {
    return Send("POST", "/api/mp/referrals/attach", member.token, R"({"code":")" + code + R"("})");
  }
  int64_t Balance(int64_t member) {
    return Scalar(
        "SELECT COALESCE(SUM(balance), 0) FROM point_accounts WHERE kind = 'member' "
        "AND owner_id = " +
        std::to_string(member));
  }
  // What a referral request could write.
  std::string ReferralWrites() {
    std::string out;
    for (const char* table : {"referrals", "referral_rules", "referral_month_counts",
                              "point_journals", "coupons", "outbox_events"}) {
      out += std::string(table) + "=" +
             std::to_string(Scalar(std::string("SELECT COUNT(*) FROM ") + table)) + " ";
    }
    return out + "audit_ok=" +
           std::to_string(Scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'ok'"));
  }
  // Creates a staff account and returns its console token.
  std::string Staff(const std::string& username, const std::string& role,
                    const std::string& scope_type, int64_t scope_id, int64_t brand) {
    MustOk(
        app().org().staff().Create(org::Actor::System("test"),
                                   org::NewStaff{username, kPassword, role, scope_type, scope_id}));
    MpReply login = Send("POST", "/api/console/login", "",
                         R"({"username":")" + username + R"(","password":")" + kPassword +
                             R"(","brand_id":)" + std::to_string(brand) + "}");
    EXPECT_EQ(login.status, 200) << login.body;
    return login.Text("token");
  }

  SignedIn alice_, bob_;
  std::string admin_;
};

TEST_P(MpReferralsTest, TheCodeImageComesFromWechatOnceAndIsCached) {
  MpReply code = Send("GET", "/api/mp/referrals/code", alice_.token);
  ASSERT_EQ(code.status, 200) << code.body;
  const std::string c = code.Text("code");
  EXPECT_EQ(c.size(), 10u);
  EXPECT_EQ(code.Text("scene"), "r=" + c);
  EXPECT_EQ(code.Text("page"), "pages/home/index");
  EXPECT_EQ(CodeOf(alice_), c);  // stable
  const int64_t calls = sandbox_->sandbox().Stats(kAppid).wxacode_calls;
  for (int i = 0; i < 3; ++i) {
    MpReply image = Send("GET", "/api/mp/referrals/code/image", alice_.token);
    ASSERT_EQ(image.status, 200) << image.body;
    EXPECT_EQ(image.Header("Content-Type"), "image/png");
    EXPECT_EQ(image.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  }
  EXPECT_EQ(sandbox_->sandbox().Stats(kAppid).wxacode_calls, calls + 1);
  // Another member's code is another image.
  EXPECT_NE(CodeOf(bob_), c);
  ASSERT_EQ(Send("GET", "/api/mp/referrals/code/image", bob_.token).status, 200);
  EXPECT_EQ(sandbox_->sandbox().Stats(kAppid).wxacode_calls, calls + 2);
  EXPECT_EQ(Send("GET", "/api/mp/referrals/code/image", "").status, 401);
  EXPECT_EQ(Send("GET", "/api/mp/referrals/code", admin_).status, 401);  // a console token
}

TEST_P(MpReferralsTest, AReferredFirstPaymentRewardsBothOnceAndARefundTakesItBack) {
  ASSERT_EQ(PutRule(admin_, kRule).status, 200);
  MpReply attached = Attach(bob_, CodeOf(alice_));
  ASSERT_EQ(attached.status, 201) << attached.body;
  EXPECT_EQ(attached.Text("state"), "pending");
  EXPECT_EQ(Attach(bob_, CodeOf(alice_)).status, 200);  // the same post again
  // Bob binds his phone: alice sees it masked.
  ASSERT_EQ(Send("POST", "/api/mp/phone", bob_.token, R"({"code":"phone-13800138000"})").status,
            200);

  const auto [out_trade_no, delivery] = PayFor("bob", 12000);
  EXPECT_EQ(Balance(alice_.id), 500);
  const int64_t bob_payment_points = Scalar(
      "SELECT points_earned FROM payment_transactions WHERE out_trade_no = '" + out_trade_no + "'");
  EXPECT_EQ(Balance(bob_.id), bob_payment_points + 200);
  const std::string rewarded = ReferralWrites();
  Redeliver(delivery);  // WeChat retries: nothing more
  EXPECT_EQ(ReferralWrites(), rewarded);
  EXPECT_EQ(Balance(alice_.id), 500);

  MpReply mine = Send("GET", "/api/mp/referrals", alice_.token);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json["totals"]["rewarded"].GetInt64(), 1);
  EXPECT_EQ(mine.json["totals"]["points"].GetInt64(), 500);
  EXPECT_EQ(mine.json["rule"]["referrer_points"].GetInt64(), 500);
  ASSERT_EQ(mine.json["items"].Size(), 1u);
  EXPECT_STREQ(mine.json["items"][0]["state"].GetString(), "rewarded");
  EXPECT_STREQ(mine.json["items"][0]["referee_phone"].GetString(), "138****8000");
  EXPECT_EQ(mine.body.find("13800138000"), std::string::npos);
  EXPECT_EQ(mine.body.find(std::to_string(bob_.id) + ","), std::string::npos);
  // Bob referred nobody.
  MpReply his = Send("GET", "/api/mp/referrals", bob_.token);
  EXPECT_EQ(his.json["items"].Size(), 0u);

  RefundAll(out_trade_no);
  EXPECT_EQ(Balance(alice_.id), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM referrals WHERE state = 'clawed_back'"), 1);
  EXPECT_EQ(Scalar("SELECT COALESCE(SUM(e.amount), 0) FROM point_entries e"), 0);
  MpReply listed = Send("GET", "/api/console/referrals?state=clawed_back", admin_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json["total"].GetInt64(), 1);
  EXPECT_EQ(listed.json["items"][0]["referrer_member_id"].GetInt64(), alice_.id);
  EXPECT_EQ(listed.json["items"][0]["referee_member_id"].GetInt64(), bob_.id);
  EXPECT_EQ(listed.json["items"][0]["referee_points"].GetInt64(), 200);
}

TEST_P(MpReferralsTest, BadInputAnswersItsCodeAndWritesNothing) {
  ASSERT_EQ(PutRule(admin_, kRule).status, 200);
  const std::string code = CodeOf(alice_);
  PayFor("carol", 100);
  const SignedIn carol = SignIn("carol");  // paid before: not a new owner
  const std::string huge(2 * 1024 * 1024, 'x');
  const std::string before = ReferralWrites();
  struct Case {
    std::string token, method, path, body;
    int status;
    std::string code;
  } cases[] = {
      {alice_.token, "POST", "/api/mp/referrals/attach", R"({"code":")" + code + R"("})", 409,
       "SELF_REFERRAL"},
      {carol.token, "POST", "/api/mp/referrals/attach", R"({"code":")" + code + R"("})", 409,
       "NOT_NEW_OWNER"},
      {bob_.token, "POST", "/api/mp/referrals/attach", R"({"code":"ZZZZZZZZZZ"})", 404,
       "REFERRAL_CODE_NOT_FOUND"},
      {bob_.token, "POST", "/api/mp/referrals/attach", R"({"code":"r=abc"})", 400,
       "INVALID_REFERRAL_CODE"},
      {bob_.token, "POST", "/api/mp/referrals/attach", R"({"code":12})", 400, "INVALID_FIELD"},
      {bob_.token, "POST", "/api/mp/referrals/attach", R"({})", 400, "MISSING_FIELD"},
      {bob_.token, "POST", "/api/mp/referrals/attach", R"({"code":"a","member_id":1})", 400,
       "UNKNOWN_FIELD"},
      {bob_.token, "POST", "/api/mp/referrals/attach", "{", 400, "MALFORMED_JSON"},
      {bob_.token, "POST", "/api/mp/referrals/attach", huge, 413, "PAYLOAD_TOO_LARGE"},
      {bob_.token, "GET", "/api/mp/referrals?page=0", "", 400, "INVALID_PAGE"},
      {bob_.token, "GET", "/api/mp/referrals?page_size=100000", "", 400, "INVALID_PAGE"},
      {"", "POST", "/api/mp/referrals/attach", R"({"code":")" + code + R"("})", 401,
       "MISSING_TOKEN"},
      {admin_, "PUT", "/api/console/referral-rule",
       R"({"window_days":0,"min_amount_fen":1,)"
       R"("referee_points":1,"monthly_cap":1})",
       400, "INVALID_WINDOW_DAYS"},
      {admin_, "PUT", "/api/console/referral-rule",
       R"({"window_days":3,"min_amount_fen":1,)"
       R"("referee_points":1,"monthly_cap":0})",
       400, "INVALID_CAP"},
      {admin_, "PUT", "/api/console/referral-rule",
       R"({"window_days":3,"min_amount_fen":1,)"
       R"("monthly_cap":2})",
       400, "NO_REWARD"},
      {admin_, "PUT", "/api/console/referral-rule",
       R"({"window_days":3,"min_amount_fen":1,)"
       R"("monthly_cap":2,"referee_stock_id":999999})",
       404, "STOCK_NOT_FOUND"},
      {admin_, "PUT", "/api/console/referral-rule", R"({"window_days":3})", 400, "MISSING_FIELD"},
      {admin_, "PUT", "/api/console/referral-rule", huge, 413, "PAYLOAD_TOO_LARGE"},
      {admin_, "GET", "/api/console/referrals?state=done", "", 400, "INVALID_STATE"},
      {admin_, "GET", "/api/console/referrals?referrer_member_id=abc", "", 400, "INVALID_ID"},
      {admin_, "GET", "/api/console/referrals?page_size=0", "", 400, "INVALID_PAGE"},
      {alice_.token, "GET", "/api/console/referrals", "", 401, ""},
  };
  for (const Case& c : cases) {
    MpReply reply = Send(c.method, c.path, c.token, c.body);
    EXPECT_EQ(reply.status, c.status) << c.method << " " << c.path << " " << reply.body;
    if (!c.code.empty()) {
      EXPECT_EQ(reply.code(), c.code) << c.path << " " << reply.body;
    }
    EXPECT_EQ(reply.body.find("SQL"), std::string::npos);
  }
  EXPECT_EQ(ReferralWrites(), before);
}

TEST_P(MpReferralsTest, OnlyTheBrandsAdminsWriteAndOnlyItsStaffRead) {
  const org::Actor op = org::Actor::System("test");
  const int64_t other_brand = MustOk(app().org().hierarchy().CreateBrand(op, "Other")).path.id();
  const std::string other_admin =
      Staff("other-admin", "brand_admin", "brand", other_brand, other_brand);
  const std::string analyst = Staff("analyst", "analyst", "brand", brand_, brand_);
  const std::string clerk = Staff("clerk", "store_clerk", "store", store_, brand_);
  ASSERT_EQ(PutRule(admin_, kRule).status, 200);
  ASSERT_EQ(Attach(bob_, CodeOf(alice_)).status, 201);
  const std::string before = ReferralWrites();

  EXPECT_EQ(PutRule(analyst, kRule).status, 403);
  EXPECT_EQ(PutRule(clerk, kRule).status, 403);
  EXPECT_EQ(Send("GET", "/api/console/referrals", clerk).status, 403);
  EXPECT_EQ(Send("GET", "/api/console/referral-rule", clerk).status, 403);
  EXPECT_EQ(ReferralWrites(), before);

  MpReply rule = Send("GET", "/api/console/referral-rule", analyst);
  ASSERT_EQ(rule.status, 200) << rule.body;
  EXPECT_EQ(rule.json["min_amount_fen"].GetInt64(), 10000);
  EXPECT_EQ(Send("GET", "/api/console/referrals", analyst).json["total"].GetInt64(), 1);
  // Another brand's admin sees none of it and writes only their own brand's rule.
  EXPECT_EQ(Send("GET", "/api/console/referrals", other_admin).json["total"].GetInt64(), 0);
  EXPECT_EQ(Send("GET", "/api/console/referral-rule", other_admin).code(),
            "REFERRAL_RULE_NOT_FOUND");
  EXPECT_EQ(Send("GET", "/api/console/referrals?referrer_member_id=" + std::to_string(alice_.id),
                 other_admin)
                .json["total"]
                .GetInt64(),
            0);
  ASSERT_EQ(PutRule(other_admin, R"({"window_days":7,"min_amount_fen":1,"referee_points":1,)"
                                 R"("monthly_cap":1,"enabled":false})")
                .status,
            200);
  EXPECT_EQ(Send("GET", "/api/console/referral-rule", admin_).json["window_days"].GetInt64(), 30);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'referral_rule.put' AND "
                   "outcome = 'ok'"),
            2);
}

MILEAGE_MP_TEST_SUITE(MpReferralsTest);

}  // namespace
}  // namespace mileage::testing
