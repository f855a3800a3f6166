// Maintenance reminders over HTTP (docs/API.md, "Maintenance reminders"): the member's due
// dates and card notices, a service visit at a service store moving the due date, dismissing,
// the brand's intervals and service stores on the console; bad input, other members, other
// dealers and brands, and roles without the action. Expected dates are worked out by hand in
// the comments.
#include <map>
#include <string>
#include <vector>

#include "care/maintenance_job.h"
#include "server/jobs.h"
#include "tests/integration/care/care_fixture.h"

namespace mileage::testing {
namespace {

class MaintenanceRoutesTest : public CareTest {
 protected:
  void SetUp() override {
    CareTest::SetUp();
    if (server_ == nullptr || HasFatalFailure()) return;
    BuildOtherTenants();
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
    // Bought 2029-10-15, no km yet: the first service is due three months later, 2030-01-15.
    MpReply car = Send("POST", "/api/mp/vehicles", alice_.token,
                       R"({"plate":"京A12345","model":"Golf","purchase_date":"2029-10-15"})");
    ASSERT_EQ(car.status, 201) << car.body;
    alice_car_ = car.json["id"].GetInt64();
    bob_car_ = AddVehicle(bob_, "京B54321");
  }

  MpReply Reminders(const SignedIn& member) {
    MpReply reply = Send("GET", "/api/mp/reminders", member.token);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply;
  }

  int64_t RunJob() {
    Result<server::JobsReport> report = server::RunMembershipJobs(app().db(), config_, clock_);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? report->maintenance_reminders : -1;
  }

  std::map<std::string, int64_t> Written() {
    std::map<std::string, int64_t> counts;
    for (const char* sql :
         {"SELECT COUNT(*) FROM service_intervals",
          "SELECT COUNT(*) FROM service_interval_versions",
          "SELECT COUNT(*) FROM stores WHERE service = 1",
          "SELECT COUNT(*) FROM maintenance_reminders WHERE dismissed_at IS NOT NULL",
          "SELECT COUNT(*) FROM maintenance_reminders", "SELECT COUNT(*) FROM outbox_events"}) {
      counts[sql] = Scalar(sql);
    }
    return counts;
  }

  struct Case {
    std::string method;
    std::string path;
    std::string body;
    int status;
    std::string code;
  };

  void Expect(const std::vector<Case>& cases, const std::string& token) {
    const auto before = Written();
    for (const Case& c : cases) {
      MpReply reply = Send(c.method, c.path, token, c.body);
      EXPECT_EQ(reply.status, c.status) << c.method << " " << c.path << " " << c.body.substr(0, 80)
                                        << ": " << reply.body.substr(0, 200);
      EXPECT_EQ(reply.code(), c.code) << c.method << " " << c.path << " " << c.body.substr(0, 80);
    }
    EXPECT_EQ(Written(), before);
  }

  SignedIn alice_, bob_;
  int64_t alice_car_ = 0, bob_car_ = 0;
  const std::string huge_ = R"({"x":")" + std::string(2 << 20, 'a') + R"("})";
};

TEST_P(MaintenanceRoutesTest, ADueDateIsRemindedOnceAndAServiceVisitMovesIt) {
  // Monday 2030-01-07: no job has run, the due date is computed from the vehicle.
  MpReply before = Reminders(alice_);
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.json["reminders"].Size(), 0u);
  ASSERT_EQ(before.json["vehicles"].Size(), 1u);
  EXPECT_EQ(before.json["vehicles"][0]["vehicle_id"].GetInt64(), alice_car_);
  EXPECT_STREQ(before.json["vehicles"][0]["next_due_date"].GetString(), "2030-01-15");
  EXPECT_STREQ(before.json["vehicles"][0]["reason"].GetString(), "months");
  // Bob's car has no purchase date and no visit: no due date, no reminder.
  MpReply bobs = Reminders(bob_);
  ASSERT_EQ(bobs.json["vehicles"].Size(), 1u);
  EXPECT_TRUE(bobs.json["vehicles"][0]["next_due_date"].IsNull());

  // 01-15 is within 14 days: the job reminds once, however often it runs.
  EXPECT_EQ(RunJob(), 1);
  EXPECT_EQ(RunJob(), 0);
  MpReply card = Reminders(alice_);
  ASSERT_EQ(card.json["reminders"].Size(), 1u) << card.body;
  const rapidjson::Value& notice = card.json["reminders"][0];
  const int64_t reminder = notice["id"].GetInt64();
  EXPECT_EQ(notice["vehicle_id"].GetInt64(), alice_car_);
  EXPECT_STREQ(notice["model"].GetString(), "Golf");
  EXPECT_STREQ(notice["due_date"].GetString(), "2030-01-15");
  EXPECT_FALSE(notice["overdue"].GetBool());
  EXPECT_STREQ(notice["reason"].GetString(), "months");
  const std::string plate = notice["plate"].GetString();
  EXPECT_FALSE(plate.empty());
  EXPECT_EQ(plate.find("123"), std::string::npos) << plate;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'maintenance.due' AND "
                   "aggregate_ref = '" +
                   std::to_string(reminder) + "'"),
            1);
  EXPECT_EQ(Reminders(bob_).json["reminders"].Size(), 0u);

  // Bob cannot dismiss Alice's notice: it looks like an unknown id.
  MpReply stolen =
      Send("POST", "/api/mp/reminders/" + std::to_string(reminder) + "/dismiss", bob_.token);
  EXPECT_EQ(stolen.status, 404);
  EXPECT_EQ(stolen.code(), "REMINDER_NOT_FOUND");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM maintenance_reminders WHERE dismissed_at IS NOT NULL"), 0);

  // On the 16th it is overdue.
  SetNow(Bj(9, 9));
  alice_ = SignIn("alice");  // the old sessions expired while idle
  staff_ = StaffToken();
  MpReply late = Reminders(alice_);
  ASSERT_EQ(late.json["reminders"].Size(), 1u);
  EXPECT_TRUE(late.json["reminders"][0]["overdue"].GetBool());

  // Alice reports 2,000 km and redeems a coupon at the store, which the brand admin has made a
  // service store: a service visit on 01-16 at 2,000 km. Next: six months on, 2030-07-16
  // (2,000 km in the 93 days since purchase: 5,000 more take 233 days, past July).
  MpReply service = Console("PUT", "/api/console/stores/" + std::to_string(store_) + "/service",
                            R"({"service":true})");
  ASSERT_EQ(service.status, 200) << service.body;
  EXPECT_TRUE(service.json["service"].GetBool());
  MpReply read = Send("PATCH", "/api/mp/vehicles/" + std::to_string(alice_car_), alice_.token,
                      R"({"mileage_km":2000})");
  ASSERT_EQ(read.status, 200) << read.body;
  const auto [coupon, code] = Claim(alice_, NewStock());
  MpReply redeemed = RedeemAtCounter(code, store_, "visit-1");
  ASSERT_EQ(redeemed.status, 200) << redeemed.body;
  SetNow(Bj(9, 20));
  EXPECT_EQ(RunJob(), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM service_visits WHERE vehicle_id = " +
                   std::to_string(alice_car_) + " AND mileage_km = 2000"),
            1);
  MpReply moved = Reminders(alice_);
  EXPECT_EQ(moved.json["reminders"].Size(), 0u) << "the old date's notice is closed";
  EXPECT_STREQ(moved.json["vehicles"][0]["next_due_date"].GetString(), "2030-07-16");
  EXPECT_STREQ(moved.json["vehicles"][0]["reason"].GetString(), "months");

  // The new date gets its own reminder two weeks ahead (07-02), once; Alice dismisses it.
  SetNow(Bj(176, 9));        // 2030-07-02
  alice_ = SignIn("alice");  // the old session expired while idle
  EXPECT_EQ(RunJob(), 1);
  MpReply next = Reminders(alice_);
  ASSERT_EQ(next.json["reminders"].Size(), 1u) << next.body;
  EXPECT_STREQ(next.json["reminders"][0]["due_date"].GetString(), "2030-07-16");
  const std::string dismiss = "/api/mp/reminders/" +
                              std::to_string(next.json["reminders"][0]["id"].GetInt64()) +
                              "/dismiss";
  MpReply dismissed = Send("POST", dismiss, alice_.token);
  ASSERT_EQ(dismissed.status, 200) << dismissed.body;
  EXPECT_TRUE(dismissed.json["dismissed"].GetBool());
  EXPECT_EQ(Send("POST", dismiss, alice_.token).status, 200);  // again: no change
  EXPECT_EQ(Reminders(alice_).json["reminders"].Size(), 0u);
  EXPECT_EQ(RunJob(), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM maintenance_reminders"), 2);
}

TEST_P(MaintenanceRoutesTest, BrandAdminsSetIntervalsThatMoveTheDueDates) {
  MpReply empty = Console("GET", "/api/console/service-intervals");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.json["items"].Size(), 0u);
  EXPECT_EQ(empty.json["built_in"]["months"].GetInt64(), 6);
  EXPECT_EQ(empty.json["built_in"]["first_km"].GetInt64(), 3000);

  MpReply golf = Console("PUT", "/api/console/service-intervals",
                         R"({"model":" Golf ","months":12,"km":10000,"first_months":6,)"
                         R"("first_km":5000})");
  ASSERT_EQ(golf.status, 200) << golf.body;
  EXPECT_STREQ(golf.json["model"].GetString(), "Golf");
  MpReply brand = Console("PUT", "/api/console/service-intervals",
                          R"({"months":4,"km":4000,"first_months":2,"first_km":2000})");
  ASSERT_EQ(brand.status, 200) << brand.body;
  MpReply listed = Console("GET", "/api/console/service-intervals");
  ASSERT_EQ(listed.json["items"].Size(), 2u);
  EXPECT_STREQ(listed.json["items"][0]["model"].GetString(), "");
  EXPECT_EQ(listed.json["items"][0]["months"].GetInt64(), 4);
  EXPECT_STREQ(listed.json["items"][1]["model"].GetString(), "Golf");

  // The Golf bought 2029-10-15 is due 6 months later; deleting the model's interval leaves the
  // brand default (2 months: 2029-12-15).
  EXPECT_STREQ(Reminders(alice_).json["vehicles"][0]["next_due_date"].GetString(), "2030-04-15");
  MpReply deleted = Send("DELETE", "/api/console/service-intervals?model=Golf", staff_);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_STREQ(Reminders(alice_).json["vehicles"][0]["next_due_date"].GetString(), "2029-12-15");
  EXPECT_EQ(RunJob(), 1);
  MpReply overdue = Reminders(alice_);
  ASSERT_EQ(overdue.json["reminders"].Size(), 1u);
  EXPECT_TRUE(overdue.json["reminders"][0]["overdue"].GetBool());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'service_interval.%' AND "
                   "outcome = 'ok'"),
            3);

  // Another brand's admin sees and changes only its own brand's intervals and stores.
  AddStaff("foreign_admin", "brand_admin", "brand", foreign_brand_);
  MpReply login = Send("POST", "/api/console/login", "",
                       R"({"username":"foreign_admin","password":")" + std::string(kPassword) +
                           R"(","brand_id":)" + std::to_string(foreign_brand_) + "}");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string foreign = login.Text("token");
  MpReply theirs = Send("GET", "/api/console/service-intervals", foreign);
  ASSERT_EQ(theirs.status, 200);
  EXPECT_EQ(theirs.json["items"].Size(), 0u);
  const auto before = Written();
  MpReply hidden = Send("DELETE", "/api/console/service-intervals?model=", foreign);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.code(), "INTERVAL_NOT_FOUND");
  MpReply store = Send("PUT", "/api/console/stores/" + std::to_string(store_) + "/service", foreign,
                       R"({"service":true})");
  EXPECT_EQ(store.status, 404);
  EXPECT_EQ(store.code(), "NOT_FOUND");
  EXPECT_EQ(Written(), before);
}

TEST_P(MaintenanceRoutesTest, BadInputIsRefusedWithItsCodeAndWritesNothing) {
  const std::string intervals = "/api/console/service-intervals";
  const std::string service = "/api/console/stores/" + std::to_string(store_) + "/service";
  const std::string full = R"("months":6,"km":5000,"first_months":3,"first_km":3000)";
  Expect(
      {
          {"PUT", intervals, "", 400, "MALFORMED_JSON"},
          {"PUT", intervals, "[]", 400, "BODY_NOT_OBJECT"},
          {"PUT", intervals, huge_, 413, "PAYLOAD_TOO_LARGE"},
          {"PUT", intervals, "{" + full + R"(,"extra":1})", 400, "UNKNOWN_FIELD"},
          {"PUT", intervals, R"({"months":6,"km":5000,"first_months":3})", 400, "MISSING_FIELD"},
          {"PUT", intervals, R"({"months":0,"km":5000,"first_months":3,"first_km":3000})", 400,
           "INVALID_FIELD"},
          {"PUT", intervals, R"({"months":"6","km":5000,"first_months":3,"first_km":3000})", 400,
           "INVALID_FIELD"},
          {"PUT", intervals, R"({"months":6,"km":100001,"first_months":3,"first_km":3000})", 400,
           "INVALID_FIELD"},
          {"PUT", intervals, R"({"months":6,"km":5000,"first_months":61,"first_km":3000})", 400,
           "INVALID_FIELD"},
          {"PUT", intervals, R"({"model":"   ",)" + full + "}", 400, "INVALID_MODEL"},
          {"PUT", intervals, R"({"model":")" + std::string(65, 'x') + R"(",)" + full + "}", 400,
           "INVALID_MODEL"},
          {"PUT", intervals, R"({"model":7,)" + full + "}", 400, "INVALID_FIELD"},
          {"DELETE", intervals, "", 400, "MISSING_FIELD"},
          {"DELETE", intervals + "?model=Nope", "", 404, "INTERVAL_NOT_FOUND"},
          {"PUT", "/api/console/stores/abc/service", R"({"service":true})", 400, "INVALID_ID"},
          {"PUT", "/api/console/stores/0/service", R"({"service":true})", 400, "INVALID_ID"},
          {"PUT", service, "{}", 400, "MISSING_FIELD"},
          {"PUT", service, R"({"service":"yes"})", 400, "INVALID_FIELD"},
          {"PUT", service, R"({"service":true,"x":1})", 400, "UNKNOWN_FIELD"},
          {"PUT", "/api/console/stores/999999/service", R"({"service":true})", 404, "NOT_FOUND"},
          {"PUT", "/api/console/stores/" + std::to_string(foreign_store_) + "/service",
           R"({"service":true})", 404, "NOT_FOUND"},
      },
      staff_);
  Expect(
      {
          {"POST", "/api/mp/reminders/abc/dismiss", "", 400, "INVALID_ID"},
          {"POST", "/api/mp/reminders/0/dismiss", "", 400, "INVALID_ID"},
          {"POST", "/api/mp/reminders/999999/dismiss", "", 404, "REMINDER_NOT_FOUND"},
      },
      alice_.token);
  const std::vector<std::pair<std::string, std::string>> member_routes = {
      {"GET", "/api/mp/reminders"}, {"POST", "/api/mp/reminders/1/dismiss"}};
  const std::vector<std::pair<std::string, std::string>> console_routes = {
      {"GET", intervals}, {"PUT", intervals}, {"DELETE", intervals + "?model="}, {"PUT", service}};
  auto all = [](const std::vector<std::pair<std::string, std::string>>& routes, int status,
                const std::string& code) {
    std::vector<Case> cases;
    for (const auto& [method, path] : routes) cases.push_back({method, path, "{}", status, code});
    return cases;
  };
  Expect(all(member_routes, 401, "MISSING_TOKEN"), "");
  Expect(all(console_routes, 401, "MISSING_TOKEN"), "");
  Expect(all(member_routes, 401, "INVALID_TOKEN"), staff_);
  Expect(all(console_routes, 401, "INVALID_TOKEN"), alice_.token);
  // A dealer manager has neither action: refused before anything is read.
  Expect(all(console_routes, 403, "PERMISSION_DENIED"), StaffLogin("other_manager"));
}

MILEAGE_MP_TEST_SUITE(MaintenanceRoutesTest);

}  // namespace
}  // namespace mileage::testing
