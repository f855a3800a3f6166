// Visit feedback over HTTP: the member's rateable visits and ratings (the 7-day window on the
// server's fake clock, once per visit, another member's visit, every bad body), the console's
// NPS and detractor routes and follow-up (roles that may not act, another dealer's staff, bad
// input), each refusal checked for its code and for nothing written.
#include <string>

#include "common/civil_time.h"
#include "org/org_module.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

class FeedbackRoutesTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr || HasFatalFailure()) return;
    staff_ = StaffToken();
    ASSERT_FALSE(staff_.empty());
  }

  void AddStaff(const std::string& username, const std::string& role, const std::string& scope_type,
                int64_t scope_id) {
    Result<org::Staff> made = app().org().staff().Create(
        org::Actor::System("test"), org::NewStaff{username, kPassword, role, scope_type, scope_id});
    ASSERT_TRUE(made.ok()) << made.status().ToString();
  }
  std::string StaffLogin(const std::string& username) {
    MpReply reply = Send("POST", "/api/console/login", "",
                         R"({"username":")" + username + R"(","password":")" + kPassword + R"("})");
    EXPECT_EQ(reply.status, 200) << username << ": " << reply.body;
    return reply.Text("token");
  }
  MpReply Visits(const std::string& token) { return Send("GET", "/api/mp/feedback/visits", token); }
  MpReply Rate(const std::string& token, const std::string& body) {
    return Send("POST", "/api/mp/feedback/ratings", token, body);
  }
  static std::string RatingBody(int64_t visit, const std::string& score,
                                const std::string& extra = "") {
    return R"({"kind":"payment","visit_id":)" + std::to_string(visit) + R"(,"score":)" + score +
           extra + "}";
  }
  int64_t Ratings() { return Scalar("SELECT COUNT(*) FROM feedback_ratings"); }
  int64_t FollowUpsAudited() {
    return Scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.follow_up' AND outcome = 'ok'");
  }
  // The visits of `token`'s list as (id, visited_at), newest first.
  std::vector<std::pair<int64_t, int64_t>> VisitIds(const std::string& token) {
    MpReply reply = Visits(token);
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::vector<std::pair<int64_t, int64_t>> out;
    if (reply.status != 200) return out;
    for (const auto& item : reply.json["items"].GetArray()) {
      std::optional<TimePoint> at = civil::ParseRfc3339(item["visited_at"].GetString());
      out.emplace_back(item["id"].GetInt64(), at.has_value() ? UnixSeconds(*at) : 0);
    }
    return out;
  }

  std::string staff_;
};

TEST_P(FeedbackRoutesTest, AMemberRatesTheirVisitOnceWithinSevenDays) {
  Pay("alice", 8800);
  Pay("alice", 1200);
  Pay("alice", 300);
  SignedIn alice = SignIn("alice");
  MpReply list = Visits(alice.token);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].Size(), 3u);
  const auto& newest = list.json["items"][0];
  EXPECT_EQ(std::string(newest["kind"].GetString()), "payment");
  EXPECT_EQ(newest["store"]["id"].GetInt64(), store_);
  EXPECT_FALSE(std::string(newest["store"]["name"].GetString()).empty());
  EXPECT_EQ(newest["amount_fen"].GetInt64(), 300);
  EXPECT_TRUE(newest["rating"].IsNull());
  const auto ids = VisitIds(alice.token);
  const int64_t first = ids[2].first, second = ids[1].first, third = ids[0].first;

  MpReply rated = Rate(alice.token, RatingBody(first, "3", R"(,"comment":"洗车排队太久 😞")"));
  ASSERT_EQ(rated.status, 201) << rated.body;
  EXPECT_EQ(rated.json["score"].GetInt64(), 3);
  EXPECT_EQ(std::string(rated.json["comment"].GetString()), "洗车排队太久 😞");
  MpReply again = Rate(alice.token, RatingBody(first, "10"));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "ALREADY_RATED");
  list = Visits(alice.token);
  ASSERT_EQ(list.json["items"].Size(), 3u);
  EXPECT_EQ(list.json["items"][2]["rating"]["score"].GetInt64(), 3) << list.body;

  // Exactly 7 days after the second visit it is still rateable; a second later the third is
  // not (a member session idles out after 7 days, so sign in again).
  clock_.SetUnixSeconds(ids[1].second + 7 * 86400);
  alice = SignIn("alice");
  EXPECT_EQ(Rate(alice.token, RatingBody(second, "9")).status, 201);
  clock_.SetUnixSeconds(ids[0].second + 7 * 86400 + 1);
  alice = SignIn("alice");
  MpReply late = Rate(alice.token, RatingBody(third, "9"));
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.code(), "RATING_WINDOW_CLOSED");
  EXPECT_EQ(Ratings(), 2);
  EXPECT_EQ(Visits(alice.token).json["items"].Size(), 0u) << "nothing left to rate";
}

TEST_P(FeedbackRoutesTest, BadBodiesAndOtherMembersVisitsAreRefusedWithNothingWritten) {
  Pay("alice", 8800);
  SignedIn alice = SignIn("alice");
  SignedIn bob = SignIn("bob");
  const int64_t visit = VisitIds(alice.token).at(0).first;
  struct Case {
    std::string body;
    int status;
    std::string code;
  };
  const std::string long_comment(501, 'x');
  std::string deep;
  for (int i = 0; i < 80; ++i) deep += "[";
  for (int i = 0; i < 80; ++i) deep += "]";
  const std::vector<Case> cases = {
      {RatingBody(visit, "11"), 400, "INVALID_SCORE"},
      {RatingBody(visit, "-1"), 400, "INVALID_SCORE"},
      {RatingBody(visit, "9.5"), 400, "INVALID_SCORE"},
      {RatingBody(visit, R"("9")"), 400, "INVALID_SCORE"},
      {RatingBody(visit, "1e1"), 400, "INVALID_SCORE"},
      {R"({"kind":"payment","visit_id":)" + std::to_string(visit) + "}", 400, "MISSING_FIELD"},
      {R"({"kind":"refund","visit_id":1,"score":5})", 400, "INVALID_KIND"},
      {R"({"kind":"payment","visit_id":0,"score":5})", 400, "INVALID_ID"},
      {R"({"kind":"payment","visit_id":"1","score":5})", 400, "INVALID_ID"},
      {RatingBody(visit, "5", R"(,"member_id":1)"), 400, "UNKNOWN_FIELD"},
      {RatingBody(visit, "5", R"(,"comment":")" + long_comment + R"(")"), 400, "INVALID_COMMENT"},
      {RatingBody(visit, "5", R"(,"comment":"a\u0007b")"), 400, "INVALID_COMMENT"},
      {RatingBody(visit, "5", R"(,"comment":7)"), 400, "INVALID_FIELD"},
      {"not json", 400, "MALFORMED_JSON"},
      {"[1]", 400, "BODY_NOT_OBJECT"},
      {deep, 400, "JSON_TOO_DEEP"},
      {std::string(2 * 1024 * 1024, ' '), 413, "PAYLOAD_TOO_LARGE"},
  };
  for (const Case& c : cases) {
    MpReply reply = Rate(alice.token, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body.substr(0, 80) << " -> " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body.substr(0, 80);
  }
  // Bob names alice's visit: exactly as a visit that does not exist.
  MpReply stolen = Rate(bob.token, RatingBody(visit, "0"));
  EXPECT_EQ(stolen.status, 404);
  EXPECT_EQ(stolen.code(), "VISIT_NOT_FOUND");
  MpReply unknown = Rate(bob.token, RatingBody(visit + 1000, "0"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body.find("alice"), std::string::npos);
  EXPECT_EQ(Visits(bob.token).json["items"].Size(), 0u);
  // No token, a console token.
  EXPECT_EQ(Rate("", RatingBody(visit, "5")).status, 401);
  EXPECT_EQ(Rate(staff_, RatingBody(visit, "5")).status, 401);
  EXPECT_EQ(Visits(staff_).status, 401);
  EXPECT_EQ(Ratings(), 0) << "nothing written";
  EXPECT_EQ(Rate(alice.token, RatingBody(visit, "0")).status, 201);
}

TEST_P(FeedbackRoutesTest, StaffReadNpsAndFollowDetractorsUpInTheirScope) {
  Pay("alice", 8800);
  Pay("bob", 8800);
  SignedIn alice = SignIn("alice");
  SignedIn bob = SignIn("bob");
  ASSERT_EQ(Rate(alice.token,
                 RatingBody(VisitIds(alice.token).at(0).first, "2", R"(,"comment":"服务态度差")"))
                .status,
            201);
  ASSERT_EQ(Rate(bob.token, RatingBody(VisitIds(bob.token).at(0).first, "10")).status, 201);

  MpReply nps = Send("GET", "/api/console/feedback/nps?group=store&bucket=month&days=31", staff_);
  ASSERT_EQ(nps.status, 200) << nps.body;
  ASSERT_EQ(nps.json["rows"].Size(), 1u);
  EXPECT_EQ(nps.json["rows"][0]["id"].GetInt64(), store_);
  EXPECT_EQ(nps.json["overall"]["promoters"].GetInt64(), 1);
  EXPECT_EQ(nps.json["overall"]["detractors"].GetInt64(), 1);
  EXPECT_EQ(nps.json["overall"]["nps"].GetInt64(), 0);
  EXPECT_EQ(std::string(nps.json["bucket"].GetString()), "month");

  MpReply detractors = Send("GET", "/api/console/feedback/detractors?state=open", staff_);
  ASSERT_EQ(detractors.status, 200) << detractors.body;
  ASSERT_EQ(detractors.json["total"].GetInt64(), 1);
  const auto& d = detractors.json["items"][0];
  const int64_t rating = d["id"].GetInt64();
  EXPECT_EQ(d["score"].GetInt64(), 2);
  EXPECT_EQ(std::string(d["comment"].GetString()), "服务态度差");
  EXPECT_EQ(d["member_id"].GetInt64(), alice.id);
  EXPECT_EQ(std::string(d["follow_up"]["state"].GetString()), "open");
  EXPECT_TRUE(d["follow_up"]["by"].IsNull());
  const std::string follow =
      "/api/console/feedback/ratings/" + std::to_string(rating) + "/follow-up";

  // Roles that may not act, and another dealer's manager.
  AddStaff("clerk", "store_clerk", "store", store_);
  AddStaff("analyst", "analyst", "brand", brand_);
  const org::Actor op = org::Actor::System("test");
  auto id = [](Result<org::Node> node) { return MustOk(std::move(node)).path.id(); };
  const int64_t region =
      id(app().org().hierarchy().Create(op, org::NodeType::kRegion, brand_, "R2"));
  const int64_t dealer =
      id(app().org().hierarchy().Create(op, org::NodeType::kDealer, region, "D2"));
  AddStaff("other_manager", "dealer_manager", "dealer", dealer);
  const std::string clerk = StaffLogin("clerk");
  const std::string analyst = StaffLogin("analyst");
  const std::string other = StaffLogin("other_manager");
  const std::string body = R"({"state":"contacted","note":"已电话致歉"})";
  for (const std::string& token : {clerk, analyst}) {
    MpReply refused = Send("POST", follow, token, body);
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_EQ(refused.code(), "PERMISSION_DENIED");
  }
  MpReply hidden = Send("POST", follow, other, body);
  EXPECT_EQ(hidden.status, 404) << hidden.body;
  EXPECT_EQ(hidden.code(), "RATING_NOT_FOUND");
  EXPECT_EQ(Send("GET", "/api/console/feedback/detractors", other).json["total"].GetInt64(), 0);
  EXPECT_EQ(Send("GET", "/api/console/feedback/nps", other).json["rows"].Size(), 0u);
  MpReply clerk_reads = Send("GET", "/api/console/feedback/detractors", clerk);
  EXPECT_EQ(clerk_reads.status, 200);
  EXPECT_EQ(clerk_reads.json["total"].GetInt64(), 1);

  // Bad input, nothing moved.
  struct Case {
    std::string path, body, code;
  };
  const std::vector<Case> cases = {
      {follow, R"({"state":"closed"})", "INVALID_STATE"},
      {follow, R"({"state":"contacted","note":")" + std::string(501, 'n') + R"("})",
       "INVALID_NOTE"},
      {follow, R"({"state":"contacted","note":"a\u0000b"})", "INVALID_NOTE"},
      {follow, R"({"state":"contacted","by":1})", "UNKNOWN_FIELD"},
      {follow, R"({"note":"x"})", "MISSING_FIELD"},
      {follow, "nope", "MALFORMED_JSON"},
      {"/api/console/feedback/ratings/abc/follow-up", body, "INVALID_ID"},
      {"/api/console/feedback/ratings/0/follow-up", body, "INVALID_ID"},
  };
  for (const Case& c : cases) {
    MpReply reply = Send("POST", c.path, staff_, c.body);
    EXPECT_EQ(reply.status, 400) << c.body << " -> " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body;
  }
  EXPECT_EQ(FollowUpsAudited(), 0);

  MpReply moved = Send("POST", follow, staff_, body);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(std::string(moved.json["follow_up"]["state"].GetString()), "contacted");
  EXPECT_EQ(std::string(moved.json["follow_up"]["note"].GetString()), "已电话致歉");
  EXPECT_EQ(std::string(moved.json["follow_up"]["by"]["username"].GetString()), "admin");
  EXPECT_EQ(FollowUpsAudited(), 1);
  MpReply backwards = Send("POST", follow, staff_, R"({"state":"open"})");
  EXPECT_EQ(backwards.status, 409);
  EXPECT_EQ(backwards.code(), "INVALID_TRANSITION");
  EXPECT_EQ(Send("POST", follow, staff_, R"({"state":"resolved"})").status, 200);
  EXPECT_EQ(Send("GET", "/api/console/feedback/detractors?state=resolved", staff_)
                .json["total"]
                .GetInt64(),
            1);
  EXPECT_EQ(FollowUpsAudited(), 2);
}

TEST_P(FeedbackRoutesTest, BadReportQueriesAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/api/console/feedback/nps?group=region", "INVALID_GROUP"},
      {"/api/console/feedback/nps?bucket=day", "INVALID_BUCKET"},
      {"/api/console/feedback/nps?store_id=abc", "INVALID_ID"},
      {"/api/console/feedback/nps?store_id=1&dealer_id=1", "INVALID_FIELD"},
      {"/api/console/feedback/nps?from=2026-02-30", "INVALID_FIELD"},
      {"/api/console/feedback/nps?days=0", "INVALID_FIELD"},
      {"/api/console/feedback/nps?days=367", "INVALID_FIELD"},
      {"/api/console/feedback/detractors?state=closed", "INVALID_STATE"},
      {"/api/console/feedback/detractors?page=0", "INVALID_PAGE"},
  };
  for (const auto& [path, code] : cases) {
    MpReply reply = Send("GET", path, staff_);
    EXPECT_EQ(reply.status, 400) << path << " -> " << reply.body;
    EXPECT_EQ(reply.code(), code) << path;
  }
  MpReply missing = Send("GET", "/api/console/feedback/nps?store_id=999999", staff_);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Send("GET", "/api/console/feedback/nps", "").status, 401);
}

MILEAGE_MP_TEST_SUITE(FeedbackRoutesTest);

}  // namespace
}  // namespace mileage::testing
