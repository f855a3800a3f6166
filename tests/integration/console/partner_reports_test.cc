// GET /api/partner/v1/reports over HTTP against a real server, on SQLite and MariaDB + Redis
// (docs/API.md "Partner reports"): a partner's own totals by Beijing day, a day of fewer than 5
// members suppressed and left out of the period's totals, another partner's activity absent,
// bad ranges 400 and unsigned requests 401. And PATCH /api/console/brand setting the point
// value (roles, audit, bad values), which the next burn's discount follows. The expected
// figures are worked out by hand from the requests the test makes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/civil_time.h"
#include "members/member_store.h"
#include "members/vehicle_service.h"
#include "tests/integration/console/partner_fixture.h"

namespace mileage::testing {
namespace {

// The fake clock starts at Unix 1'800'000'000, 2027-01-15 16:00:00 Beijing time.
constexpr const char* kDay1 = "2027-01-15";
constexpr const char* kDay2 = "2027-01-16";

class PartnerReportsTest : public PartnerTest {
 protected:
  void SetUp() override {
    PartnerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    fuel_ = CreatePartner("Fuel Co", "fuel");
    parking_ = CreatePartner("Park Co", "parking");
    PutRule(fuel_, R"({"points_per_yuan":2})");
    PutRule(parking_, R"({"points_per_yuan":1})");
    // Nine members, 100 points each from a 100.00 yuan payment.
    for (int i = 1; i <= 9; ++i) {
      const std::string openid = "openid-report-" + std::to_string(i);
      Pay(kMchid, "42000000000000000000000000RP" + std::to_string(i), openid, 10000);
      members_.push_back(MemberIdOf(openid));
      ASSERT_GT(members_.back(), 0);
    }
  }

  void PutRule(const TestPartner& p, const std::string& body) {
    Reply put =
        Put("/api/console/partners/" + std::to_string(p.id) + "/rule", Token("admin"), body);
    ASSERT_EQ(put.status, 200) << put.body;
  }

  // Member i (1-based) earns `amount_fen` at `p` under `request_id`; returns the points.
  int64_t Earn(const TestPartner& p, int i, const std::string& request_id, int64_t amount_fen) {
    const std::string detail =
        p.id == fuel_.id ? R"({"millilitres":1000,"grade":"95"})" : R"({"minutes":30})";
    const std::string body =
        R"({"request_id":")" + request_id + R"(","member":{"code":")" + Code(members_[i - 1]) +
        R"("},"amount_fen":)" + std::to_string(amount_fen) + R"(,"occurred_at":")" +
        civil::FormatRfc3339Utc(UnixSeconds(clock_.Now()) - 60) + R"(","detail":)" + detail + "}";
    Reply earned = PartnerPost(p, "/api/partner/v1/earnings", body);
    EXPECT_EQ(earned.status, 201) << earned.body;
    return earned.status == 201 ? earned.json["points"].GetInt64() : -1;
  }

  Reply Burn(const TestPartner& p, int i, const std::string& request_id, int64_t points) {
    Reply burned =
        PartnerPost(p, "/api/partner/v1/redemptions",
                    R"({"request_id":")" + request_id + R"(","member":{"code":")" +
                        Code(members_[i - 1]) + R"("},"points":)" + std::to_string(points) + "}");
    EXPECT_EQ(burned.status, 201) << burned.body;
    return burned;
  }

  Reply Report(const TestPartner& p, const std::string& query) {
    return SendSigned(Call(p, p.secret, "GET", "/api/partner/v1/reports" + query));
  }

  // Day 1: six members at fuel (one earns twice, one earning partly reversed, two burns kept
  // and one cancelled) and five at parking; day 2: three members at fuel.
  void MakeActivity() {
    for (int i = 1; i <= 6; ++i) {
      // 10*i yuan at 2 points a yuan.
      ASSERT_EQ(Earn(fuel_, i, "f1-" + std::to_string(i), 1000 * i), 20 * i);
    }
    ASSERT_EQ(Earn(fuel_, 1, "f1-extra", 500), 10);
    Reply reversed = PartnerPost(fuel_, "/api/partner/v1/earnings/f1-2/reversal",
                                 R"({"reversal_id":"rv-1","amount_fen":1000})");
    ASSERT_EQ(reversed.status, 201) << reversed.body;
    ASSERT_EQ(reversed.json["points"].GetInt64(), 20);  // half of 40
    ASSERT_EQ(Burn(fuel_, 3, "b-3", 50).json["discount_fen"].GetInt64(), 50);
    ASSERT_EQ(Burn(fuel_, 5, "b-5", 10).json["discount_fen"].GetInt64(), 10);
    Burn(fuel_, 4, "b-4", 30);
    ASSERT_EQ(PartnerPost(fuel_, "/api/partner/v1/redemptions/b-4/cancel", "{}").status, 200);
    for (int i = 1; i <= 5; ++i) {
      ASSERT_EQ(Earn(parking_, i, "p1-" + std::to_string(i), 3000), 30);
    }
    // 12 hours later: 2027-01-16 04:00 Beijing.
    clock_.Advance(std::chrono::hours(12));
    for (int i = 7; i <= 9; ++i) {
      ASSERT_EQ(Earn(fuel_, i, "f2-" + std::to_string(i), 1000), 20);
    }
  }

  static void ExpectFigures(const rapidjson::Value& v, const std::vector<int64_t>& expected,
                            const std::string& what) {
    const char* keys[] = {"earnings", "amount_fen",    "points_earned", "points_reversed",
                          "burns",    "points_burned", "discount_fen"};
    for (size_t k = 0; k < expected.size(); ++k) {
      ASSERT_TRUE(v.HasMember(keys[k]) && v[keys[k]].IsInt64()) << what << " " << keys[k];
      EXPECT_EQ(v[keys[k]].GetInt64(), expected[k]) << what << " " << keys[k];
    }
  }

  TestPartner fuel_, parking_;
  std::vector<int64_t> members_;
};

TEST_P(PartnerReportsTest, APartnerSeesItsOwnDaysAndASmallDayIsSuppressed) {
  MakeActivity();
  Reply report = Report(fuel_, std::string("?from=") + kDay1 + "&to=" + kDay2);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_STREQ(report.json["from"].GetString(), kDay1);
  EXPECT_STREQ(report.json["to"].GetString(), kDay2);
  EXPECT_EQ(report.json["min_group_members"].GetInt64(), 5);
  const auto& days = report.json["days"];
  ASSERT_EQ(days.Size(), 2u);

  const auto& day1 = days[0];
  EXPECT_STREQ(day1["date"].GetString(), kDay1);
  EXPECT_FALSE(day1["suppressed"].GetBool());
  EXPECT_EQ(day1["members"].GetInt64(), 6);
  // 7 earnings: 10+20+...+60 yuan and 5 yuan = 215.00 yuan, 2 points a yuan = 430 points;
  // 20 points reversed; burns of 50 and 10 points kept (the 30 was cancelled), 1 fen a point.
  ExpectFigures(day1, {7, 21500, 430, 20, 2, 60, 60}, "day 1");

  const auto& day2 = days[1];
  EXPECT_STREQ(day2["date"].GetString(), kDay2);
  EXPECT_TRUE(day2["suppressed"].GetBool());
  for (const char* key : {"members", "earnings", "amount_fen", "points_earned", "points_reversed",
                          "burns", "points_burned", "discount_fen"}) {
    EXPECT_TRUE(day2[key].IsNull()) << key;
  }
  // The totals leave the suppressed day out: day 2's 3 earnings cannot be had by subtraction.
  EXPECT_EQ(report.json["totals"]["suppressed_days"].GetInt64(), 1);
  ExpectFigures(report.json["totals"], {7, 21500, 430, 20, 2, 60, 60}, "totals");
  EXPECT_FALSE(report.json["totals"].HasMember("members"));

  // Parking sees only its own day: exactly 5 members is shown.
  Reply parking = Report(parking_, std::string("?from=") + kDay1 + "&to=" + kDay2);
  ASSERT_EQ(parking.status, 200) << parking.body;
  EXPECT_EQ(parking.json["days"][0]["members"].GetInt64(), 5);
  ExpectFigures(parking.json["days"][0], {5, 15000, 150, 0, 0, 0, 0}, "parking day 1");
  ExpectFigures(parking.json["days"][1], {0, 0, 0, 0, 0, 0, 0}, "parking day 2");
  EXPECT_FALSE(parking.json["days"][1]["suppressed"].GetBool());
  EXPECT_EQ(parking.json["days"][1]["members"].GetInt64(), 0);
  ExpectFigures(parking.json["totals"], {5, 15000, 150, 0, 0, 0, 0}, "parking totals");

  // No row about a member: no member ids, pseudonyms or request ids.
  for (const std::string& text : {std::string("pm_"), std::string("f1-1"), std::string("b-3")}) {
    EXPECT_EQ(report.body.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(report.body.find("member_id"), std::string::npos);
}

// Issue 16 part 5: a partner's reports and its own description never carry a member's clear
// phone, plate, VIN or openid, even of a member who has all of them (bytes of every answer).
TEST_P(PartnerReportsTest, PartnerAnswersCarryNoClearPhonePlateVinOrOpenid) {
  const std::string phone = "13700137000", plate = "京A54321", vin = "LVSHCAMB1CE054249";
  Status attached = db::InTransaction(server_->app().db(), [&](db::Connection& conn) {
    OsRandom random;
    return members::MemberStore(conn, random)
        .AttachPhone(members_[0], tree_.brand, phone, server_->app().phones(),
                     UnixSeconds(clock_.Now()));
  });
  ASSERT_TRUE(attached.ok()) << attached.ToString();
  std::chrono::seconds retry_after{0};
  ASSERT_TRUE(server_->app()
                  .vehicles()
                  .Add(members::VehicleOwner{members_[0], tree_.brand},
                       members::NewVehicle{plate, vin, "Model Y", std::nullopt, 100},
                       UnixSeconds(clock_.Now()), &retry_after)
                  .ok());
  MakeActivity();
  const std::string range = std::string("?from=") + kDay1 + "&to=" + kDay2;
  std::vector<Reply> replies;
  replies.push_back(Report(fuel_, range));
  replies.push_back(Report(parking_, range));
  replies.push_back(Report(fuel_, ""));
  replies.push_back(SendSigned(Call(fuel_, fuel_.secret, "GET", "/api/partner/v1/me")));
  for (const Reply& reply : replies) {
    EXPECT_EQ(reply.status, 200) << reply.body;
    for (const std::string& clear : {phone, plate, vin, std::string("openid-report-1")}) {
      EXPECT_EQ(reply.body.find(clear), std::string::npos) << reply.body;
    }
  }
}

TEST_P(PartnerReportsTest, TheDefaultIsTheLast30DaysEndingToday) {
  MakeActivity();
  Reply report = Report(fuel_, "");
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_STREQ(report.json["from"].GetString(), "2026-12-18");
  EXPECT_STREQ(report.json["to"].GetString(), kDay2);
  ASSERT_EQ(report.json["days"].Size(), 30u);
  EXPECT_STREQ(report.json["days"][0]["date"].GetString(), "2026-12-18");
  EXPECT_STREQ(report.json["days"][28]["date"].GetString(), kDay1);
  EXPECT_EQ(report.json["days"][28]["members"].GetInt64(), 6);
  EXPECT_TRUE(report.json["days"][29]["suppressed"].GetBool());
  // A quarter of 92 days is the most.
  Reply quarter = Report(fuel_, "?from=2026-10-17&to=2027-01-16");
  ASSERT_EQ(quarter.status, 200) << quarter.body;
  EXPECT_EQ(quarter.json["days"].Size(), 92u);
}

TEST_P(PartnerReportsTest, BadRangesAre400AndUnsignedIs401) {
  for (const std::string& query :
       {std::string("?from=2027-1-15&to=2027-01-16"), std::string("?from=2027-01-15&to=tomorrow"),
        std::string("?from=2027-02-30&to=2027-03-01"),
        std::string("?from=1999-12-31&to=2000-01-02"),
        std::string("?from=2027-01-16&to=2027-01-15"),
        std::string("?from=2026-10-16&to=2027-01-16"), std::string("?from=&to=2027-01-16")}) {
    Reply bad = Report(fuel_, query);
    EXPECT_EQ(bad.status, 400) << query << ": " << bad.body;
    EXPECT_EQ(bad.code(), "INVALID_FIELD") << query;
  }
  const auto before = RowCounts();
  std::unique_ptr<httplib::Client> client = server_->Client();
  httplib::Result unsigned_get = client->Get("/api/partner/v1/reports");
  ASSERT_TRUE(unsigned_get);
  EXPECT_EQ(unsigned_get->status, 401);
  EXPECT_NE(unsigned_get->body.find("MISSING_SIGNATURE_HEADER"), std::string::npos);
  // A query changed after signing is refused.
  SignedCall tampered = Call(fuel_, fuel_.secret, "GET", "/api/partner/v1/reports?from=2027-01-15");
  tampered.target = "/api/partner/v1/reports?from=2027-01-14";
  ExpectRefused(tampered, "SIGNATURE_INVALID", "tampered query");
  EXPECT_EQ(RowCounts(), before);
}

class BrandPointValueTest : public PartnerTest {};

TEST_P(BrandPointValueTest, ABrandAdminSetsThePointValueAndTheNextBurnFollowsIt) {
  Reply before = Get("/api/console/brand", Token("admin"));
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.json["point_value_fen_per_100"].GetInt64(), 100);
  const int64_t audits = AuditRows();

  Reply set = Patch("/api/console/brand", Token("admin"), R"({"point_value_fen_per_100":150})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json["point_value_fen_per_100"].GetInt64(), 150);
  EXPECT_STREQ(set.json["name"].GetString(), before.json["name"].GetString());
  EXPECT_EQ(Get("/api/console/brand", Token("admin")).json["point_value_fen_per_100"].GetInt64(),
            150);
  EXPECT_EQ(AuditRows(), audits + 1);
  Reply audit = Get("/api/console/audit?action=brand.update", Token("admin"));
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("point_value_fen_per_100: 100 -> 150"), std::string::npos)
      << audit.body;

  // A rename alone keeps the value; both at once change both.
  Reply renamed = Patch("/api/console/brand", Token("admin"), R"({"name":"WeCar"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json["point_value_fen_per_100"].GetInt64(), 150);
  Reply both = Patch("/api/console/brand", Token("admin"),
                     R"({"name":"WeCar 2","point_value_fen_per_100":1})");
  ASSERT_EQ(both.status, 200) << both.body;
  EXPECT_EQ(both.json["point_value_fen_per_100"].GetInt64(), 1);
  Reply top = Patch("/api/console/brand", Token("admin"), R"({"point_value_fen_per_100":10000})");
  ASSERT_EQ(top.status, 200) << top.body;

  // 10000 fen per 100 points: a member's 60 points are worth 60.00 yuan at a partner.
  Pay(kMchid, "4200000000000000000000000000BV", "openid-brand-value", 10000);
  const int64_t member = MemberIdOf("openid-brand-value");
  TestPartner fuel = CreatePartner("Fuel Co", "fuel");
  Reply burned = PartnerPost(
      fuel, "/api/partner/v1/redemptions",
      R"({"request_id":"bv-1","member":{"code":")" + Code(member) + R"("},"points":60})");
  ASSERT_EQ(burned.status, 201) << burned.body;
  EXPECT_EQ(burned.json["discount_fen"].GetInt64(), 6000);
}

TEST_P(BrandPointValueTest, BadValuesAre400AndOtherRolesAre403WithNothingWritten) {
  const std::vector<std::string> others = {"region1_manager", "dealer_a_manager", "clerk_a1",
                                           "analyst_brand"};
  for (const std::string& user : others) Token(user);  // logging in is audited
  const std::string brand = Get("/api/console/brand", Token("admin")).body;
  const auto before = RowCounts();
  for (const auto& [body, code] : std::vector<std::pair<std::string, std::string>>{
           {R"({"point_value_fen_per_100":0})", "INVALID_FIELD"},
           {R"({"point_value_fen_per_100":-5})", "INVALID_FIELD"},
           {R"({"point_value_fen_per_100":10001})", "INVALID_FIELD"},
           {R"({"point_value_fen_per_100":1.5})", "INVALID_FIELD"},
           {R"({"point_value_fen_per_100":"150"})", "INVALID_FIELD"},
           {R"({"point_value_fen_per_100":99999999999999999999})", "INVALID_FIELD"},
           {R"({"name":"ok","point_value_fen_per_100":0})", "INVALID_FIELD"},
           {R"({})", "MISSING_FIELD"},
           {R"({"point_value":150})", "UNKNOWN_FIELD"}}) {
    Reply bad = Patch("/api/console/brand", Token("admin"), body);
    EXPECT_EQ(bad.status, 400) << body << ": " << bad.body;
    EXPECT_EQ(bad.code(), code) << body << ": " << bad.body;
  }
  EXPECT_EQ(RowCounts(), before);
  // Other roles are refused; each refusal is on record as denied, and nothing else is written.
  for (const std::string& user : others) {
    Reply refused = Patch("/api/console/brand", Token(user), R"({"point_value_fen_per_100":150})");
    EXPECT_EQ(refused.status, 403) << user << ": " << refused.body;
  }
  auto after = RowCounts();
  EXPECT_EQ(after["audit_log"], before.at("audit_log") + 4);
  after["audit_log"] = before.at("audit_log");
  EXPECT_EQ(after, before);
  Reply denied = Get("/api/console/audit?page_size=4", Token("admin"));
  ASSERT_EQ(denied.status, 200) << denied.body;
  ASSERT_EQ(denied.json["items"].Size(), 4u) << denied.body;
  for (const auto& item : denied.json["items"].GetArray()) {
    EXPECT_STREQ(item["outcome"].GetString(), "denied") << denied.body;
    EXPECT_STREQ(item["action"].GetString(), "brand.write") << denied.body;
  }
  EXPECT_EQ(Get("/api/console/brand", Token("admin")).body, brand);
}

MILEAGE_CONSOLE_TEST_SUITE(PartnerReportsTest);
MILEAGE_CONSOLE_TEST_SUITE(BrandPointValueTest);

}  // namespace
}  // namespace mileage::testing
