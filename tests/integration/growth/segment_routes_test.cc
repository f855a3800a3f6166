// Tags and segments over HTTP (docs/API.md "Tags and segments") against a real in-process
// server: the filter grammar's bad bodies with their stable codes and nothing written, a
// segment's life with its live count, sizes and a grant with its progress in the console and
// /metrics, manual tags, and isolation between brands, scopes and roles.
#include <string>
#include <vector>

#include "growth/grant_job.h"
#include "growth/tag_job.h"
#include "server/console/segment_json.h"
#include "tests/integration/care/care_fixture.h"
#include "tests/support/together.h"

namespace mileage::testing {
namespace {

class SegmentRoutesTest : public CareTest {
 protected:
  std::string Counts() {
    std::string out;
    for (const char* table : {"segments", "segment_grants", "segment_grant_members",
                              "member_manual_tags", "rfm_thresholds", "coupons"}) {
      out += std::string(table) + "=" +
             std::to_string(Scalar(std::string("SELECT COUNT(*) FROM ") + table)) + " ";
    }
    out +=
        "audit_ok=" + std::to_string(Scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'ok'"));
    return out;
  }
  void Tag() {
    Result<int64_t> tagged = growth::RunTagRefresh(app().db(), server::ParseFilterText, Now(), 100);
    ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  }
  int64_t GrantStock(int64_t brand) {
    coupons::NewStock s;
    s.node_type = org::NodeType::kBrand;
    s.node_id = brand;
    s.name = "Segment gift";
    s.type = coupons::StockType::kCash;
    s.value_fen = 1000;
    s.valid_days = 30;
    s.total_quantity = 100;
    s.per_member_limit = 1;
    s.channels = {coupons::Channel::kGrant};
    const org::Actor op = org::Actor::System("test");
    Result<coupons::Stock> created = app().coupons().stocks().Create(op, s);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return 0;
    coupons::StockPatch activate;
    activate.state = coupons::StockState::kActive;
    EXPECT_TRUE(app().coupons().stocks().Update(op, created->id, activate).ok());
    return created->id;
  }
};

std::string Nested(int depth) {
  std::string filter = R"({"tag":"rfm_r","op":"gte","value":1})";
  for (int i = 0; i < depth; ++i) filter = R"({"all":[)" + filter + "]}";
  return filter;
}

TEST_P(SegmentRoutesTest, BadBodiesAnswerStableCodesAndWriteNothing) {
  std::string many;
  for (int i = 0; i < 21; ++i)
    many += (i ? "," : "") + std::string(R"({"manual":"t)") + std::to_string(i) + R"("})";
  std::string deep_json = "1";
  for (int i = 0; i < 70; ++i) deep_json = "[" + deep_json + "]";
  const struct {
    std::string body;
    const char* code;
  } cases[] = {
      {R"({"name":"x","filter":{"tag":"nope","op":"eq","value":1}})", "UNKNOWN_TAG"},
      {R"({"name":"x","filter":{"tag":"rfm_r","op":"like","value":1}})", "INVALID_OP"},
      {R"({"name":"x","filter":{"tag":"rfm_r","op":"eq","value":9}})", "INVALID_VALUE"},
      {R"({"name":"x","filter":{"tag":"rfm_r","op":"eq","value":1.5}})", "INVALID_FILTER"},
      {R"({"name":"x","filter":{"tag":"rfm_r","op":"in","value":1}})", "INVALID_FILTER"},
      {R"({"name":"x","filter":{"tag":"rfm_r","op":"eq","value":1,"extra":2}})", "UNKNOWN_FIELD"},
      {R"({"name":"x","filter":{"all":[],"any":[]}})", "INVALID_FILTER"},
      {R"({"name":"x","filter":{"every":[]}})", "INVALID_FILTER"},
      {R"({"name":"x","filter":[1]})", "INVALID_FILTER"},
      {R"({"name":"x","filter":{"manual":"   "}})", "INVALID_TAG_NAME"},
      {R"({"name":"x","filter":)" + Nested(5) + "}", "FILTER_TOO_DEEP"},
      {R"({"name":"x","filter":{"all":[)" + many + "]}}", "FILTER_TOO_LARGE"},
      {R"({"name":"x","filter":)" + deep_json + "}", "JSON_TOO_DEEP"},
      {R"({"name":"x","filter":{"manual":")" + std::string(17000, 'a') + R"("}})",
       "BODY_TOO_LARGE"},
      {R"({"filter":{"manual":"VIP"}})", "MISSING_FIELD"},
      {R"({"name":"x"})", "MISSING_FIELD"},
      {R"({"name":"","filter":{"manual":"VIP"}})", "INVALID_NAME"},
      {R"({"name":"x","filter":{"manual":"VIP"},"owner":1})", "UNKNOWN_FIELD"},
      {"{", "MALFORMED_JSON"},
  };
  const std::string before = Counts();
  for (const auto& c : cases) {
    MpReply reply = Console("POST", "/api/console/segments", c.body);
    EXPECT_EQ(reply.status, 400) << c.code << ": " << reply.body.substr(0, 200);
    EXPECT_EQ(reply.code(), c.code) << reply.body.substr(0, 200);
    EXPECT_EQ(reply.body.find("SQL"), std::string::npos);
  }
  MpReply preview = Console("POST", "/api/console/segments/preview", R"({"filter":{"not":[]}})");
  EXPECT_EQ(preview.code(), "INVALID_FILTER");
  MpReply thresholds =
      Console("PUT", "/api/console/rfm-thresholds",
              R"({"recency_days":[1,2,3],"visits":[1,2,3,4],"spend_fen":[1,2,3,4]})");
  EXPECT_EQ(thresholds.code(), "INVALID_THRESHOLDS");
  thresholds = Console("PUT", "/api/console/rfm-thresholds",
                       R"({"recency_days":[5,4,3,2],"visits":[1,2,3,4],"spend_fen":[1,2,3,4]})");
  EXPECT_EQ(thresholds.code(), "INVALID_THRESHOLDS");
  EXPECT_EQ(Console("GET", "/api/console/segments/1/sizes?days=0").code(), "INVALID_DAYS");
  EXPECT_EQ(Console("GET", "/api/console/segments/abc").code(), "INVALID_ID");
  EXPECT_EQ(Counts(), before);
}

TEST_P(SegmentRoutesTest, ASegmentCountsTagsAndGrantsWithProgress) {
  const SignedIn alice = SignIn("alice");
  const SignedIn bob = SignIn("bob");
  Tag();
  MpReply tagged = Console("POST", "/api/console/members/" + std::to_string(alice.id) + "/tags",
                           R"({"name":"VIP"})");
  ASSERT_EQ(tagged.status, 200) << tagged.body;
  ASSERT_EQ(tagged.json["manual"].Size(), 1u);
  EXPECT_STREQ(tagged.json["manual"][0]["name"].GetString(), "VIP");
  MpReply tags = Console("GET", "/api/console/members/" + std::to_string(alice.id) + "/tags");
  ASSERT_EQ(tags.status, 200) << tags.body;
  EXPECT_EQ(tags.json["rfm"]["r"].GetInt64(), 1);  // never visited

  MpReply made = Console("POST", "/api/console/segments",
                         R"({"name":"VIP 车主","filter":{"all":[{"manual":"VIP"},)"
                         R"({"tag":"rfm_r","op":"in","values":[1,2]}]}})");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json["count"].GetInt64(), 1);
  const int64_t segment = made.json["id"].GetInt64();
  // The stored filter comes back canonical.
  MpReply got = Console("GET", "/api/console/segments/" + std::to_string(segment));
  ASSERT_EQ(got.status, 200);
  EXPECT_STREQ(got.json["filter"]["all"][0]["manual"].GetString(), "VIP");
  EXPECT_EQ(Console("POST", "/api/console/segments",
                    made.body.substr(0, 0) + R"({"name":"VIP 车主","filter":{"manual":"x"}})")
                .code(),
            "SEGMENT_NAME_TAKEN");
  MpReply everyone = Console("POST", "/api/console/segments/preview",
                             R"({"filter":{"tag":"coupon_redeemer","op":"eq","value":"no"}})");
  ASSERT_EQ(everyone.status, 200) << everyone.body;
  EXPECT_EQ(everyone.json["count"].GetInt64(), 2);

  const int64_t stock = GrantStock(brand_);
  const std::string grant_body =
      R"({"stock_id":)" + std::to_string(stock) + R"(,"request_id":"g-1"})";
  MpReply started =
      Console("POST", "/api/console/segments/" + std::to_string(segment) + "/grants", grant_body);
  ASSERT_EQ(started.status, 201) << started.body;
  EXPECT_STREQ(started.json["state"].GetString(), "running");
  EXPECT_EQ(started.json["total"].GetInt64(), 1);
  const int64_t grant = started.json["id"].GetInt64();
  MpReply repeated =
      Console("POST", "/api/console/segments/" + std::to_string(segment) + "/grants", grant_body);
  EXPECT_EQ(repeated.status, 200);
  EXPECT_EQ(repeated.json["id"].GetInt64(), grant);
  MpReply metrics = Send("GET", "/metrics", "");
  EXPECT_NE(metrics.body.find("mileage_segment_grants_running 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("mileage_segment_grant_members_pending 1"), std::string::npos);

  FakeRandom random(11);
  ASSERT_TRUE(growth::RunSegmentGrants(app().db(), members::TierPolicy(), random, Now(), 10).ok());
  MpReply progress = Console("GET", "/api/console/segment-grants/" + std::to_string(grant));
  ASSERT_EQ(progress.status, 200);
  EXPECT_STREQ(progress.json["state"].GetString(), "done");
  EXPECT_EQ(progress.json["granted"].GetInt64(), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE member_id = " + std::to_string(alice.id)),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE member_id = " + std::to_string(bob.id)), 0);
  metrics = Send("GET", "/metrics", "");
  EXPECT_NE(metrics.body.find("mileage_segment_grants_running 0"), std::string::npos);
  EXPECT_NE(metrics.body.find("mileage_segment_grant_coupons_granted 1"), std::string::npos);

  // The day's size after the job's pass.
  Tag();
  MpReply sizes = Console("GET", "/api/console/segments/" + std::to_string(segment) + "/sizes");
  ASSERT_EQ(sizes.status, 200) << sizes.body;
  ASSERT_EQ(sizes.json["items"].Size(), 1u);
  EXPECT_EQ(sizes.json["items"][0]["size"].GetInt64(), 1);
  MpReply list = Console("GET", "/api/console/segments");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].Size(), 1u);
  EXPECT_EQ(list.json["items"][0]["latest_size"].GetInt64(), 1);
  EXPECT_TRUE(list.json["items"][0]["count"].IsNull());
  MpReply removed =
      Console("DELETE", "/api/console/members/" + std::to_string(alice.id) + "/tags?name=VIP");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(removed.json["manual"].Size(), 0u);
}

TEST_P(SegmentRoutesTest, OtherBrandsScopesAndRolesReachNothing) {
  BuildOtherTenants();
  const SignedIn alice = SignIn("alice");
  Tag();
  MpReply made = Console("POST", "/api/console/segments",
                         R"({"name":"all","filter":{"tag":"rfm_r","op":"gte","value":1}})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string segment = std::to_string(made.json["id"].GetInt64());
  AddStaff("foreign_admin", "brand_admin", "brand", foreign_brand_);
  AddStaff("brand_analyst", "analyst", "brand", brand_);
  MpReply login = Send("POST", "/api/console/login", "",
                       R"({"username":"foreign_admin","password":")" + std::string(kPassword) +
                           R"(","brand_id":)" + std::to_string(foreign_brand_) + "}");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string foreign = login.Text("token");
  const std::string dealer = StaffLogin("other_manager");
  const std::string analyst = StaffLogin("brand_analyst");
  const int64_t foreign_stock = GrantStock(foreign_brand_);
  const std::string before = Counts();

  auto as = [&](const std::string& token, const std::string& method, const std::string& path,
                const std::string& body = "") { return Send(method, path, token, body); };
  MpReply r = as(foreign, "GET", "/api/console/segments/" + segment);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code(), "SEGMENT_NOT_FOUND");
  r = as(foreign, "POST", "/api/console/segments/" + segment + "/grants",
         R"({"stock_id":)" + std::to_string(foreign_stock) + R"(,"request_id":"x"})");
  EXPECT_EQ(r.code(), "SEGMENT_NOT_FOUND");
  r = as(foreign, "GET", "/api/console/segments");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["items"].Size(), 0u);
  r = as(foreign, "POST", "/api/console/members/" + std::to_string(alice.id) + "/tags",
         R"({"name":"VIP"})");
  EXPECT_EQ(r.code(), "MEMBER_NOT_FOUND");
  r = Console("POST", "/api/console/segments/" + segment + "/grants",
              R"({"stock_id":)" + std::to_string(foreign_stock) + R"(,"request_id":"y"})");
  EXPECT_EQ(r.code(), "STOCK_NOT_FOUND");
  // A dealer manager has no segment action, and does not see a member of another dealer.
  EXPECT_EQ(as(dealer, "GET", "/api/console/segments").status, 403);
  EXPECT_EQ(as(dealer, "GET", "/api/console/rfm-thresholds").status, 403);
  r = as(dealer, "POST", "/api/console/members/" + std::to_string(alice.id) + "/tags",
         R"({"name":"VIP"})");
  EXPECT_EQ(r.code(), "MEMBER_NOT_FOUND");
  // A brand analyst reads, never writes.
  EXPECT_EQ(as(analyst, "GET", "/api/console/segments/" + segment).status, 200);
  EXPECT_EQ(as(analyst, "DELETE", "/api/console/segments/" + segment).status, 403);
  EXPECT_EQ(as(analyst, "PUT", "/api/console/rfm-thresholds",
               R"({"recency_days":[1,2,3,4],"visits":[1,2,3,4],"spend_fen":[1,2,3,4]})")
                .status,
            403);
  EXPECT_EQ(as(analyst, "POST", "/api/console/members/" + std::to_string(alice.id) + "/tags",
               R"({"name":"VIP"})")
                .status,
            403);
  EXPECT_EQ(Counts(), before);
}

TEST_P(SegmentRoutesTest, TheManualTagCapHoldsUnderConcurrentAdds) {
  const SignedIn alice = SignIn("alice");
  const std::string path = "/api/console/members/" + std::to_string(alice.id) + "/tags";
  for (int i = 0; i < 15; ++i) {
    ASSERT_EQ(Console("POST", path, R"({"name":"old-)" + std::to_string(i) + R"("})").status, 200);
  }
  // 12 desks add 12 different tags at once: only 5 fit under the cap of 20.
  constexpr int kDesks = 12;
  std::vector<MpReply> replies(kDesks);
  RunTogether(kDesks, [&](int i) {
    replies[i] = Console("POST", path, R"({"name":"new-)" + std::to_string(i) + R"("})");
  });
  int added = 0, refused = 0;
  for (const MpReply& r : replies) {
    if (r.status == 200) ++added;
    if (r.status == 409 && r.code() == "TOO_MANY_TAGS") ++refused;
  }
  EXPECT_EQ(added, 5);
  EXPECT_EQ(refused, kDesks - 5);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM member_manual_tags WHERE member_id = " +
                   std::to_string(alice.id)),
            20);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'member_tag.add' AND "
                   "outcome = 'ok'"),
            20);
}

MILEAGE_MP_TEST_SUITE(SegmentRoutesTest);

}  // namespace
}  // namespace mileage::testing
