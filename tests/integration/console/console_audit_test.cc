// The console's audit log filters over HTTP (docs/API.md "GET /api/console/audit"): each
// filter, combinations, paging, another brand's ids, and bad input answered 400 with nothing
// written; on both backends.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/civil_time.h"
#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {
namespace {

// One audit record as the test compares it.
struct Seen {
  int64_t id = 0;
  std::string action;
  std::string username;  // "" for the operator
  int64_t staff_id = 0;  // 0 for the operator
  std::string object_type;
  int64_t object_id = 0;  // 0 when none
  std::string outcome;
  int64_t created_at = 0;  // Unix seconds, from "time"
};

class ConsoleAuditTest : public ConsoleTest {
 protected:
  // Writes these records, on two Beijing days (the clock starts at 2027-01-15 16:00 Beijing):
  //   01-15: logins of admin, dealer_a_manager and clerk_a1; admin renames store A1 (ok);
  //          dealer_a_manager renames store B1 (denied: outside its dealer); clerk_a1 creates a
  //          store (denied by the router as store.write).
  //   01-16: logins again (the sessions expired); dealer_a_manager renames store A2 (ok);
  //          admin deactivates clerk_b1 (ok).
  // Brand 2 has its own admin, who logs in on 01-16 (brand 2's record).
  void SetUp() override {
    ConsoleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const org::Actor op = org::Actor::System("test");
    Result<org::Node> brand2 = org().hierarchy().CreateBrand(op, "Brand 2");
    ASSERT_TRUE(brand2.ok()) << brand2.status().ToString();
    brand2_ = brand2->path.id();
    Result<org::Staff> admin2 = org().staff().Create(
        op, org::NewStaff{"admin2", kPassword, "brand_admin", "brand", brand2_});
    ASSERT_TRUE(admin2.ok()) << admin2.status().ToString();
    admin2_ = admin2->id;

    ASSERT_EQ(Patch(StorePath(tree_.store_a1), Token("admin"), R"({"name":"A1 new"})").status, 200);
    ASSERT_EQ(Patch(StorePath(tree_.store_b1), Token("dealer_a_manager"), R"({"name":"x"})").status,
              404);
    ASSERT_EQ(Post("/api/console/stores", Token("clerk_a1"),
                   R"({"dealer_id":)" + std::to_string(tree_.dealer_a) + R"(,"name":"S"})")
                  .status,
              403);
    clock_.Advance(std::chrono::hours(24));
    tokens_.clear();
    ASSERT_EQ(
        Patch(StorePath(tree_.store_a2), Token("dealer_a_manager"), R"({"name":"A2 new"})").status,
        200);
    ASSERT_EQ(Post("/api/console/staff/" + std::to_string(tree_.staff["clerk_b1"]) + "/deactivate",
                   Token("admin"))
                  .status,
              200);
    Reply login2 = LoginFrom("127.0.0.2", "admin2", kPassword, brand2_);
    ASSERT_EQ(login2.status, 200) << login2.body;
    admin2_token_ = login2.json["token"].GetString();
    all_ = Records("");
    ASSERT_GT(all_.size(), 10u);
  }

  static std::string StorePath(int64_t id) { return "/api/console/stores/" + std::to_string(id); }

  // Every record of the admin's brand that `query` ("&action=...") selects, newest first; the
  // whole answer must fit one page.
  std::vector<Seen> Records(const std::string& query) {
    Reply r = Get("/api/console/audit?page_size=200" + query, Token("admin"));
    EXPECT_EQ(r.status, 200) << query << " -> " << r.body;
    std::vector<Seen> out;
    if (r.status != 200) return out;
    EXPECT_LT(r.json["total"].GetInt64(), 200) << query;
    EXPECT_EQ(static_cast<int64_t>(r.json["items"].Size()), r.json["total"].GetInt64()) << query;
    for (const auto& item : r.json["items"].GetArray()) {
      Seen s;
      s.id = item["id"].GetInt64();
      s.action = item["action"].GetString();
      s.username = item["staff_username"].IsString() ? item["staff_username"].GetString() : "";
      s.staff_id = item["staff_id"].IsInt64() ? item["staff_id"].GetInt64() : 0;
      s.object_type = item["object_type"].GetString();
      s.object_id = item["object_id"].IsInt64() ? item["object_id"].GetInt64() : 0;
      s.outcome = item["outcome"].GetString();
      std::optional<TimePoint> time = civil::ParseRfc3339(item["time"].GetString());
      EXPECT_TRUE(time.has_value()) << item["time"].GetString();
      if (time.has_value()) s.created_at = UnixSeconds(*time);
      out.push_back(std::move(s));
    }
    return out;
  }

  // The ids of the unfiltered records that `keep` selects: the test's own reading of a filter.
  std::vector<int64_t> IdsWhere(const std::function<bool(const Seen&)>& keep) const {
    std::vector<int64_t> ids;
    for (const Seen& s : all_) {
      if (keep(s)) ids.push_back(s.id);
    }
    return ids;
  }
  static std::vector<int64_t> IdsOf(const std::vector<Seen>& records) {
    std::vector<int64_t> ids;
    for (const Seen& s : records) ids.push_back(s.id);
    return ids;
  }
  // "action username object_id outcome" of each record, newest first.
  static std::vector<std::string> Lines(const std::vector<Seen>& records) {
    std::vector<std::string> lines;
    for (const Seen& s : records) {
      lines.push_back(s.action + " " + s.username + " " + std::to_string(s.object_id) + " " +
                      s.outcome);
    }
    return lines;
  }
  int64_t Staff(const std::string& name) { return tree_.staff[name]; }

  // 2027-01-16 00:00 Beijing: eight hours after the clock's start (16:00 Beijing).
  static constexpr int64_t kSecondDay = 1800000000 + 8 * 3600;

  int64_t brand2_ = 0;
  int64_t admin2_ = 0;
  std::string admin2_token_;
  std::vector<Seen> all_;
};

TEST_P(ConsoleAuditTest, AnExactActionSelectsOnlyThatAction) {
  const std::string a1 = std::to_string(tree_.store_a1);
  EXPECT_EQ(Lines(Records("&action=store.update")),
            (std::vector<std::string>{
                "store.update dealer_a_manager " + std::to_string(tree_.store_a2) + " ok",
                "store.update dealer_a_manager " + std::to_string(tree_.store_b1) + " denied",
                "store.update admin " + a1 + " ok"}));
  EXPECT_EQ(Lines(Records("&action=staff.deactivate")),
            (std::vector<std::string>{"staff.deactivate admin " +
                                      std::to_string(Staff("clerk_b1")) + " ok"}));
  // The router's refusal names the route's action.
  EXPECT_EQ(Lines(Records("&action=store.write")),
            (std::vector<std::string>{"store.write clerk_a1 0 denied"}));
  // Exact means exact: no prefix match without the trailing dot.
  EXPECT_TRUE(Records("&action=store").empty());
  EXPECT_TRUE(Records("&action=store.updat").empty());
}

TEST_P(ConsoleAuditTest, AnActionEndingInADotSelectsEveryActionStartingWithIt) {
  auto starts = [](const std::string& prefix) {
    return [prefix](const Seen& s) { return s.action.rfind(prefix, 0) == 0; };
  };
  const std::vector<Seen> store = Records("&action=store.");
  EXPECT_EQ(IdsOf(store), IdsWhere(starts("store.")));
  // The test's own store writes are among them, and the setup's store.create records.
  int creates = 0, updates = 0, writes = 0;
  for (const Seen& s : store) {
    creates += s.action == "store.create";
    updates += s.action == "store.update";
    writes += s.action == "store.write";
  }
  EXPECT_EQ(creates, 4);  // A1, A2, A3, B1
  EXPECT_EQ(updates, 3);
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(IdsOf(Records("&action=staff.")), IdsWhere(starts("staff.")));
  EXPECT_EQ(IdsOf(Records("&action=session.")), IdsWhere(starts("session.")));
  EXPECT_FALSE(Records("&action=session.").empty());
  // A prefix is a whole first word: "stor." is not "store.".
  EXPECT_TRUE(Records("&action=stor.").empty());
}

TEST_P(ConsoleAuditTest, StaffObjectOutcomeAndDaysEachNarrowTheLog) {
  const int64_t manager = Staff("dealer_a_manager");
  const std::vector<Seen> by_manager = Records("&staff_id=" + std::to_string(manager));
  EXPECT_EQ(IdsOf(by_manager), IdsWhere([&](const Seen& s) { return s.staff_id == manager; }));
  // Two logins and two renames.
  EXPECT_EQ(Lines(by_manager),
            (std::vector<std::string>{
                "store.update dealer_a_manager " + std::to_string(tree_.store_a2) + " ok",
                "session.login dealer_a_manager " + std::to_string(manager) + " ok",
                "store.update dealer_a_manager " + std::to_string(tree_.store_b1) + " denied",
                "session.login dealer_a_manager " + std::to_string(manager) + " ok"}));

  const std::vector<Seen> a1 =
      Records("&object_type=store&object_id=" + std::to_string(tree_.store_a1));
  EXPECT_EQ(IdsOf(a1), IdsWhere([&](const Seen& s) {
              return s.object_type == "store" && s.object_id == tree_.store_a1;
            }));
  ASSERT_EQ(a1.size(), 2u);  // the rename, then the setup's create
  EXPECT_EQ(a1[0].action, "store.update");
  EXPECT_EQ(a1[1].action, "store.create");
  // A login's object is the account that logged in.
  const std::vector<Seen> manager_object =
      Records("&object_type=staff&object_id=" + std::to_string(manager));
  EXPECT_EQ(IdsOf(manager_object), IdsWhere([&](const Seen& s) {
              return s.object_type == "staff" && s.object_id == manager;
            }));
  EXPECT_EQ(IdsOf(Records("&object_type=staff")),
            IdsWhere([](const Seen& s) { return s.object_type == "staff"; }));

  EXPECT_EQ(Lines(Records("&outcome=denied")),
            (std::vector<std::string>{
                "store.write clerk_a1 0 denied",
                "store.update dealer_a_manager " + std::to_string(tree_.store_b1) + " denied"}));
  EXPECT_EQ(IdsOf(Records("&outcome=ok")),
            IdsWhere([](const Seen& s) { return s.outcome == "ok"; }));

  // Beijing days, both ends included.
  const std::vector<Seen> second = Records("&from=2027-01-16");
  EXPECT_EQ(IdsOf(second), IdsWhere([](const Seen& s) { return s.created_at >= kSecondDay; }));
  EXPECT_EQ(second.size(), 4u);  // two logins, a rename, a deactivation
  EXPECT_EQ(IdsOf(Records("&from=2027-01-16&to=2027-01-16")), IdsOf(second));
  EXPECT_EQ(IdsOf(Records("&to=2027-01-15")),
            IdsWhere([](const Seen& s) { return s.created_at < kSecondDay; }));
  EXPECT_EQ(IdsOf(Records("&from=2027-01-15&to=2027-01-16")), IdsOf(all_));
  EXPECT_TRUE(Records("&from=2027-01-17").empty());
  EXPECT_TRUE(Records("&to=2027-01-14").empty());
}

TEST_P(ConsoleAuditTest, FiltersCombineAndPage) {
  const std::string manager = std::to_string(Staff("dealer_a_manager"));
  EXPECT_EQ(Lines(Records("&staff_id=" + manager + "&action=store.update&outcome=ok")),
            (std::vector<std::string>{"store.update dealer_a_manager " +
                                      std::to_string(tree_.store_a2) + " ok"}));
  EXPECT_EQ(Lines(Records("&staff_id=" + manager + "&to=2027-01-15&action=store.")),
            (std::vector<std::string>{"store.update dealer_a_manager " +
                                      std::to_string(tree_.store_b1) + " denied"}));
  EXPECT_EQ(Records("&action=store.&outcome=denied").size(), 2u);
  EXPECT_TRUE(Records("&staff_id=" + manager + "&action=staff.").empty());
  EXPECT_TRUE(
      Records("&object_type=store&object_id=" + std::to_string(tree_.store_a1) + "&outcome=denied")
          .empty());

  // Paged as every list: page 2 of 2 holds the oldest of the three renames.
  Reply page2 = Get("/api/console/audit?action=store.update&page=2&page_size=2", Token("admin"));
  ASSERT_EQ(page2.status, 200) << page2.body;
  EXPECT_EQ(page2.json["total"].GetInt64(), 3);
  EXPECT_EQ(page2.json["page"].GetInt64(), 2);
  ASSERT_EQ(page2.json["items"].Size(), 1u);
  EXPECT_EQ(page2.json["items"][0]["object_id"].GetInt64(), tree_.store_a1);
  // A parameter the route does not know is ignored, as on the other lists.
  EXPECT_EQ(IdsOf(Records("&action=store.update&colour=red")),
            IdsOf(Records("&action=store.update")));
}

TEST_P(ConsoleAuditTest, AnotherBrandsIdsSelectNothingAndLeakNothing) {
  // Brand 2's admin is a staff id of brand 2; brand 1's admin filtering by it gets an empty
  // page, as for an id nobody has.
  for (const std::string& query :
       {"&staff_id=" + std::to_string(admin2_), std::string("&staff_id=999999"),
        "&object_type=brand&object_id=" + std::to_string(brand2_),
        "&object_type=staff&object_id=" + std::to_string(admin2_)}) {
    Reply r = Get("/api/console/audit?" + query.substr(1), Token("admin"));
    ASSERT_EQ(r.status, 200) << query << " -> " << r.body;
    EXPECT_EQ(r.json["total"].GetInt64(), 0) << query;
    EXPECT_EQ(r.json["items"].Size(), 0u) << query;
  }
  // Brand 2's admin sees only its brand: its own login, and none of brand 1's records.
  Reply mine = Get("/api/console/audit?staff_id=" + std::to_string(admin2_), admin2_token_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.json["items"].Size(), 1u) << mine.body;
  EXPECT_STREQ(mine.json["items"][0]["action"].GetString(), "session.login");
  Reply theirs =
      Get("/api/console/audit?staff_id=" + std::to_string(Staff("admin")), admin2_token_);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(theirs.json["total"].GetInt64(), 0);
  Reply actions = Get("/api/console/audit?action=store.", admin2_token_);
  ASSERT_EQ(actions.status, 200);
  EXPECT_EQ(actions.json["total"].GetInt64(), 0);
  // Filters do not open the log to other roles.
  EXPECT_EQ(Get("/api/console/audit?action=store.", Token("dealer_a_manager")).status, 403);
  EXPECT_EQ(Get("/api/console/audit?action=store.", Token("analyst_brand")).status, 403);
}

TEST_P(ConsoleAuditTest, BadFiltersGetTheDocumentedCodesAndWriteNothing) {
  struct Case {
    std::string query;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"action=", "INVALID_FIELD"},
      {"action=Store.update", "INVALID_FIELD"},
      {"action=.store", "INVALID_FIELD"},
      {"action=store..update", "INVALID_FIELD"},
      {"action=store.update%20", "INVALID_FIELD"},
      {"action=store%25", "INVALID_FIELD"},
      {"action=store.*", "INVALID_FIELD"},
      {"action=" + std::string(65, 'a'), "INVALID_FIELD"},
      {"staff_id=", "INVALID_ID"},
      {"staff_id=0", "INVALID_ID"},
      {"staff_id=-3", "INVALID_ID"},
      {"staff_id=x", "INVALID_ID"},
      {"staff_id=99999999999999999999", "INVALID_ID"},
      {"object_type=", "INVALID_FIELD"},
      {"object_type=Store", "INVALID_FIELD"},
      {"object_type=store1", "INVALID_FIELD"},
      {"object_type=" + std::string(33, 's'), "INVALID_FIELD"},
      {"object_id=5", "INVALID_FIELD"},
      {"object_type=store&object_id=abc", "INVALID_ID"},
      {"object_type=store&object_id=0", "INVALID_ID"},
      {"outcome=", "INVALID_FIELD"},
      {"outcome=OK", "INVALID_FIELD"},
      {"outcome=failed", "INVALID_FIELD"},
      {"from=2027-1-15", "INVALID_FIELD"},
      {"from=2027-02-30", "INVALID_FIELD"},
      {"to=yesterday", "INVALID_FIELD"},
      {"to=", "INVALID_FIELD"},
      {"from=2027-01-16&to=2027-01-15", "INVALID_RANGE"},
      {"page=0&action=store.", "INVALID_PAGE"},
  };
  Token("admin");
  const auto before = RowCounts();
  for (const Case& c : cases) {
    Reply r = Get("/api/console/audit?" + c.query, Token("admin"));
    EXPECT_EQ(r.status, 400) << c.query << " -> " << r.body;
    EXPECT_EQ(r.code(), c.code) << c.query << " -> " << r.body;
    EXPECT_FALSE(r.json.HasMember("items")) << c.query;
  }
  EXPECT_EQ(RowCounts(), before);
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleAuditTest);

}  // namespace
}  // namespace mileage::testing
