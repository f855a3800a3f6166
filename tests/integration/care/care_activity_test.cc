// Owner activities over HTTP (docs/API.md, "Activities"): 100 members signing up at once for 30
// seats (exactly 30 seated, 70 waitlisted at distinct positions), 10 seated members cancelling
// at once (exactly the first 10 waitlisted promoted, in order), tiers, the sign-up window,
// other tenants' ids, another member's sign-up, check-in by member code, cancelling the
// activity, bad input and roles with nothing written. Expected values are worked out here.
#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/care/care_fixture.h"
#include "tests/support/together.h"

namespace mileage::testing {
namespace {

class CareActivityTest : public CareTest {
 protected:
  // An activity body for `node_type` `node_id`: Saturday 10:00-16:00, sign-up from Monday
  // 08:00 until Friday 20:00 (Beijing).
  static std::string Body(const std::string& node_type, int64_t node_id, int64_t capacity,
                          const std::string& extra = "") {
    return R"({"node":{"type":")" + node_type + R"(","id":)" + std::to_string(node_id) +
           R"(},"title":"Test-drive day","description":"New models","place":"Store S",)"
           R"("starts_at":")" +
           civil::FormatRfc3339Utc(Bj(5, 10)) + R"(","ends_at":")" +
           civil::FormatRfc3339Utc(Bj(5, 16)) + R"(","capacity":)" + std::to_string(capacity) +
           R"(,"signup_opens_at":")" + civil::FormatRfc3339Utc(Bj(0, 8)) +
           R"(","signup_closes_at":")" + civil::FormatRfc3339Utc(Bj(4, 20)) + R"(")" + extra + "}";
  }
  // Creates an activity as the brand admin (or `token`); its id (0 after a failure).
  int64_t Create(const std::string& body, const std::string& token = "") {
    MpReply reply = Send("POST", "/api/console/activities", token.empty() ? staff_ : token, body);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.status == 201 ? reply.json["id"].GetInt64() : 0;
  }
  MpReply SignUp(const SignedIn& member, int64_t activity) {
    return Send("POST", "/api/mp/activities/" + std::to_string(activity) + "/signups",
                member.token);
  }
  MpReply CancelSignup(const SignedIn& member, int64_t signup) {
    return Send("POST", "/api/mp/activity-signups/" + std::to_string(signup) + "/cancel",
                member.token);
  }
  void SetTier(int64_t member, const std::string& tier) {
    Result<db::PooledConnection> conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(
        (*conn)
            ->Exec("UPDATE members SET tier = ? WHERE id = ?", {db::Value(tier), db::Value(member)})
            .ok());
  }
  // Rows any activity route could write.
  std::map<std::string, int64_t> Written() {
    std::map<std::string, int64_t> counts;
    for (const char* table : {"care_activities", "care_activity_signups", "outbox_events"}) {
      counts[table] = Scalar(std::string("SELECT COUNT(*) FROM ") + table);
    }
    counts["seated"] = Scalar("SELECT COALESCE(SUM(seated), 0) FROM care_activities");
    counts["live"] =
        Scalar("SELECT COUNT(*) FROM care_activity_signups WHERE state <> 'cancelled'");
    counts["audit ok"] = Scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'ok'");
    return counts;
  }
  // Runs `work(i)` for i in [0, n) on 16 threads started together.
  template <typename Work>
  static void RunConcurrently(int n, Work&& work) {
    std::atomic<int> next{0};
    RunTogether(16, [&](int) {
      for (int i = next++; i < n; i = next++) work(i);
    });
  }
};

TEST_P(CareActivityTest, SeatsWaitlistAndPromotionHoldUnderConcurrency) {
  const int64_t activity = Create(Body("store", store_, 30));
  ASSERT_NE(activity, 0);
  constexpr int kMembers = 100;
  std::vector<SignedIn> members;
  for (int i = 0; i < kMembers; ++i) members.push_back(SignIn("m" + std::to_string(i)));
  std::vector<MpReply> replies(kMembers);
  RunConcurrently(kMembers, [&](int i) { replies[i] = SignUp(members[i], activity); });

  std::vector<int> seated;
  std::vector<std::pair<int64_t, int>> waitlisted;  // (position, member index)
  std::vector<int64_t> signup_ids(kMembers, 0);
  for (int i = 0; i < kMembers; ++i) {
    ASSERT_EQ(replies[i].status, 201) << replies[i].body;
    signup_ids[i] = replies[i].json["id"].GetInt64();
    EXPECT_EQ(replies[i].json["member_id"].GetInt64(), members[i].id);
    if (replies[i].Text("state") == "seated") {
      seated.push_back(i);
      EXPECT_TRUE(replies[i].json["position"].IsNull());
    } else {
      EXPECT_EQ(replies[i].Text("state"), "waitlisted");
      waitlisted.emplace_back(replies[i].json["position"].GetInt64(), i);
    }
  }
  ASSERT_EQ(seated.size(), 30u);
  ASSERT_EQ(waitlisted.size(), 70u);
  std::sort(waitlisted.begin(), waitlisted.end());
  for (int k = 0; k < 70; ++k) EXPECT_EQ(waitlisted[k].first, k + 1) << "positions 1..70, once";
  EXPECT_EQ(Scalar("SELECT seated FROM care_activities WHERE id = " + std::to_string(activity)),
            30);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'activity.signed_up'"), 30);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'activity.waitlisted'"), 70);
  // A second sign-up of the same member is refused.
  MpReply again = SignUp(members[0], activity);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "ALREADY_SIGNED_UP");

  // 10 seated members cancel at once: the first 10 of the waitlist take their seats.
  SetNow(Bj(0, 9));
  std::vector<MpReply> cancels(10);
  RunConcurrently(
      10, [&](int k) { cancels[k] = CancelSignup(members[seated[k]], signup_ids[seated[k]]); });
  for (const MpReply& r : cancels) {
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Text("state"), "cancelled");
  }
  for (int k = 0; k < 70; ++k) {
    MpReply mine =
        Send("GET", "/api/mp/activity-signups/" + std::to_string(signup_ids[waitlisted[k].second]),
             members[waitlisted[k].second].token);
    ASSERT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(mine.Text("state"), k < 10 ? "seated" : "waitlisted") << "position " << k + 1;
  }
  EXPECT_EQ(Scalar("SELECT seated FROM care_activities WHERE id = " + std::to_string(activity)),
            30);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_activity_signups WHERE state = 'seated'"), 30);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'activity.promoted'"), 10);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'activity.cancelled'"), 10);
  // A waitlisted member cancelling frees no seat and promotes nobody.
  const int last = waitlisted[69].second;
  ASSERT_EQ(CancelSignup(members[last], signup_ids[last]).status, 200);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'activity.promoted'"), 10);
  // The cancelled member may sign up again: back at the end of the waitlist.
  MpReply back = SignUp(members[seated[0]], activity);
  ASSERT_EQ(back.status, 201) << back.body;
  EXPECT_EQ(back.Text("state"), "waitlisted");
  EXPECT_EQ(back.json["position"].GetInt64(), 71);
}

TEST_P(CareActivityTest, TierWindowOtherTenantsAndOtherMembers) {
  BuildOtherTenants();
  const int64_t gold_only = Create(Body("brand", brand_, 5, R"(,"min_tier":"gold")"));
  const int64_t open = Create(Body("store", store_, 5));
  const int64_t other_dealers = Create(Body("store", other_store_, 5));
  // The brand admin cannot create one for another brand; the operator can.
  MpReply cross = Console("POST", "/api/console/activities", Body("brand", foreign_brand_, 5));
  EXPECT_EQ(cross.status, 404);
  care::NewActivity theirs_new;
  theirs_new.node_id = foreign_brand_;
  theirs_new.title = theirs_new.place = "Club trip";
  theirs_new.starts_at = Bj(5, 10);
  theirs_new.ends_at = Bj(5, 16);
  theirs_new.capacity = 5;
  theirs_new.signup_opens_at = Bj(0, 8);
  theirs_new.signup_closes_at = Bj(4, 20);
  Result<care::Activity> made =
      app().care().activities().Create(org::Actor::System("test"), theirs_new, Now());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const int64_t foreign = made->id;
  ASSERT_TRUE(gold_only != 0 && open != 0 && other_dealers != 0 && foreign != 0);
  SignedIn silver = SignIn("silver");
  SignedIn gold = SignIn("gold");
  SetTier(gold.id, "gold");
  // Before the window opens (08:00).
  SetNow(Bj(0, 7, 59));
  const auto at_start = Written();
  MpReply early = SignUp(gold, open);
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.code(), "SIGNUP_NOT_OPEN");
  EXPECT_EQ(Written(), at_start);
  SetNow(Bj(0, 8));

  // Listing: the silver member sees the brand's two activities open to everyone, not the gold
  // one nor the other brand's; the gold member sees three.
  MpReply listed = Send("GET", "/api/mp/activities", silver.token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json["total"].GetInt64(), 2);
  MpReply gold_list = Send("GET", "/api/mp/activities", gold.token);
  ASSERT_EQ(gold_list.status, 200) << gold_list.body;
  EXPECT_EQ(gold_list.json["total"].GetInt64(), 3);

  const auto before = Written();
  MpReply low = SignUp(silver, gold_only);
  EXPECT_EQ(low.status, 409);
  EXPECT_EQ(low.code(), "TIER_TOO_LOW");
  MpReply theirs = SignUp(silver, foreign);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.code(), "ACTIVITY_NOT_FOUND");
  EXPECT_EQ(Send("GET", "/api/mp/activities/" + std::to_string(foreign), silver.token).code(),
            "ACTIVITY_NOT_FOUND");
  EXPECT_EQ(Written(), before);
  ASSERT_EQ(SignUp(gold, gold_only).status, 201);

  // Another member's sign-up: not found, not cancelled.
  MpReply mine = SignUp(silver, open);
  ASSERT_EQ(mine.status, 201) << mine.body;
  const int64_t signup = mine.json["id"].GetInt64();
  MpReply stolen = CancelSignup(gold, signup);
  EXPECT_EQ(stolen.status, 404);
  EXPECT_EQ(stolen.code(), "SIGNUP_NOT_FOUND");
  EXPECT_EQ(Send("GET", "/api/mp/activity-signups/" + std::to_string(signup), gold.token).status,
            404);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_activity_signups WHERE state = 'cancelled'"), 0);

  // The other dealer's manager neither sees nor cancels this dealer's activity.
  const std::string other = StaffLogin("other_manager");
  MpReply peek = Send("GET", "/api/console/activities/" + std::to_string(open), other);
  EXPECT_EQ(peek.status, 404);
  EXPECT_EQ(peek.code(), "ACTIVITY_NOT_FOUND");
  MpReply cancel =
      Send("POST", "/api/console/activities/" + std::to_string(open) + "/cancel", other);
  EXPECT_EQ(cancel.code(), "ACTIVITY_NOT_FOUND");
  EXPECT_EQ(
      Send("GET", "/api/console/activities/" + std::to_string(foreign) + "/signups", other).status,
      404);
  MpReply list_theirs = Send(
      "GET", "/api/console/activities?node_type=store&node_id=" + std::to_string(store_), other);
  EXPECT_EQ(list_theirs.status, 404);
  MpReply create_theirs = Send("POST", "/api/console/activities", other, Body("store", store_, 5));
  EXPECT_EQ(create_theirs.status, 404);
  MpReply own = Send("GET", "/api/console/activities/" + std::to_string(other_dealers), other);
  EXPECT_EQ(own.status, 200) << own.body;

  // The window closes Friday 20:00.
  SetNow(Bj(4, 20));
  gold = SignIn("gold");
  const auto at_close = Written();
  MpReply closed = SignUp(gold, open);
  EXPECT_EQ(closed.status, 409);
  EXPECT_EQ(closed.code(), "SIGNUP_CLOSED");
  EXPECT_EQ(Send("GET", "/api/mp/activities", gold.token).json["total"].GetInt64(), 0);
  EXPECT_EQ(Written(), at_close);
}

TEST_P(CareActivityTest, CheckInAndCancellingTheActivity) {
  const int64_t activity = Create(Body("store", store_, 1));
  ASSERT_NE(activity, 0);
  SignedIn alice = SignIn("alice");
  SignedIn bob = SignIn("bob");
  ASSERT_EQ(SignUp(alice, activity).status, 201);
  MpReply waiting = SignUp(bob, activity);
  ASSERT_EQ(waiting.Text("state"), "waitlisted");
  auto code_of = [&](const SignedIn& m) {
    MpReply card = Send("GET", "/api/mp/card", m.token);
    EXPECT_EQ(card.status, 200) << card.body;
    return card.status == 200 ? std::string(card.json["member_code"]["token"].GetString())
                              : std::string("x");
  };
  const std::string path = "/api/console/activities/" + std::to_string(activity) + "/check-in";
  const int64_t bob_signup = waiting.json["id"].GetInt64();
  // Sessions expire over days: sign in again after each jump.
  auto jump = [&](int64_t to) {
    SetNow(to);
    staff_ = StaffToken();
    alice = SignIn("alice");
    bob = SignIn("bob");
  };
  // Friday: not the activity's day yet.
  jump(Bj(4, 12));
  EXPECT_EQ(Console("POST", path, R"({"member_code":")" + code_of(alice) + R"("})").code(),
            "NOT_ACTIVITY_TIME");
  jump(Bj(5, 9));
  MpReply bob_in = Console("POST", path, R"({"member_code":")" + code_of(bob) + R"("})");
  EXPECT_EQ(bob_in.status, 409);
  EXPECT_EQ(bob_in.code(), "SIGNUP_WAITLISTED");
  MpReply bad = Console("POST", path, R"({"member_code":"not-a-code"})");
  EXPECT_EQ(bad.code(), "INVALID_MEMBER_CODE");
  MpReply in = Console("POST", path, R"({"member_code":")" + code_of(alice) + R"("})");
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.Text("state"), "checked_in");
  EXPECT_EQ(in.json["member_id"].GetInt64(), alice.id);
  EXPECT_EQ(Console("POST", path, R"({"member_code":")" + code_of(alice) + R"("})").code(),
            "SIGNUP_CHECKED_IN");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'activity.checked_in'"), 1);
  // After the start a member can no longer cancel.
  jump(Bj(5, 11));
  EXPECT_EQ(CancelSignup(bob, bob_signup).code(), "ACTIVITY_STARTED");

  // Cancelling the activity cancels every live sign-up, once.
  MpReply cancelled =
      Console("POST", "/api/console/activities/" + std::to_string(activity) + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Text("state"), "cancelled");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_activity_signups WHERE state = 'cancelled'"), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'activity.cancelled'"), 2);
  EXPECT_EQ(
      Console("POST", "/api/console/activities/" + std::to_string(activity) + "/cancel").code(),
      "ACTIVITY_CANCELLED");
  MpReply signups =
      Console("GET", "/api/console/activities/" + std::to_string(activity) + "/signups");
  ASSERT_EQ(signups.status, 200) << signups.body;
  EXPECT_EQ(signups.json["total"].GetInt64(), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'activity.cancel' AND outcome "
                   "= 'ok'"),
            1);
}

TEST_P(CareActivityTest, BadInputAndRolesWriteNothing) {
  const int64_t activity = Create(Body("store", store_, 2));
  ASSERT_NE(activity, 0);
  SignedIn alice = SignIn("alice");
  AddStaff("analyst", "analyst", "brand", brand_);
  const std::string analyst = StaffLogin("analyst");
  const auto before = Written();
  const std::string start = civil::FormatRfc3339Utc(Bj(5, 10));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "MALFORMED_JSON"},
      {"[]", "BODY_NOT_OBJECT"},
      {Body("store", store_, 2, R"(,"colour":"red")"), "UNKNOWN_FIELD"},
      {R"({"title":"x"})", "MISSING_FIELD"},
      {Body("shop", store_, 2), "INVALID_FIELD"},
      {Body("store", 0, 2), "INVALID_ID"},
      {Body("store", store_, 0), "INVALID_FIELD"},
      {Body("store", store_, 100001), "INVALID_FIELD"},
      {Body("store", store_, 2, R"(,"min_tier":"diamond")"), "UNKNOWN_TIER"},
      {R"({"node":{"type":"store","id":)" + std::to_string(store_) +
           R"(},"title":"","place":"p","starts_at":")" + start + R"(","ends_at":")" + start +
           R"(","capacity":1,"signup_opens_at":")" + start + R"(","signup_closes_at":")" + start +
           R"("})",
       "INVALID_FIELD"},
      {R"({"node":{"type":"store","id":)" + std::to_string(store_) +
           R"(},"title":"t","place":"p","starts_at":")" + start + R"(","ends_at":")" + start +
           R"(","capacity":1,"signup_opens_at":")" + civil::FormatRfc3339Utc(Bj(0, 9)) +
           R"(","signup_closes_at":")" + civil::FormatRfc3339Utc(Bj(1, 9)) + R"("})",
       "INVALID_TIME"},
      {R"({"node":{"type":"store","id":)" + std::to_string(store_) +
           R"(},"title":"t","place":"p","starts_at":")" + start + R"(","ends_at":")" +
           civil::FormatRfc3339Utc(Bj(5, 12)) + R"(","capacity":1,"signup_opens_at":")" +
           civil::FormatRfc3339Utc(Bj(0, 9)) + R"(","signup_closes_at":")" +
           civil::FormatRfc3339Utc(Bj(5, 11)) + R"("})",
       "INVALID_TIME"},
      {Body("store", 999999, 2), "NOT_FOUND"},
  };
  for (const auto& [body, code] : cases) {
    MpReply r = Console("POST", "/api/console/activities", body);
    EXPECT_EQ(r.code(), code) << body << " -> " << r.body;
    EXPECT_TRUE(r.status == 400 || r.status == 404) << r.body;
  }
  const std::string a = "/api/console/activities/";
  EXPECT_EQ(Console("GET", a + "abc").code(), "INVALID_ID");
  EXPECT_EQ(Console("GET", a + "0").code(), "INVALID_ID");
  EXPECT_EQ(Console("GET", a + "999999").code(), "ACTIVITY_NOT_FOUND");
  EXPECT_EQ(Console("POST", a + "999999/cancel").code(), "ACTIVITY_NOT_FOUND");
  EXPECT_EQ(Console("GET", a + "1/signups?page=0").code(), "INVALID_PAGE");
  EXPECT_EQ(Console("POST", a + std::to_string(activity) + "/check-in", "{}").code(),
            "MISSING_FIELD");
  EXPECT_EQ(Console("GET", "/api/console/activities?node_type=shop&node_id=1").code(),
            "INVALID_NODE_TYPE");
  EXPECT_EQ(Console("GET", "/api/console/activities?node_type=store").code(), "INVALID_ID");
  EXPECT_EQ(SignUp(alice, 0).code(), "INVALID_ID");
  EXPECT_EQ(SignUp(alice, 999999).code(), "ACTIVITY_NOT_FOUND");
  EXPECT_EQ(Send("POST", "/api/mp/activities/x/signups", alice.token).code(), "INVALID_ID");
  EXPECT_EQ(CancelSignup(alice, 999999).code(), "SIGNUP_NOT_FOUND");
  EXPECT_EQ(Send("GET", "/api/mp/activity-signups?page_size=100000", alice.token).code(),
            "INVALID_PAGE");
  EXPECT_EQ(SignUp(SignedIn{"no-such-token", 0}, activity).status, 401);

  // Roles: an analyst reads but may not create, cancel or check in; a clerk of the store may.
  EXPECT_EQ(Send("GET", a + std::to_string(activity), analyst).status, 200);
  EXPECT_EQ(Send("POST", "/api/console/activities", analyst, Body("store", store_, 2)).status, 403);
  EXPECT_EQ(Send("POST", a + std::to_string(activity) + "/cancel", analyst).status, 403);
  EXPECT_EQ(Written(), before);
  AddStaff("clerk", "store_clerk", "store", store_);
  EXPECT_NE(Create(Body("store", store_, 2), StaffLogin("clerk")), 0);
}

TEST_P(CareActivityTest, StaffCancelASignupAndTheWaitlistMovesUp) {
  BuildOtherTenants();
  const int64_t activity = Create(Body("store", store_, 1));
  const int64_t other_dealers = Create(Body("store", other_store_, 1));
  ASSERT_TRUE(activity != 0 && other_dealers != 0);
  SignedIn alice = SignIn("alice");
  SignedIn bob = SignIn("bob");
  SignedIn carol = SignIn("carol");
  MpReply a = SignUp(alice, activity);
  MpReply b = SignUp(bob, activity);
  MpReply c = SignUp(carol, activity);
  MpReply theirs = SignUp(alice, other_dealers);
  ASSERT_EQ(a.Text("state"), "seated");
  ASSERT_EQ(b.json["position"].GetInt64(), 1);
  ASSERT_EQ(c.json["position"].GetInt64(), 2);
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  const int64_t alice_signup = a.json["id"].GetInt64();
  const int64_t bob_signup = b.json["id"].GetInt64();
  const int64_t carol_signup = c.json["id"].GetInt64();
  const int64_t their_signup = theirs.json["id"].GetInt64();
  auto cancel_path = [](int64_t act, int64_t signup) {
    return "/api/console/activities/" + std::to_string(act) + "/signups/" + std::to_string(signup) +
           "/cancel";
  };
  auto state_of = [&](int64_t signup) {
    MpReply list =
        Console("GET", "/api/console/activities/" + std::to_string(activity) + "/signups");
    EXPECT_EQ(list.status, 200) << list.body;
    for (const auto& item : list.json["items"].GetArray()) {
      if (item["id"].GetInt64() == signup) return std::string(item["state"].GetString());
    }
    return std::string("absent");
  };

  // The brand admin cancels the seated member: the first of the waitlist takes the seat.
  MpReply done = Console("POST", cancel_path(activity, alice_signup));
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Text("state"), "cancelled");
  EXPECT_EQ(done.json["member_id"].GetInt64(), alice.id);
  EXPECT_EQ(state_of(alice_signup), "cancelled");
  EXPECT_EQ(state_of(bob_signup), "seated");
  EXPECT_EQ(state_of(carol_signup), "waitlisted");
  EXPECT_EQ(Scalar("SELECT seated FROM care_activities WHERE id = " + std::to_string(activity)), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'activity.promoted'"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'activity.cancelled'"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'activity.cancel_signup' AND "
                   "outcome = 'ok'"),
            1);
  // The member sees it too.
  MpReply mine =
      Send("GET", "/api/mp/activity-signups/" + std::to_string(alice_signup), alice.token);
  EXPECT_EQ(mine.Text("state"), "cancelled");

  // Logins and staff creation are audited: done before counting.
  const std::string other = StaffLogin("other_manager");
  AddStaff("analyst", "analyst", "brand", brand_);
  const std::string analyst = StaffLogin("analyst");
  const auto before = Written();
  // Already cancelled: refused, nothing moves.
  MpReply again = Console("POST", cancel_path(activity, alice_signup));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "SIGNUP_CANCELLED");
  // A sign-up of another activity, an unknown one, bad ids.
  MpReply wrong = Console("POST", cancel_path(activity, their_signup));
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(wrong.code(), "SIGNUP_NOT_FOUND");
  EXPECT_EQ(Console("POST", cancel_path(activity, 999999)).code(), "SIGNUP_NOT_FOUND");
  EXPECT_EQ(Console("POST", cancel_path(999999, bob_signup)).code(), "ACTIVITY_NOT_FOUND");
  EXPECT_EQ(
      Console("POST", "/api/console/activities/" + std::to_string(activity) + "/signups/x/cancel")
          .code(),
      "INVALID_ID");
  EXPECT_EQ(Console("POST", cancel_path(activity, 0)).code(), "INVALID_ID");
  // Another dealer's manager: this dealer's activity is not found, its sign-ups untouched.
  MpReply foreign = Send("POST", cancel_path(activity, bob_signup), other);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.code(), "ACTIVITY_NOT_FOUND");
  // Their own activity's id with this dealer's sign-up: not found either.
  MpReply crossed = Send("POST", cancel_path(other_dealers, bob_signup), other);
  EXPECT_EQ(crossed.status, 404);
  EXPECT_EQ(crossed.code(), "SIGNUP_NOT_FOUND");
  // An analyst reads but may not cancel.
  EXPECT_EQ(Send("POST", cancel_path(activity, bob_signup), analyst).status, 403);
  EXPECT_EQ(Written(), before);
  EXPECT_EQ(state_of(bob_signup), "seated");
  EXPECT_EQ(state_of(carol_signup), "waitlisted");

  // After the start staff can no longer cancel a sign-up, like the member.
  SetNow(Bj(5, 11));
  staff_ = StaffToken();
  MpReply late = Console("POST", cancel_path(activity, carol_signup));
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.code(), "ACTIVITY_STARTED");
  EXPECT_EQ(state_of(carol_signup), "waitlisted");
}

MILEAGE_MP_TEST_SUITE(CareActivityTest);

}  // namespace
}  // namespace mileage::testing
