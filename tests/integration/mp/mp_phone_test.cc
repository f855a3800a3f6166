// Binding a phone from the mini-program's getPhoneNumber button (docs/API.md, "POST
// /api/mp/phone"): WeChat (the sandbox's getuserphonenumber) names the phone, the member holds
// it as a keyed hash, a sealed copy and a masked display, the console's phone search then finds
// the member; a phone of another member is refused, never merged; bad codes and bodies write
// nothing.
#include <string>

#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

class MpPhoneTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    const SignedIn alice = SignIn("alice");
    const SignedIn bob = SignIn("bob");
    alice_ = alice.token;
    alice_id_ = alice.id;
    bob_ = bob.token;
    bob_id_ = bob.id;
  }

  MpReply Bind(const std::string& token, const std::string& code) {
    return Send("POST", "/api/mp/phone", token, R"({"code":")" + code + R"("})");
  }

  // The member's phone identities: how many, and the display of the one (or "").
  int64_t Phones(int64_t member) {
    return Scalar("SELECT COUNT(*) FROM member_identities WHERE kind = 'phone' AND member_id = " +
                  std::to_string(member));
  }
  bool HoldsDisplay(int64_t member, const std::string& masked) {
    return Scalar("SELECT COUNT(*) FROM member_identities WHERE kind = 'phone' AND member_id = " +
                  std::to_string(member) + " AND display = '" + masked + "'") == 1;
  }

  // The ids the console's member search finds for `q` (as the brand admin).
  std::vector<int64_t> ConsoleSearch(const std::string& q) {
    MpReply reply = Send("GET", "/api/console/members?q=" + q, StaffToken());
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::vector<int64_t> ids;
    if (reply.status != 200) return ids;
    for (const auto& item : reply.json["items"].GetArray()) ids.push_back(item["id"].GetInt64());
    return ids;
  }

  std::string alice_, bob_;
  int64_t alice_id_ = 0, bob_id_ = 0;
};

TEST_P(MpPhoneTest, BindsThePhoneMaskedAndTheConsoleFindsTheMember) {
  EXPECT_TRUE(ConsoleSearch("13800138000").empty()) << "nobody holds the phone yet";
  MpReply bound = Bind(alice_, "phone-13800138000");
  ASSERT_EQ(bound.status, 200) << bound.body;
  EXPECT_EQ(bound.Text("phone"), "138****8000");
  EXPECT_EQ(bound.Header("Cache-Control"), "no-store");
  EXPECT_EQ(sandbox_->sandbox().Stats(kAppid).phone_number_calls, 1);

  // Kept as a keyed hash, a sealed copy and the masked display: the clear number is nowhere.
  EXPECT_EQ(Phones(alice_id_), 1);
  EXPECT_TRUE(HoldsDisplay(alice_id_, "138****8000"));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM member_identities WHERE value LIKE '%13800138000%' OR "
                   "value_sealed LIKE '%13800138000%' OR display LIKE '%13800138000%'"),
            0);
  EXPECT_EQ(Phones(bob_id_), 0) << "another member's data is untouched";

  // The console finds her by the phone, however it is written.
  EXPECT_EQ(ConsoleSearch("13800138000"), std::vector<int64_t>{alice_id_});
  EXPECT_EQ(ConsoleSearch("%2B86%20138-0013-8000"), std::vector<int64_t>{alice_id_});
  MpReply profile = Send("GET", "/api/console/members/" + std::to_string(alice_id_), StaffToken());
  ASSERT_EQ(profile.status, 200) << profile.body;
  EXPECT_NE(profile.body.find(R"("kind":"phone")"), std::string::npos) << profile.body;
  EXPECT_NE(profile.body.find("138****8000"), std::string::npos) << profile.body;
  EXPECT_EQ(profile.body.find("13800138000"), std::string::npos) << profile.body;
}

TEST_P(MpPhoneTest, TheSamePhoneAgainIsIdempotentAndANewOneReplacesIt) {
  ASSERT_EQ(Bind(alice_, "phone-13800138000").status, 200);
  const auto before = Written();
  MpReply again = Bind(alice_, "phone-13800138000");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Text("phone"), "138****8000");
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(Phones(alice_id_), 1);

  MpReply replaced = Bind(alice_, "phone-13912345678");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.Text("phone"), "139****5678");
  EXPECT_EQ(Phones(alice_id_), 1);
  EXPECT_TRUE(HoldsDisplay(alice_id_, "139****5678"));
  EXPECT_TRUE(ConsoleSearch("13800138000").empty());
  EXPECT_EQ(ConsoleSearch("13912345678"), std::vector<int64_t>{alice_id_});
}

TEST_P(MpPhoneTest, APhoneOfAnotherMemberIsRefusedNotMerged) {
  ASSERT_EQ(Bind(alice_, "phone-13800138000").status, 200);
  ASSERT_EQ(Bind(bob_, "phone-13700001111").status, 200);
  const auto before = Written();
  MpReply taken = Bind(bob_, "phone-13800138000");
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(taken.code(), "PHONE_TAKEN");
  EXPECT_EQ(taken.body.find("13800138000"), std::string::npos) << taken.body;
  EXPECT_EQ(Written(), before);
  // Bob keeps his phone, Alice hers; two members still.
  EXPECT_TRUE(HoldsDisplay(bob_id_, "137****1111"));
  EXPECT_TRUE(HoldsDisplay(alice_id_, "138****8000"));
  EXPECT_EQ(ConsoleSearch("13800138000"), std::vector<int64_t>{alice_id_});
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members"), 2);
}

TEST_P(MpPhoneTest, BadCodesAndBodiesWriteNothing) {
  const auto before = Written();
  const std::string huge = R"({"code":")" + std::string(2 << 20, 'a') + R"("})";
  const struct {
    std::string body;
    int status;
    const char* code;
  } cases[] = {
      {R"({"code":"invalid-1"})", 401, "INVALID_CODE"},  // WeChat: errcode 40029
      {R"({"code":""})", 400, "INVALID_FIELD"},
      {R"({"code":"two words"})", 400, "INVALID_FIELD"},
      {R"({"code":")" + std::string(257, 'a') + R"("})", 400, "INVALID_FIELD"},
      {R"({"code":42})", 400, "INVALID_FIELD"},
      {R"({})", 400, "MISSING_FIELD"},
      {R"({"code":null})", 400, "MISSING_FIELD"},
      {R"({"code":"phone-13800138000","member_id":1})", 400, "UNKNOWN_FIELD"},
      {R"(["phone-13800138000"])", 400, "BODY_NOT_OBJECT"},
      {R"({"code":)", 400, "MALFORMED_JSON"},
      // Not a mainland mobile number.
      {R"({"code":"phone-85261234567"})", 400, "PHONE_NOT_SUPPORTED"},
      {R"({"code":"phone-12345"})", 400, "PHONE_NOT_SUPPORTED"},
      {huge, 413, "PAYLOAD_TOO_LARGE"},
  };
  for (const auto& c : cases) {
    MpReply reply = Send("POST", "/api/mp/phone", alice_, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body.substr(0, 80) << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body.substr(0, 80);
  }
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(Phones(alice_id_), 0);
}

// WeChat's per-minute quota (the sandbox answers 45011 for codes starting "throttled"): 429 with
// the minute to wait, nothing written; the same for the login's code2Session.
TEST_P(MpPhoneTest, WechatThrottlingAnswers429WithAMinuteToWait) {
  const auto before = Written();
  MpReply throttled = Bind(alice_, "throttled-1");
  EXPECT_EQ(throttled.status, 429) << throttled.body;
  EXPECT_EQ(throttled.code(), "WECHAT_RATE_LIMITED");
  EXPECT_EQ(throttled.Header("Retry-After"), "60");
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(Phones(alice_id_), 0);
  MpReply login = Login("throttled-2");
  EXPECT_EQ(login.status, 429) << login.body;
  EXPECT_EQ(login.code(), "WECHAT_RATE_LIMITED");
  EXPECT_EQ(login.Header("Retry-After"), "60");
  EXPECT_EQ(Written(), before);
}

TEST_P(MpPhoneTest, NeedsAMemberSession) {
  const std::string staff = StaffToken();  // its login is audited: before the count
  const auto before = Written();
  EXPECT_EQ(Bind("", "phone-13800138000").code(), "MISSING_TOKEN");
  EXPECT_EQ(Bind(staff, "phone-13800138000").code(), "INVALID_TOKEN");
  clock_.Advance(hours(24 * 7) + seconds(1));
  MpReply expired = Bind(alice_, "phone-13800138000");
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.code(), "SESSION_EXPIRED");
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(sandbox_->sandbox().Stats(kAppid).phone_number_calls, 0) << "WeChat was not asked";
}

MILEAGE_MP_TEST_SUITE(MpPhoneTest);

}  // namespace
}  // namespace mileage::testing
