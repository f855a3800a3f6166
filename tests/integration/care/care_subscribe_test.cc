// WeChat subscribe messages over HTTP and the sandbox (docs/API.md "Subscribe messages"): the
// console's templates, the member's grants (wx.requestSubscribeMessage answers) and the
// subscribe relay sending through the server's WeChat sender to the sandbox, which keeps its own
// count of grants per openid and template (as WeChat does) and is the oracle of what arrived.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "care/subscribe_relay.h"
#include "db/outbox.h"
#include "tests/integration/care/care_fixture.h"

namespace mileage::testing {
namespace {

constexpr const char* kDueTemplate = "tmpl-maintenance-due";
constexpr const char* kBirthdayTemplate = "tmpl-birthday_gift";

class SubscribeTest : public CareTest {
 protected:
  // A template through the console as the brand admin; its id.
  int64_t MakeTemplate(const std::string& topic, const std::string& template_id, bool marketing) {
    MpReply reply = Console("POST", "/api/console/subscribe-templates",
                            TemplateBody(topic, template_id, marketing));
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.status == 201 ? reply.json["id"].GetInt64() : 0;
  }
  static std::string TemplateBody(const std::string& topic, const std::string& template_id,
                                  bool marketing) {
    return R"({"topic":")" + topic + R"(","template_id":")" + template_id +
           R"(","title":"保养到期提醒","marketing":)" + (marketing ? "true" : "false") +
           R"(,"page":"pages/vehicles/index","fields":{"thing1":"model","date2":"due_date",)"
           R"("thing3":"reason"}})";
  }
  // The member taps "accept" for `template_id` `times` times: the WeChat client grants it in
  // WeChat (the sandbox) and the mini-program posts each answer to the server.
  void Accept(const SignedIn& member, const std::string& code, const std::string& template_id,
              int times) {
    for (int i = 0; i < times; ++i) {
      MpReply reply =
          Send("POST", "/api/mp/subscriptions", member.token,
               R"({")" + template_id + R"(":"accept","errMsg":"requestSubscribeMessage:ok"})");
      ASSERT_EQ(reply.status, 200) << reply.body;
      ASSERT_TRUE(
          sandbox_->sandbox().GrantSubscription(kAppid, OpenidOf(code), template_id, 1).ok());
    }
  }
  // An outbox event of `topic` about `member`, as its producer writes it.
  void Emit(const std::string& topic, int64_t member) {
    Result<db::PooledConnection> conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    const std::string payload = db::PayloadJson({{"member_id", member},
                                                 {"vehicle_id", int64_t{7}},
                                                 {"model", "Model Y 长续航全轮驱动版 2030 款"},
                                                 {"due_date", "2030-02-01"},
                                                 {"reason", "mileage"}});
    ASSERT_TRUE(
        db::AddOutboxEvent(**conn, topic, brand_, "m" + std::to_string(member), payload, Now())
            .ok());
  }
  care::SubscribeRelay MakeRelay() {
    care::SubscribePolicy policy;
    policy.timeout_s = 5;
    policy.hold_extra_s = 5;
    policy.retry_delay = [](int64_t) { return int64_t{30}; };
    return care::SubscribeRelay(app().db(), app().subscribe_sender(), clock_, relay_random_,
                                policy);
  }
  care::SubscribePass RunUntilIdle(care::SubscribeRelay& relay) {
    care::SubscribePass total;
    for (int i = 0; i < 50; ++i) {
      Result<care::SubscribePass> pass = relay.RunOnce();
      EXPECT_TRUE(pass.ok()) << pass.status().ToString();
      if (!pass.ok() || pass->Total() == 0) break;
      total.events += pass->events;
      total.sent += pass->sent;
      total.skipped += pass->skipped;
      total.failed += pass->failed;
      total.retried += pass->retried;
    }
    return total;
  }
  // What the sandbox accepted for the app: its subscribeMessage.send bodies.
  std::vector<std::string> Arrived() { return sandbox_->sandbox().Stats(kAppid).messages; }
  int64_t Count(const std::string& state, const std::string& reason = "") {
    std::string sql = "SELECT COUNT(*) FROM subscribe_messages WHERE state = '" + state + "'";
    if (!reason.empty()) sql += " AND reason = '" + reason + "'";
    return Scalar(sql);
  }
  int64_t Grants() { return Scalar("SELECT COALESCE(SUM(remaining), 0) FROM subscribe_grants"); }
  void GiveMarketingConsent(const SignedIn& member) {
    MpReply reply = Send("PATCH", "/api/mp/profile", member.token,
                         R"({"consents":{"marketing":{"granted":true,"text_version":"2026-01"}}})");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }

  FakeRandom relay_random_{11};
};

TEST_P(SubscribeTest, AMemberWithoutASubscriptionGetsNoMessage) {
  MakeTemplate("maintenance.due", kDueTemplate, false);
  const SignedIn member = SignIn("sub-none");
  Emit("maintenance.due", member.id);
  care::SubscribeRelay relay = MakeRelay();
  const care::SubscribePass pass = RunUntilIdle(relay);
  EXPECT_EQ(pass.sent, 0);
  EXPECT_EQ(pass.skipped, 1);
  EXPECT_EQ(Count("skipped", "no_subscription"), 1);
  EXPECT_TRUE(Arrived().empty());
  EXPECT_EQ(sandbox_->sandbox().Stats(kAppid).refused_messages, 0);  // never even asked
}

TEST_P(SubscribeTest, MarketingNeedsConsentAndServiceMessagesDoNot) {
  MakeTemplate("maintenance.due", kDueTemplate, false);
  MakeTemplate("care.birthday", kBirthdayTemplate, true);
  const SignedIn member = SignIn("sub-consent");
  Accept(member, "sub-consent", kDueTemplate, 1);
  Accept(member, "sub-consent", kBirthdayTemplate, 1);
  Emit("maintenance.due", member.id);
  Emit("care.birthday", member.id);
  care::SubscribeRelay relay = MakeRelay();
  RunUntilIdle(relay);
  EXPECT_EQ(Count("sent"), 1);
  EXPECT_EQ(Count("skipped", "no_consent"), 1);
  ASSERT_EQ(Arrived().size(), 1u);
  EXPECT_NE(Arrived()[0].find(kDueTemplate), std::string::npos);
  // The marketing grant was not used: it is still there, in the server and in WeChat.
  MpReply mine = Send("GET", "/api/mp/subscriptions", member.token);
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.json["items"].Size(), 2u);
  EXPECT_EQ(std::string(mine.json["items"][1]["template_id"].GetString()), kBirthdayTemplate);
  EXPECT_TRUE(mine.json["items"][1]["marketing"].GetBool());
  EXPECT_EQ(mine.json["items"][1]["remaining"].GetInt64(), 1);
  EXPECT_EQ(mine.json["items"][0]["remaining"].GetInt64(), 0);
  EXPECT_EQ(
      sandbox_->sandbox().SubscriptionsLeft(kAppid, OpenidOf("sub-consent"), kBirthdayTemplate), 1);

  // With consent the next birthday message goes out.
  GiveMarketingConsent(member);
  Emit("care.birthday", member.id);
  RunUntilIdle(relay);
  ASSERT_EQ(Arrived().size(), 2u);
  EXPECT_NE(Arrived()[1].find(kBirthdayTemplate), std::string::npos);
  EXPECT_EQ(Grants(), 0);
}

TEST_P(SubscribeTest, OneTimeGrantsAreConsumedExactlyOnce) {
  MakeTemplate("maintenance.due", kDueTemplate, false);
  const SignedIn member = SignIn("sub-three");
  Accept(member, "sub-three", kDueTemplate, 3);
  for (int i = 0; i < 5; ++i) Emit("maintenance.due", member.id);
  care::SubscribeRelay relay = MakeRelay();
  const care::SubscribePass pass = RunUntilIdle(relay);
  EXPECT_EQ(pass.sent, 3);
  EXPECT_EQ(pass.skipped, 2);
  EXPECT_EQ(Arrived().size(), 3u);
  EXPECT_EQ(sandbox_->sandbox().Stats(kAppid).refused_messages, 0);
  EXPECT_EQ(Count("skipped", "no_subscription"), 2);
  EXPECT_EQ(Grants(), 0);
  // Another pass changes nothing: no message is sent twice.
  RunUntilIdle(relay);
  EXPECT_EQ(Arrived().size(), 3u);
  // The rendered data: the model cut to thing's 20 characters (5 + 1 + 1 + 1 + 8 + 1 + 3), the date
  // as WeChat shows it.
  const std::string body = Arrived()[0];
  EXPECT_NE(body.find(R"("thing1":{"value":"Model Y 长续航全轮驱动版 203"})"), std::string::npos)
      << body;
  EXPECT_NE(body.find(R"("date2":{"value":"2030年2月1日"})"), std::string::npos) << body;
  EXPECT_NE(body.find(OpenidOf("sub-three")), std::string::npos);
  EXPECT_NE(body.find(R"("page":"pages/vehicles/index")"), std::string::npos);
}

TEST_P(SubscribeTest, ConcurrentRelaysNeverSendMoreThanTheGrants) {
  MakeTemplate("maintenance.due", kDueTemplate, false);
  const SignedIn member = SignIn("sub-race");
  Accept(member, "sub-race", kDueTemplate, 5);
  for (int i = 0; i < 12; ++i) Emit("maintenance.due", member.id);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      care::SubscribePolicy policy;
      care::SubscribeRelay relay(app().db(), app().subscribe_sender(), clock_, relay_random_,
                                 policy);
      while (!go.load()) std::this_thread::yield();
      for (int pass = 0; pass < 20; ++pass) {
        Result<care::SubscribePass> done = relay.RunOnce();
        if (!done.ok()) ++errors;
        if (done.ok() && done->Total() == 0) break;
      }
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();
  // A pass may fail on a deadlock between racing fan-outs (the next pass redoes it); what
  // matters is what reached WeChat.
  RecordProperty("failed_passes", errors.load());
  care::SubscribeRelay relay = MakeRelay();
  RunUntilIdle(relay);  // whatever a lost race left pending
  EXPECT_EQ(Arrived().size(), 5u);
  EXPECT_EQ(sandbox_->sandbox().Stats(kAppid).refused_messages, 0);
  EXPECT_EQ(Count("sent"), 5);
  EXPECT_EQ(Count("skipped", "no_subscription"), 7);
  EXPECT_EQ(Grants(), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM subscribe_messages"), 12);
}

TEST_P(SubscribeTest, ABusyWechatIsRetriedWithTheSameGrant) {
  MakeTemplate("maintenance.due", kDueTemplate, false);
  const SignedIn member = SignIn("sub-busy");
  Accept(member, "sub-busy", kDueTemplate, 2);
  ASSERT_TRUE(sandbox_->sandbox().FailNextSends(kAppid, 1).ok());
  Emit("maintenance.due", member.id);
  care::SubscribeRelay relay = MakeRelay();
  care::SubscribePass first = RunUntilIdle(relay);
  EXPECT_EQ(first.retried, 1);
  EXPECT_TRUE(Arrived().empty());
  EXPECT_EQ(Grants(), 1);  // held by the message
  EXPECT_EQ(Count("pending"), 1);
  MpReply metrics = Send("GET", "/metrics", "");
  EXPECT_NE(metrics.body.find("\nmileage_subscribe_messages_pending 1\n"), std::string::npos)
      << metrics.body;
  SetNow(Now() + 31);
  care::SubscribePass second = RunUntilIdle(relay);
  EXPECT_EQ(second.sent, 1);
  EXPECT_EQ(Arrived().size(), 1u);
  EXPECT_EQ(Grants(), 1);  // one grant for the one message, not two
  EXPECT_EQ(sandbox_->sandbox().SubscriptionsLeft(kAppid, OpenidOf("sub-busy"), kDueTemplate), 1);
  EXPECT_EQ(Scalar("SELECT attempts FROM subscribe_messages"), 2);
}

TEST_P(SubscribeTest, ACrashMidSendLeadsToARetryHoldingItsOneGrant) {
  MakeTemplate("maintenance.due", kDueTemplate, false);
  const SignedIn member = SignIn("sub-crash");
  Accept(member, "sub-crash", kDueTemplate, 2);
  // The send in flight when the relay "dies" does not arrive (a timeout), and the relay loses
  // its lease before recording anything: the fence refuses the second transaction.
  ASSERT_TRUE(sandbox_->sandbox().FailNextSends(kAppid, 1).ok());
  Emit("maintenance.due", member.id);
  care::SubscribeRelay relay = MakeRelay();
  int fenced = 0;
  const db::Fence dying = [&fenced](db::Connection&) -> Status {
    return ++fenced <= 2 ? Status::Ok() : FailedPreconditionError("lease lost", "LEASE_LOST");
  };
  Result<care::SubscribePass> crashed = relay.RunOnce(dying);
  EXPECT_EQ(crashed.status().reason(), "LEASE_LOST");
  EXPECT_EQ(Count("pending"), 1);
  EXPECT_EQ(Grants(), 1);
  // Not due before the claim's hold runs out; then retried by another relay, same grant.
  care::SubscribeRelay other = MakeRelay();
  EXPECT_EQ(RunUntilIdle(other).sent, 0);
  SetNow(Now() + 11);
  EXPECT_EQ(RunUntilIdle(other).sent, 1);
  EXPECT_EQ(Arrived().size(), 1u);
  EXPECT_EQ(Grants(), 1);
}

TEST_P(SubscribeTest, RefusedByWechatIsFinal) {
  MakeTemplate("maintenance.due", kDueTemplate, false);
  const SignedIn member = SignIn("sub-refused");
  // The server believes the member accepted, but WeChat holds no grant (the user unsubscribed).
  MpReply reply = Send("POST", "/api/mp/subscriptions", member.token,
                       std::string(R"({")") + kDueTemplate + R"(":"accept"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  Emit("maintenance.due", member.id);
  care::SubscribeRelay relay = MakeRelay();
  const care::SubscribePass pass = RunUntilIdle(relay);
  EXPECT_EQ(pass.failed, 1);
  EXPECT_EQ(Count("failed", "refused"), 1);
  EXPECT_EQ(sandbox_->sandbox().Stats(kAppid).refused_messages, 1);
  SetNow(Now() + 3600);
  RunUntilIdle(relay);
  EXPECT_EQ(sandbox_->sandbox().Stats(kAppid).refused_messages, 1);  // not retried
}

TEST_P(SubscribeTest, MemberRoutesRefuseBadAnswersAndWriteNothing) {
  MakeTemplate("maintenance.due", kDueTemplate, false);
  BuildOtherTenants();
  // A template of another brand, with a template id this brand does not have.
  ASSERT_TRUE(
      app()
          .subscriptions()
          .Create(org::Actor::System("test"), foreign_brand_,
                  care::TemplateInput{
                      "maintenance.due", "foreign-tmpl", "外部", false, "", {{"thing1", "model"}}})
          .ok());
  const SignedIn member = SignIn("sub-bad");
  const std::string huge = R"({"x":")" + std::string(2 << 20, 'a') + R"("})";
  struct Case {
    std::string body;
    int status;
    std::string code;
  } cases[] = {
      {R"({"unknown-tmpl":"accept"})", 404, "SUBSCRIBE_TEMPLATE_NOT_FOUND"},
      {R"({"foreign-tmpl":"accept"})", 404, "SUBSCRIBE_TEMPLATE_NOT_FOUND"},
      {std::string(R"({")") + kDueTemplate + R"(":"accept","unknown-tmpl":"accept"})", 404,
       "SUBSCRIBE_TEMPLATE_NOT_FOUND"},
      {std::string(R"({")") + kDueTemplate + R"(":"maybe"})", 400, "INVALID_SUBSCRIBE_ANSWER"},
      {std::string(R"({")") + kDueTemplate + R"(":1})", 400, "INVALID_SUBSCRIBE_ANSWER"},
      {R"({"errMsg":"requestSubscribeMessage:ok"})", 400, "INVALID_SUBSCRIBE_ANSWER"},
      {"{}", 400, "INVALID_SUBSCRIBE_ANSWER"},
      {"[]", 400, "BODY_NOT_OBJECT"},
      {"{", 400, "MALFORMED_JSON"},
      {huge, 413, "PAYLOAD_TOO_LARGE"},
  };
  for (const Case& c : cases) {
    MpReply reply = Send("POST", "/api/mp/subscriptions", member.token, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body.substr(0, 80) << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body.substr(0, 80);
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM subscribe_grants"), 0);
  EXPECT_EQ(Send("POST", "/api/mp/subscriptions", "", R"({"x":"accept"})").status, 401);
  // The member sees only the brand's templates.
  MpReply mine = Send("GET", "/api/mp/subscriptions", member.token);
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.json["items"].Size(), 1u);
  EXPECT_EQ(std::string(mine.json["items"][0]["template_id"].GetString()), kDueTemplate);
  // Grants stop at the cap.
  std::string accept = std::string(R"({")") + kDueTemplate + R"(":"accept"})";
  for (int i = 0; i < 55; ++i) {
    ASSERT_EQ(Send("POST", "/api/mp/subscriptions", member.token, accept).status, 200);
  }
  EXPECT_EQ(Grants(), 50);
  MpReply rejected = Send("POST", "/api/mp/subscriptions", member.token,
                          std::string(R"({")") + kDueTemplate + R"(":"reject"})");
  EXPECT_EQ(rejected.status, 200);
  EXPECT_EQ(Grants(), 50);
}

TEST_P(SubscribeTest, ConsoleRoutesCheckInputRolesAndTenants) {
  BuildOtherTenants();
  const int64_t id = MakeTemplate("maintenance.due", kDueTemplate, false);
  ASSERT_GT(id, 0);
  Result<care::SubscribeTemplate> foreign = app().subscriptions().Create(
      org::Actor::System("test"), foreign_brand_,
      care::TemplateInput{"maintenance.due", "foreign-tmpl", "外部", false, "", {{"thing1", "m"}}});
  ASSERT_TRUE(foreign.ok());
  const std::string foreign_path =
      "/api/console/subscribe-templates/" + std::to_string(foreign->id);
  const std::string good = TemplateBody("appointment.reminder", "tmpl-2", false);
  const std::string manager = StaffLogin("other_manager");
  const int64_t audits = Scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'ok'");
  struct Case {
    std::string method, path, body;
    int status;
    std::string code;
  } cases[] = {
      {"POST", "/api/console/subscribe-templates", TemplateBody("payment.recorded", "t-x", false),
       400, "INVALID_TOPIC"},
      {"POST", "/api/console/subscribe-templates",
       TemplateBody("maintenance.due", "bad id!", false), 400, "INVALID_TEMPLATE_ID"},
      {"POST", "/api/console/subscribe-templates",
       TemplateBody("maintenance.due", std::string(65, 'a'), false), 400, "INVALID_TEMPLATE_ID"},
      {"POST", "/api/console/subscribe-templates",
       R"({"topic":"maintenance.due","template_id":"t-y","title":"x","fields":{"thingy":"a"}})",
       400, "INVALID_TEMPLATE_FIELDS"},
      {"POST", "/api/console/subscribe-templates",
       R"({"topic":"maintenance.due","template_id":"t-y","title":"x","fields":{"thing1":"A-b"}})",
       400, "INVALID_TEMPLATE_FIELDS"},
      {"POST", "/api/console/subscribe-templates",
       R"({"topic":"maintenance.due","template_id":"t-y","title":"x","fields":{}})", 400,
       "INVALID_TEMPLATE_FIELDS"},
      {"POST", "/api/console/subscribe-templates",
       R"({"topic":"maintenance.due","template_id":"t-y","title":"x"})", 400, "MISSING_FIELD"},
      {"POST", "/api/console/subscribe-templates",
       R"({"topic":"maintenance.due","template_id":"t-y","title":"","fields":{"thing1":"a"}})", 400,
       "INVALID_FIELD"},
      {"POST", "/api/console/subscribe-templates",
       R"({"topic":"maintenance.due","template_id":"t-y","title":"x","fields":{"thing1":"a"},"x":1})",
       400, "UNKNOWN_FIELD"},
      {"POST", "/api/console/subscribe-templates", "{", 400, "MALFORMED_JSON"},
      {"POST", "/api/console/subscribe-templates",
       TemplateBody("maintenance.due", kDueTemplate, true), 409, "SUBSCRIBE_TEMPLATE_EXISTS"},
      {"GET", foreign_path, "", 404, "SUBSCRIBE_TEMPLATE_NOT_FOUND"},
      {"PUT", foreign_path, good, 404, "SUBSCRIBE_TEMPLATE_NOT_FOUND"},
      {"DELETE", foreign_path, "", 404, "SUBSCRIBE_TEMPLATE_NOT_FOUND"},
      {"GET", "/api/console/subscribe-templates/abc", "", 400, "INVALID_ID"},
      {"DELETE", "/api/console/subscribe-templates/999999", "", 404,
       "SUBSCRIBE_TEMPLATE_NOT_FOUND"},
  };
  for (const Case& c : cases) {
    MpReply reply = Console(c.method, c.path, c.body);
    EXPECT_EQ(reply.status, c.status)
        << c.method << " " << c.path << " " << c.body << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.method << " " << c.path << " " << c.body;
  }
  // A dealer manager can neither read nor write templates.
  EXPECT_EQ(Send("POST", "/api/console/subscribe-templates", manager, good).status, 403);
  EXPECT_EQ(Send("GET", "/api/console/subscribe-templates", manager).status, 403);
  EXPECT_EQ(
      Send("DELETE", "/api/console/subscribe-templates/" + std::to_string(id), manager).status,
      403);
  // Nothing was written by any refusal: still the two templates and no new audited write.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM subscribe_templates"), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'ok'"), audits);
  MpReply own = Console("GET", "/api/console/subscribe-templates/" + std::to_string(id));
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(std::string(own.json["template_id"].GetString()), kDueTemplate);
  EXPECT_FALSE(own.json["marketing"].GetBool());

  // Update and delete as the brand admin; the list shows the brand's only.
  MpReply updated = Console("PUT", "/api/console/subscribe-templates/" + std::to_string(id), good);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(std::string(updated.json["topic"].GetString()), "appointment.reminder");
  EXPECT_EQ(std::string(updated.json["fields"]["date2"].GetString()), "due_date");
  MpReply list = Console("GET", "/api/console/subscribe-templates");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json["items"].Size(), 1u);
  EXPECT_EQ(Console("DELETE", "/api/console/subscribe-templates/" + std::to_string(id)).status,
            204);
  EXPECT_EQ(Console("GET", "/api/console/subscribe-templates/" + std::to_string(id)).status, 404);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM subscribe_templates"), 1);
}

MILEAGE_MP_TEST_SUITE(SubscribeTest);

}  // namespace
}  // namespace mileage::testing
