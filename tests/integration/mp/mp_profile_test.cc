// The member's profile and consents (docs/API.md, "GET /api/mp/profile", "PATCH
// /api/mp/profile"): nickname, birthday and the masked phone; consents appended as records on
// each change, the latest being the current state; each bad field refused naming it with nothing
// written; another member's profile never touched.
#include <string>

#include "common/civil_time.h"
#include "server/console/console_json.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

class MpProfileTest : public MpTest {
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

  MpReply Profile(const std::string& token) { return Send("GET", "/api/mp/profile", token); }
  MpReply Patch(const std::string& token, const std::string& body) {
    return Send("PATCH", "/api/mp/profile", token, body);
  }

  // Rows of the profile tables, to prove that a refused change wrote nothing.
  std::pair<int64_t, int64_t> ProfileRows() {
    return {Scalar("SELECT COUNT(*) FROM member_profiles"),
            Scalar("SELECT COUNT(*) FROM member_consents")};
  }
  int64_t Consents(int64_t member, const std::string& where = "1 = 1") {
    return Scalar("SELECT COUNT(*) FROM member_consents WHERE member_id = " +
                  std::to_string(member) + " AND " + where);
  }

  std::string Today(int64_t days_later = 0) {
    const civil::Date today = civil::BeijingDate(UnixSeconds(clock_.Now()));
    return civil::FormatDate(civil::CivilFromDays(civil::DaysFromCivil(today) + days_later));
  }

  std::string alice_, bob_;
  int64_t alice_id_ = 0, bob_id_ = 0;
};

TEST_P(MpProfileTest, ANewMemberHasAnEmptyProfile) {
  MpReply profile = Profile(alice_);
  ASSERT_EQ(profile.status, 200) << profile.body;
  EXPECT_EQ(profile.Header("Cache-Control"), "no-store");
  EXPECT_EQ(profile.body,
            R"({"nickname":"","birthday":null,"phone":null,"consents":{)"
            R"("marketing":{"granted":false,"text_version":null,"at":null},)"
            R"("partner_sharing":{"granted":false,"text_version":null,"at":null},)"
            R"("plate_recognition":{"granted":false,"text_version":null,"at":null}}})");
}

TEST_P(MpProfileTest, ChangesAreStoredAndConsentsAppendedAsRecords) {
  ASSERT_EQ(Send("POST", "/api/mp/phone", alice_, R"({"code":"phone-13800138000"})").status, 200);
  const std::string at1 = server::Rfc3339(UnixSeconds(clock_.Now()));
  MpReply set = Patch(alice_, R"({"nickname":"小爱 Ali","birthday":"1990-05-01",
      "consents":{"marketing":{"granted":true,"text_version":"2026-01"},
                  "plate_recognition":{"granted":false,"text_version":"2026-01"}}})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.body,
            R"({"nickname":"小爱 Ali","birthday":"1990-05-01","phone":"138****8000","consents":{)"
            R"("marketing":{"granted":true,"text_version":"2026-01","at":")" +
                at1 +
                R"("},)"
                R"("partner_sharing":{"granted":false,"text_version":null,"at":null},)"
                R"("plate_recognition":{"granted":false,"text_version":"2026-01","at":")" +
                at1 + R"("}}})");
  EXPECT_EQ(Profile(alice_).body, set.body);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM member_profiles WHERE member_id = " +
                   std::to_string(alice_id_) + " AND birthday = '1990-05-01'"),
            1);
  EXPECT_EQ(Consents(alice_id_), 2);
  EXPECT_EQ(Consents(alice_id_, "kind = 'plate_recognition' AND state = 'withdrawn'"), 1);

  // The same state again records nothing; a withdrawal and a new text version each append.
  clock_.Advance(hours(1));
  const std::string at2 = server::Rfc3339(UnixSeconds(clock_.Now()));
  MpReply same =
      Patch(alice_, R"({"consents":{"marketing":{"granted":true,"text_version":"2026-01"}}})");
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(Consents(alice_id_), 2);
  MpReply withdrawn =
      Patch(alice_, R"({"consents":{"marketing":{"granted":false,"text_version":"2026-01"},
                                   "partner_sharing":{"granted":true,"text_version":"2026-02"}}})");
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_FALSE(withdrawn.json["consents"]["marketing"]["granted"].GetBool());
  EXPECT_EQ(std::string(withdrawn.json["consents"]["marketing"]["at"].GetString()), at2);
  EXPECT_TRUE(withdrawn.json["consents"]["partner_sharing"]["granted"].GetBool());
  EXPECT_STREQ(withdrawn.json["consents"]["partner_sharing"]["text_version"].GetString(),
               "2026-02");
  MpReply regranted =
      Patch(alice_, R"({"consents":{"marketing":{"granted":true,"text_version":"2026-03"}}})");
  ASSERT_EQ(regranted.status, 200) << regranted.body;
  EXPECT_STREQ(regranted.json["consents"]["marketing"]["text_version"].GetString(), "2026-03");
  // The history is kept: granted, withdrawn, granted again.
  EXPECT_EQ(Consents(alice_id_, "kind = 'marketing'"), 3);
  EXPECT_EQ(Consents(alice_id_, "kind = 'marketing' AND state = 'withdrawn'"), 1);
  // The nickname and birthday stayed; a null birthday removes it.
  EXPECT_STREQ(regranted.json["nickname"].GetString(), "小爱 Ali");
  MpReply cleared = Patch(alice_, R"({"birthday":null,"nickname":""})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json["birthday"].IsNull());
  EXPECT_STREQ(cleared.json["nickname"].GetString(), "");
  EXPECT_TRUE(cleared.json["consents"]["marketing"]["granted"].GetBool());

  // Bob's profile is his own and untouched.
  MpReply bob = Profile(bob_);
  ASSERT_EQ(bob.status, 200);
  EXPECT_STREQ(bob.json["nickname"].GetString(), "");
  EXPECT_TRUE(bob.json["phone"].IsNull());
  EXPECT_FALSE(bob.json["consents"]["marketing"]["granted"].GetBool());
  EXPECT_EQ(Consents(bob_id_), 0);
}

TEST_P(MpProfileTest, EachBadFieldIsRefusedByNameWithNothingWritten) {
  ASSERT_EQ(Patch(alice_, R"({"nickname":"Ali","birthday":"1990-05-01"})").status, 200);
  const auto rows = ProfileRows();
  const std::string before = Profile(alice_).body;
  const std::string huge = R"({"nickname":")" + std::string(2 << 20, 'a') + R"("})";
  const std::string good_consent = R"("marketing":{"granted":true,"text_version":"2026-01"})";
  const struct {
    std::string body;
    int status;
    const char* code;
    const char* names;
  } cases[] = {
      {R"({"nickname":")" + std::string(33, 'n') + R"("})", 400, "INVALID_FIELD", "nickname"},
      {R"({"nickname":"a\u0007b"})", 400, "INVALID_FIELD", "nickname"},
      {R"({"nickname":5})", 400, "INVALID_FIELD", "nickname"},
      {R"({"birthday":")" + Today(1) + R"("})", 400, "INVALID_FIELD", "birthday"},
      {R"({"birthday":"1899-12-31"})", 400, "INVALID_FIELD", "birthday"},
      {R"({"birthday":"1990-02-30"})", 400, "INVALID_FIELD", "birthday"},
      {R"({"birthday":"1990-5-1"})", 400, "INVALID_FIELD", "birthday"},
      {R"({"birthday":"1990-05-01T00:00:00Z"})", 400, "INVALID_FIELD", "birthday"},
      {R"({"birthday":19900501})", 400, "INVALID_FIELD", "birthday"},
      {R"({"consents":{"newsletter":{"granted":true,"text_version":"1"}}})", 400, "UNKNOWN_FIELD",
       "newsletter"},
      {R"({"consents":{"marketing":true}})", 400, "INVALID_FIELD", "consents.marketing"},
      {R"({"consents":[]})", 400, "INVALID_FIELD", "consents"},
      {R"({"consents":{"marketing":{"granted":"yes","text_version":"1"}}})", 400, "INVALID_FIELD",
       "consents.marketing"},
      {R"({"consents":{"marketing":{"text_version":"1"}}})", 400, "MISSING_FIELD",
       "consents.marketing.granted"},
      {R"({"consents":{"marketing":{"granted":true}}})", 400, "MISSING_FIELD",
       "consents.marketing"},
      {R"({"consents":{"marketing":{"granted":true,"text_version":""}}})", 400, "INVALID_FIELD",
       "consents.marketing.text_version"},
      {R"({"consents":{"marketing":{"granted":true,"text_version":"v 1"}}})", 400, "INVALID_FIELD",
       "consents.marketing.text_version"},
      {R"({"consents":{"marketing":{"granted":true,"text_version":"1","at":"now"}}})", 400,
       "UNKNOWN_FIELD", "at"},
      {R"({"consents":{)" + good_consent + "," + good_consent + "}}", 400, "INVALID_FIELD",
       "consents.marketing"},
      // One bad field among good ones: nothing of the good ones is written either.
      {R"({"nickname":"New","consents":{)" + good_consent + R"(},"birthday":"2999-01-01"})", 400,
       "INVALID_FIELD", "birthday"},
      {R"({})", 400, "MISSING_FIELD", "nickname"},
      {R"({"member_id":2,"nickname":"x"})", 400, "UNKNOWN_FIELD", "member_id"},
      {huge, 413, "PAYLOAD_TOO_LARGE", ""},
  };
  for (const auto& c : cases) {
    MpReply reply = Patch(alice_, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body.substr(0, 80) << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body.substr(0, 80) << ": " << reply.body;
    EXPECT_NE(reply.Text("message").find(c.names), std::string::npos)
        << c.body.substr(0, 80) << ": " << reply.body;
  }
  EXPECT_EQ(ProfileRows(), rows);
  EXPECT_EQ(Profile(alice_).body, before);
  // The edges: today and 1900-01-01 are birthdays; 32 characters are a nickname.
  EXPECT_EQ(Patch(alice_, R"({"birthday":")" + Today() + R"("})").status, 200);
  EXPECT_EQ(
      Patch(alice_, R"({"birthday":"1900-01-01","nickname":")" + std::string(32, 'n') + R"("})")
          .status,
      200);
}

TEST_P(MpProfileTest, NeedsAMemberSession) {
  const auto rows = ProfileRows();
  for (const std::string& token : {std::string(), StaffToken()}) {
    EXPECT_EQ(Profile(token).status, 401);
    EXPECT_EQ(Patch(token, R"({"nickname":"x"})").status, 401);
  }
  clock_.Advance(hours(24 * 7) + seconds(1));
  MpReply expired = Patch(alice_, R"({"nickname":"x"})");
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.code(), "SESSION_EXPIRED");
  EXPECT_EQ(Profile(alice_).code(), "SESSION_EXPIRED");
  EXPECT_EQ(ProfileRows(), rows);
}

MILEAGE_MP_TEST_SUITE(MpProfileTest);

}  // namespace
}  // namespace mileage::testing
