// The per-member limits of the member routes that can probe other members' data (docs/API.md,
// "Vehicles" and "POST /api/mp/phone"; docs/OPERATIONS.md, "Member write limits"): adds and
// plate changes per hour, refused ones per day, phone binding attempts per hour. Over a limit:
// 429 RATE_LIMITED with Retry-After, nothing written, WeChat not asked; other members are not
// affected; the next window admits again.
#include <chrono>
#include <string>

#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

class MpLimitsTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
  }

  // A valid plate: 京A1000<n> for n < 10, 沪B2000<n-10> above.
  static std::string Plate(int n) {
    return n < 10 ? "京A1000" + std::to_string(n) : "沪B2000" + std::to_string(n - 10);
  }
  MpReply Add(const SignedIn& member, const std::string& plate) {
    return Send("POST", "/api/mp/vehicles", member.token,
                R"({"plate":")" + plate + R"(","model":"Model Y"})");
  }
  MpReply Patch(const SignedIn& member, int64_t id, const std::string& body) {
    return Send("PATCH", "/api/mp/vehicles/" + std::to_string(id), member.token, body);
  }
  MpReply Bind(const SignedIn& member, const std::string& code) {
    return Send("POST", "/api/mp/phone", member.token, R"({"code":")" + code + R"("})");
  }
  int64_t VehiclesOf(const SignedIn& member) {
    return Scalar("SELECT COUNT(*) FROM vehicles WHERE member_id = " + std::to_string(member.id));
  }
  int64_t PhoneCalls() { return sandbox_->sandbox().Stats(kAppid).phone_number_calls; }

  // The seconds from the fake clock's now to the end of its window of `length` (windows aligned
  // to the Unix epoch), rounded up: what Retry-After must say.
  int64_t SecondsToWindowEnd(seconds length) {
    const int64_t now_ms =
        std::chrono::duration_cast<milliseconds>(clock_.Now().time_since_epoch()).count();
    const int64_t length_ms = length.count() * 1000;
    const int64_t end_ms = (now_ms / length_ms + 1) * length_ms;
    return (end_ms - now_ms + 999) / 1000;
  }

  void ExpectLimited(const MpReply& reply, seconds window) {
    EXPECT_EQ(reply.status, 429) << reply.body;
    EXPECT_EQ(reply.code(), "RATE_LIMITED") << reply.body;
    EXPECT_EQ(reply.Header("Retry-After"), std::to_string(SecondsToWindowEnd(window)));
  }

  SignedIn alice_, bob_;
};

TEST_P(MpLimitsTest, TheEleventhAddOrPlateChangeInAnHourIsRefusedUntilTheHourEnds) {
  // Ten writes of plates: six adds and four plate changes.
  int64_t first = 0;
  for (int n = 0; n < 6; ++n) {
    MpReply added = Add(alice_, Plate(n));
    ASSERT_EQ(added.status, 201) << added.body;
    if (n == 0) first = added.json["id"].GetInt64();
  }
  for (int n = 10; n < 14; ++n) {
    MpReply changed = Patch(alice_, first, R"({"plate":")" + Plate(n) + R"("})");
    ASSERT_EQ(changed.status, 200) << changed.body;
  }

  const auto before = Written();
  ExpectLimited(Add(alice_, Plate(6)), hours(1));
  ExpectLimited(Patch(alice_, first, R"({"plate":")" + Plate(6) + R"(","model":"x"})"), hours(1));
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(VehiclesOf(alice_), 6);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM vehicles WHERE model = 'x'"), 0);
  // Changes without a plate are not limited.
  MpReply mileage = Patch(alice_, first, R"({"mileage_km":100})");
  EXPECT_EQ(mileage.status, 200) << mileage.body;

  // Another member is not affected.
  EXPECT_EQ(Add(bob_, Plate(7)).status, 201);
  EXPECT_EQ(VehiclesOf(bob_), 1);

  // The next hour admits again.
  clock_.Advance(seconds(SecondsToWindowEnd(hours(1))));
  MpReply again = Add(alice_, Plate(6));
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(VehiclesOf(alice_), 7);
}

TEST_P(MpLimitsTest, TwentyRefusedPlatesADayStopFurtherAddsUntilTheDayEnds) {
  // The test moves an hour on inside one day's window (UTC days): started in the day's last two
  // hours, it starts the next day instead, signed in again.
  if (SecondsToWindowEnd(hours(24)) < 2 * 3600) {
    clock_.Advance(seconds(SecondsToWindowEnd(hours(24))));
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
  }
  ASSERT_EQ(Add(bob_, Plate(0)).status, 201);
  // Five probes of a plate that is taken (each also one of the hour's ten writes) and fifteen
  // plates that are no plates.
  for (int i = 0; i < 5; ++i) {
    MpReply taken = Add(alice_, Plate(0));
    ASSERT_EQ(taken.status, 409) << taken.body;
    ASSERT_EQ(taken.code(), "VEHICLE_EXISTS");
  }
  for (int i = 0; i < 15; ++i) {
    MpReply invalid = Add(alice_, "京A1234O");
    ASSERT_EQ(invalid.status, 400) << invalid.body;
    ASSERT_EQ(invalid.code(), "INVALID_PLATE");
  }

  const auto before = Written();
  ExpectLimited(Add(alice_, Plate(1)), hours(24));
  ExpectLimited(Add(alice_, "京A1234O"), hours(24));  // refused before its fields are read
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(VehiclesOf(alice_), 0);
  EXPECT_EQ(Add(bob_, Plate(2)).status, 201) << "another member is not affected";

  // An hour later the hour's writes would admit, the day's refusals still do not.
  clock_.Advance(hours(1));
  ExpectLimited(Add(alice_, Plate(1)), hours(24));
  clock_.Advance(seconds(SecondsToWindowEnd(hours(24))));
  MpReply next_day = Add(alice_, Plate(1));
  EXPECT_EQ(next_day.status, 201) << next_day.body;
  EXPECT_EQ(VehiclesOf(alice_), 1);
}

TEST_P(MpLimitsTest, TheSixthPhoneBindingInAnHourIsRefusedWithoutAskingWechat) {
  // Five attempts that reach WeChat, whatever it answers.
  const struct {
    const char* code;
    int status;
  } attempts[] = {{"phone-13800138000", 200},
                  {"invalid-1", 401},
                  {"phone-85261234567", 400},
                  {"phone-13912345678", 200},
                  {"invalid-2", 401}};
  for (const auto& attempt : attempts) {
    EXPECT_EQ(Bind(alice_, attempt.code).status, attempt.status) << attempt.code;
  }
  ASSERT_EQ(PhoneCalls(), 5);
  // A code that is no code never reaches WeChat and is not counted.
  EXPECT_EQ(Bind(alice_, "two words").code(), "INVALID_FIELD");

  const auto before = Written();
  ExpectLimited(Bind(alice_, "phone-13700001111"), hours(1));
  EXPECT_EQ(PhoneCalls(), 5) << "WeChat was not asked";
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM member_identities WHERE kind = 'phone' AND display = "
                   "'137****1111'"),
            0);

  // Another member is not affected.
  MpReply bobs = Bind(bob_, "phone-13700001111");
  EXPECT_EQ(bobs.status, 200) << bobs.body;
  EXPECT_EQ(PhoneCalls(), 6);

  clock_.Advance(seconds(SecondsToWindowEnd(hours(1))));
  MpReply again = Bind(alice_, "phone-13600002222");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Text("phone"), "136****2222");
  EXPECT_EQ(PhoneCalls(), 7);
}

MILEAGE_MP_TEST_SUITE(MpLimitsTest);

}  // namespace
}  // namespace mileage::testing
