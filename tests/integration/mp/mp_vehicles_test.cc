// The member's vehicles over HTTP (docs/API.md, "Vehicles"): add, list, change and delete with
// the answer and the rows after each, plate and VIN never stored in clear, other members'
// vehicles as 404, sessions, every bad field refused with nothing written, mileage corrections,
// duplicate plates and the per-member limit; and the console's search by plate under the
// visibility rule, which never shows a plate in clear.
#include <string>
#include <thread>
#include <vector>

#include "common/civil_time.h"
#include "members/member_store.h"
#include "org/org_module.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::hours;

// Real plates and VINs whose check digits are the manufacturers' (not computed here).
constexpr const char* kPlate = "京A12345";
constexpr const char* kVin = "LVSHCAMB1CE054249";
constexpr const char* kOtherVin = "1HGCM82633A004352";

using Member = SignedIn;

// One vehicles row as stored, every text column joined, to look for clear text in it.
struct Row {
  int64_t member_id = 0;
  std::string plate_display;
  std::string vin_display;  // "" when NULL
  std::string model;
  std::string purchase_date;  // "" when NULL
  int64_t mileage_km = 0;
  std::string all_text;
};

class MpVehiclesTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
  }

  MpReply Add(const Member& member, const std::string& body) {
    return Send("POST", "/api/mp/vehicles", member.token, body);
  }
  // The id of a vehicle added with `plate` (and the other fields of a plain car), or 0.
  int64_t Added(const Member& member, const std::string& plate) {
    MpReply reply = Add(member, R"({"plate":")" + plate + R"(","model":"Model Y"})");
    EXPECT_EQ(reply.status, 201) << plate << ": " << reply.body;
    return reply.status == 201 ? reply.json["id"].GetInt64() : 0;
  }
  MpReply Patch(const Member& member, int64_t id, const std::string& body) {
    return Send("PATCH", Path(id), member.token, body);
  }
  static std::string Path(int64_t id) { return "/api/mp/vehicles/" + std::to_string(id); }

  Row Stored(int64_t id) {
    Result<db::PooledConnection> conn = app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    Row row;
    if (!conn.ok()) return row;
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT member_id, plate_hash, plate_sealed, plate_display, vin_hash, vin_sealed, "
        "vin_display, model, purchase_date, mileage_km FROM vehicles WHERE id = ?",
        {db::Value(id)});
    EXPECT_TRUE(rows.ok() && rows->size() == 1) << "vehicle " << id << " is not stored";
    if (!rows.ok() || rows->size() != 1) return row;
    const db::Row& r = rows->front();
    row.member_id = r.Int(0);
    row.plate_display = r.Text(3);
    row.vin_display = r.OptionalText(6).value_or("");
    row.model = r.Text(7);
    row.purchase_date = r.OptionalText(8).value_or("");
    row.mileage_km = r.Int(9);
    for (size_t i = 1; i <= 8; ++i) row.all_text += r.OptionalText(i).value_or("") + "|";
    return row;
  }

  // Everything a vehicle route could write: the counts and every vehicles row's text.
  std::string Snapshot() {
    std::string out;
    for (const auto& [table, count] : Written()) {
      out += table + "=" + std::to_string(count) + ";";
    }
    Result<db::PooledConnection> conn = app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return out;
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT id, plate_hash, vin_hash, model, purchase_date, mileage_km, "
        "updated_at FROM vehicles ORDER BY id");
    EXPECT_TRUE(rows.ok());
    for (const db::Row& r : *rows) {
      out += std::to_string(r.Int(0)) + "," + r.Text(1) + "," + r.OptionalText(2).value_or("-") +
             "," + r.Text(3) + "," + r.OptionalText(4).value_or("-") + "," +
             std::to_string(r.Int(5)) + "," + std::to_string(r.Int(6)) + ";";
    }
    return out;
  }

  // The Beijing date `days` from today as "YYYY-MM-DD".
  std::string BeijingDay(int64_t days) {
    const civil::Date today = civil::BeijingDate(UnixSeconds(clock_.Now()));
    return civil::FormatDate(civil::CivilFromDays(civil::DaysFromCivil(today) + days));
  }

  Member alice_, bob_;
};

TEST_P(MpVehiclesTest, AddListChangeDeleteWithTheRowsAfterEach) {
  MpReply added = Add(alice_, R"({"plate":"京a·12345","vin":"lvshcamb1ce054249","model":"宝马 X5",)"
                              R"("purchase_date":"2024-05-01","mileage_km":12000})");
  ASSERT_EQ(added.status, 201) << added.body;
  const int64_t id = added.json["id"].GetInt64();
  EXPECT_GT(id, 0);
  // The owner sees plate and VIN in clear, normalised.
  EXPECT_EQ(added.Text("plate"), kPlate);
  EXPECT_EQ(added.Text("vin"), kVin);
  EXPECT_EQ(added.Text("model"), "宝马 X5");
  EXPECT_EQ(added.Text("purchase_date"), "2024-05-01");
  EXPECT_EQ(added.json["mileage_km"].GetInt64(), 12000);
  EXPECT_EQ(added.Text("created_at"), civil::FormatRfc3339Utc(UnixSeconds(clock_.Now())));
  EXPECT_EQ(added.Text("updated_at"), added.Text("created_at"));
  EXPECT_FALSE(added.json.HasMember("member_id"));

  // Stored: hashes, sealed copies and masks, never the clear plate or VIN.
  Row row = Stored(id);
  EXPECT_EQ(row.member_id, alice_.id);
  EXPECT_EQ(row.plate_display, "京A·***45");
  EXPECT_EQ(row.vin_display, "LVS...4249");
  EXPECT_EQ(row.model, "宝马 X5");
  EXPECT_EQ(row.purchase_date, "2024-05-01");
  EXPECT_EQ(row.mileage_km, 12000);
  for (const char* clear : {kPlate, "A12345", "12345", kVin, "CAMB1CE05"}) {
    EXPECT_EQ(row.all_text.find(clear), std::string::npos) << clear << " stored in clear";
  }

  MpReply listed = Send("GET", "/api/mp/vehicles", alice_.token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json["items"].Size(), 1u);
  const auto& item = listed.json["items"][0];
  EXPECT_EQ(item["id"].GetInt64(), id);
  EXPECT_STREQ(item["plate"].GetString(), kPlate);
  EXPECT_STREQ(item["vin"].GetString(), kVin);
  EXPECT_EQ(item["mileage_km"].GetInt64(), 12000);
  EXPECT_EQ(listed.Header("Cache-Control"), "no-store");

  // A change of model, date, mileage (up), plate and VIN, an hour later.
  clock_.Advance(hours(1));
  MpReply changed = Patch(alice_, id,
                          R"({"model":"Model Y","purchase_date":"2024-06-02","mileage_km":15000,)"
                          R"("plate":"沪AD12345","vin":"1HGCM82633A004352"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.Text("plate"), "沪AD12345");
  EXPECT_EQ(changed.Text("vin"), kOtherVin);
  EXPECT_EQ(changed.Text("model"), "Model Y");
  EXPECT_EQ(changed.Text("purchase_date"), "2024-06-02");
  EXPECT_EQ(changed.json["mileage_km"].GetInt64(), 15000);
  EXPECT_EQ(changed.Text("created_at"), added.Text("created_at"));
  EXPECT_EQ(changed.Text("updated_at"), civil::FormatRfc3339Utc(UnixSeconds(clock_.Now())));
  row = Stored(id);
  EXPECT_EQ(row.plate_display, "沪A·***45");
  EXPECT_EQ(row.vin_display, "1HG...4352");
  EXPECT_EQ(row.model, "Model Y");
  EXPECT_EQ(row.purchase_date, "2024-06-02");
  EXPECT_EQ(row.mileage_km, 15000);
  EXPECT_EQ(row.all_text.find("AD12345"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM vehicle_mileage_corrections"), 0) << "it went up";

  // Null clears the VIN and the date; the old plate is free again.
  MpReply cleared = Patch(alice_, id, R"({"vin":null,"purchase_date":null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json["vin"].IsNull());
  EXPECT_TRUE(cleared.json["purchase_date"].IsNull());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM vehicles WHERE id = " + std::to_string(id) +
                   " AND vin_hash IS NULL AND vin_sealed IS NULL AND vin_display IS NULL AND "
                   "purchase_date IS NULL"),
            1);
  EXPECT_NE(Added(bob_, kPlate), 0);

  MpReply deleted = Send("DELETE", Path(id), alice_.token);
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM vehicles WHERE id = " + std::to_string(id)), 0);
  listed = Send("GET", "/api/mp/vehicles", alice_.token);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json["items"].Size(), 0u);
  EXPECT_EQ(Send("DELETE", Path(id), alice_.token).code(), "VEHICLE_NOT_FOUND");
}

TEST_P(MpVehiclesTest, AnotherMembersVehicleIsNotFoundOnEveryRoute) {
  const int64_t bobs = Added(bob_, kPlate);
  ASSERT_NE(bobs, 0);
  const std::string before = Snapshot();
  for (int64_t id : {bobs, bobs + 1000}) {
    MpReply patched = Patch(alice_, id, R"({"model":"stolen","mileage_km":1})");
    EXPECT_EQ(patched.status, 404) << patched.body;
    EXPECT_EQ(patched.code(), "VEHICLE_NOT_FOUND");
    MpReply deleted = Send("DELETE", Path(id), alice_.token);
    EXPECT_EQ(deleted.status, 404) << deleted.body;
    EXPECT_EQ(deleted.code(), "VEHICLE_NOT_FOUND");
  }
  MpReply listed = Send("GET", "/api/mp/vehicles", alice_.token);
  EXPECT_EQ(listed.json["items"].Size(), 0u);
  // A member id in the body is refused, not obeyed.
  MpReply forged = Add(
      alice_, R"({"plate":"京B12345","model":"x","member_id":)" + std::to_string(bob_.id) + "}");
  EXPECT_EQ(forged.status, 400);
  EXPECT_EQ(forged.code(), "UNKNOWN_FIELD");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Stored(bobs).model, "Model Y");
  EXPECT_EQ(Send("GET", "/api/mp/vehicles", bob_.token).json["items"].Size(), 1u);
}

TEST_P(MpVehiclesTest, NoTokenOrAnExpiredSessionIsRefused) {
  const int64_t id = Added(alice_, kPlate);
  ASSERT_NE(id, 0);
  const std::string before = Snapshot();
  const std::string add = R"({"plate":"京B12345","model":"x"})";
  const struct {
    const char* method;
    std::string path;
    std::string body;
  } routes[] = {{"GET", "/api/mp/vehicles", ""},
                {"POST", "/api/mp/vehicles", add},
                {"PATCH", Path(id), R"({"mileage_km":99999})"},
                {"DELETE", Path(id), ""}};
  for (const auto& route : routes) {
    MpReply reply = Send(route.method, route.path, "", route.body);
    EXPECT_EQ(reply.status, 401) << route.method;
    EXPECT_EQ(reply.code(), "MISSING_TOKEN") << route.method;
  }
  clock_.Advance(hours(24 * 7 + 1));  // idle past member_session_ttl_s
  for (const auto& route : routes) {
    MpReply reply = Send(route.method, route.path, alice_.token, route.body);
    EXPECT_EQ(reply.status, 401) << route.method;
    EXPECT_EQ(reply.code(), "SESSION_EXPIRED") << route.method;
  }
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(MpVehiclesTest, EachBadFieldIsRefusedWithItsCodeAndNothingWritten) {
  const int64_t id = Added(alice_, kPlate);
  ASSERT_NE(id, 0);
  const std::string tomorrow = BeijingDay(1);
  const std::string before = Snapshot();
  const struct {
    std::string body;
    const char* code;
  } adds[] = {
      {R"({"plate":"京A1234O","model":"x"})", "INVALID_PLATE"},
      {R"({"plate":"港A12345","model":"x"})", "INVALID_PLATE"},
      {R"({"plate":"京A123456","model":"x"})", "INVALID_PLATE"},
      {R"({"plate":12345,"model":"x"})", "INVALID_PLATE"},
      {R"({"plate":null,"model":"x"})", "INVALID_PLATE"},
      {R"({"plate":"京B12345","vin":"LVSHCAMB2CE054249","model":"x"})", "INVALID_VIN"},
      {R"({"plate":"京B12345","vin":"LVSHCAMB1CE05424","model":"x"})", "INVALID_VIN"},
      {R"({"plate":"京B12345","vin":17,"model":"x"})", "INVALID_VIN"},
      {R"({"plate":"京B12345","model":""})", "INVALID_MODEL"},
      {R"({"plate":"京B12345","model":")" + std::string(65, 'm') + R"("})", "INVALID_MODEL"},
      {R"({"plate":"京B12345","model":"a\u0000b"})", "INVALID_MODEL"},
      {R"({"plate":"京B12345","model":"x","purchase_date":")" + tomorrow + R"("})",
       "INVALID_PURCHASE_DATE"},
      {R"({"plate":"京B12345","model":"x","purchase_date":"2026-02-30"})", "INVALID_PURCHASE_DATE"},
      {R"({"plate":"京B12345","model":"x","purchase_date":"05/01/2024"})", "INVALID_PURCHASE_DATE"},
      {R"({"plate":"京B12345","model":"x","mileage_km":-1})", "INVALID_MILEAGE"},
      {R"({"plate":"京B12345","model":"x","mileage_km":10000000})", "INVALID_MILEAGE"},
      {R"({"plate":"京B12345","model":"x","mileage_km":"100"})", "INVALID_MILEAGE"},
      {R"({"plate":"京B12345","model":"x","mileage_km":1.5})", "INVALID_MILEAGE"},
      {R"({"model":"x"})", "MISSING_FIELD"},
      {R"({"plate":"京B12345"})", "MISSING_FIELD"},
      {R"({"plate":"京B12345","model":"x","colour":"red"})", "UNKNOWN_FIELD"},
      {R"([])", "BODY_NOT_OBJECT"},
      {R"({"plate":)", "MALFORMED_JSON"},
  };
  for (const auto& c : adds) {
    MpReply reply = Add(alice_, c.body);
    EXPECT_EQ(reply.status, 400) << c.body << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body;
  }
  const struct {
    std::string body;
    const char* code;
  } patches[] = {
      {R"({"plate":"京A1234I"})", "INVALID_PLATE"},
      {R"({"plate":null})", "INVALID_PLATE"},
      {R"({"vin":"1M8GDM9A0KP042788"})", "INVALID_VIN"},
      {R"({"model":"   "})", "INVALID_MODEL"},
      {R"({"model":null})", "INVALID_MODEL"},
      {R"({"purchase_date":")" + tomorrow + R"("})", "INVALID_PURCHASE_DATE"},
      {R"({"mileage_km":-5})", "INVALID_MILEAGE"},
      {R"({"mileage_km":null})", "INVALID_MILEAGE"},
      {R"({"mileage_km":0,"correction_reason":""})", "INVALID_CORRECTION_REASON"},
      {R"({"mileage_km":0,"correction_reason":7})", "INVALID_CORRECTION_REASON"},
      // One bad field spoils the good ones beside it.
      {R"({"model":"fine","mileage_km":50000,"plate":"京A1234O"})", "INVALID_PLATE"},
      {R"({"member_id":1})", "UNKNOWN_FIELD"},
  };
  for (const auto& c : patches) {
    MpReply reply = Patch(alice_, id, c.body);
    EXPECT_EQ(reply.status, 400) << c.body << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body;
  }
  MpReply bad_id = Patch(alice_, 0, R"({"model":"x"})");
  EXPECT_EQ(bad_id.code(), "INVALID_ID");
  EXPECT_EQ(Send("DELETE", "/api/mp/vehicles/abc", alice_.token).code(), "INVALID_ID");
  EXPECT_EQ(Snapshot(), before);
  // Today (Beijing) is not in the future.
  EXPECT_EQ(Patch(alice_, id, R"({"purchase_date":")" + BeijingDay(0) + R"("})").status, 200);
}

TEST_P(MpVehiclesTest, AHugeBodyIsRefusedBeforeAnythingIsRead) {
  const std::string before = Snapshot();
  const std::string huge =
      R"({"plate":"京B12345","model":")" + std::string(2 * 1024 * 1024, 'm') + R"("})";
  MpReply reply = Add(alice_, huge);
  EXPECT_EQ(reply.status, 413) << reply.body.substr(0, 200);
  EXPECT_EQ(reply.code(), "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(MpVehiclesTest, MileageOnlyGrowsUnlessACorrectionIsRecorded) {
  MpReply added = Add(alice_, R"({"plate":"京A12345","model":"x","mileage_km":30000})");
  ASSERT_EQ(added.status, 201) << added.body;
  const int64_t id = added.json["id"].GetInt64();
  const std::string before = Snapshot();
  MpReply lower = Patch(alice_, id, R"({"mileage_km":29999,"model":"changed too"})");
  EXPECT_EQ(lower.status, 400) << lower.body;
  EXPECT_EQ(lower.code(), "CORRECTION_REASON_REQUIRED");
  EXPECT_EQ(Snapshot(), before) << "nothing of the patch was applied";

  MpReply up = Patch(alice_, id, R"({"mileage_km":31000,"correction_reason":"ignored"})");
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(up.json["mileage_km"].GetInt64(), 31000);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM vehicle_mileage_corrections"), 0)
      << "a reading that goes up is no correction";

  clock_.Advance(hours(2));
  MpReply corrected = Patch(
      alice_, id, R"({"mileage_km":1200,"correction_reason":"  仪表更换 odometer replaced "})");
  ASSERT_EQ(corrected.status, 200) << corrected.body;
  EXPECT_EQ(corrected.json["mileage_km"].GetInt64(), 1200);
  EXPECT_EQ(Stored(id).mileage_km, 1200);
  {
    Result<db::PooledConnection> conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT vehicle_id, from_km, to_km, reason, corrected_at FROM "
        "vehicle_mileage_corrections");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].Int(0), id);
    EXPECT_EQ((*rows)[0].Int(1), 31000);
    EXPECT_EQ((*rows)[0].Int(2), 1200);
    EXPECT_EQ((*rows)[0].Text(3), "仪表更换 odometer replaced");
    EXPECT_EQ((*rows)[0].Int(4), UnixSeconds(clock_.Now()));
  }

  // Deleting the vehicle deletes its corrections.
  ASSERT_EQ(Send("DELETE", Path(id), alice_.token).status, 204);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM vehicle_mileage_corrections"), 0);
}

TEST_P(MpVehiclesTest, APlateIsHeldByOneVehicleOfTheBrand) {
  const int64_t first = Added(alice_, kPlate);
  const int64_t second = Added(alice_, "京B12345");
  ASSERT_NE(first, 0);
  ASSERT_NE(second, 0);
  const std::string before = Snapshot();
  // The same plate however it is written: another member, the same member, or a change.
  for (const auto& [member, body] : std::vector<std::pair<Member*, std::string>>{
           {&bob_, R"({"plate":"京a·12345","model":"x"})"},
           {&alice_, R"({"plate":"京A 12345","model":"x"})"}}) {
    MpReply reply = Add(*member, body);
    EXPECT_EQ(reply.status, 409) << body << ": " << reply.body;
    EXPECT_EQ(reply.code(), "VEHICLE_EXISTS");
  }
  MpReply moved = Patch(alice_, second, R"({"plate":"京A12345","model":"y"})");
  EXPECT_EQ(moved.status, 409) << moved.body;
  EXPECT_EQ(moved.code(), "VEHICLE_EXISTS");
  EXPECT_EQ(Snapshot(), before);
  // A member of another brand may hold the same plate.
  const int64_t other_brand =
      MustOk(app().org().hierarchy().CreateBrand(org::Actor::System("test"), "Other")).path.id();
  int64_t stranger = 0;
  ASSERT_TRUE(
      db::InTransaction(app().db(), [&](db::Connection& conn) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(
            members::Enrollment enrolled,
            members::MemberStore(conn, random_)
                .FindOrEnroll({other_brand, "wx1234567890abcdef", "openid-stranger", std::nullopt},
                              "silver", "console", 0, UnixSeconds(clock_.Now())));
        stranger = enrolled.member.id;
        return Status::Ok();
      }).ok());
  std::chrono::seconds retry_after{0};
  Result<members::OwnVehicle> elsewhere = app().vehicles().Add(
      {stranger, other_brand}, {"京a12345", std::nullopt, "x", std::nullopt, 0},
      UnixSeconds(clock_.Now()), &retry_after);
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status().ToString();
  EXPECT_EQ(elsewhere->plate, kPlate);
  // Nor does the owner's brand come from anywhere but the session: a member of one brand
  // cannot add under another.
  EXPECT_EQ(app()
                .vehicles()
                .Add({alice_.id, other_brand}, {"京C12345", std::nullopt, "x", std::nullopt, 0},
                     UnixSeconds(clock_.Now()), &retry_after)
                .status()
                .reason(),
            "MEMBER_NOT_FOUND");
}

TEST_P(MpVehiclesTest, AMemberHoldsAtMostTenVehicles) {
  const std::vector<std::string> plates = {"京A10001", "京A10002", "京A10003", "京A10004",
                                           "京A10005", "京A10006", "京A10007", "京A10008",
                                           "京A10009", "京A10010"};
  for (const std::string& plate : plates) ASSERT_NE(Added(alice_, plate), 0) << plate;
  clock_.Advance(hours(1));  // past the hour's 10 adds (mp_limits_test.cc): the holding limit
  const std::string before = Snapshot();
  MpReply eleventh = Add(alice_, R"({"plate":"京A10011","model":"x"})");
  EXPECT_EQ(eleventh.status, 409) << eleventh.body;
  EXPECT_EQ(eleventh.code(), "VEHICLE_LIMIT");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Send("GET", "/api/mp/vehicles", alice_.token).json["items"].Size(), 10u);
  EXPECT_NE(Added(bob_, "京A10011"), 0) << "the limit is per member";
}

// Concurrent adds: the limit and the plate's uniqueness hold in the database, not in a read
// before the write.
TEST_P(MpVehiclesTest, ConcurrentAddsKeepTheLimitAndOnePlateHolder) {
  // Five held, then nine racing for the five places left in a new hour (an hour admits 10 adds
  // of a member: mp_limits_test.cc).
  for (int i = 0; i < 5; ++i) ASSERT_NE(Added(alice_, "京A3100" + std::to_string(i)), 0);
  clock_.Advance(hours(1));
  constexpr int kAdds = 9;
  std::vector<MpReply> replies(kAdds);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAdds; ++i) {
    threads.emplace_back([&, i] {
      replies[static_cast<size_t>(i)] =
          Add(alice_, R"({"plate":"京A2)" + std::to_string(1000 + i) + R"(","model":"x"})");
    });
  }
  for (std::thread& t : threads) t.join();
  int created = 0;
  for (const MpReply& reply : replies) {
    if (reply.status == 201) {
      ++created;
    } else {
      EXPECT_EQ(reply.code(), "VEHICLE_LIMIT") << reply.body;
    }
  }
  EXPECT_EQ(created, 5);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM vehicles WHERE member_id = " + std::to_string(alice_.id)),
            10);

  // Two members race for one plate: one holds it.
  MpReply a, b;
  std::thread first([&] { a = Add(bob_, R"({"plate":"京C54321","model":"x"})"); });
  std::thread second([&] { b = Add(SignIn("carol"), R"({"plate":"京c·54321","model":"x"})"); });
  first.join();
  second.join();
  EXPECT_EQ((a.status == 201) + (b.status == 201), 1) << a.body << " / " << b.body;
  EXPECT_EQ((a.code() == "VEHICLE_EXISTS") + (b.code() == "VEHICLE_EXISTS"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM vehicles WHERE member_id <> " + std::to_string(alice_.id)),
            1);
}

// "%E4%BA%AC..." for a query parameter.
std::string UrlEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

TEST_P(MpVehiclesTest, StaffFindAMemberByPlateOnlyWhereTheySeeThem) {
  ASSERT_NE(Added(alice_, kPlate), 0);
  Pay("alice", 8800);  // alice paid at the fixture's store: its dealer's staff see her
  const org::Actor op = org::Actor::System("test");
  org::OrgModule& org = app().org();
  const int64_t region =
      MustOk(org.hierarchy().Create(op, org::NodeType::kRegion, brand_, "R2")).path.id();
  const int64_t far_dealer =
      MustOk(org.hierarchy().Create(op, org::NodeType::kDealer, region, "D2")).path.id();
  MustOk(org.staff().Create(op, {"near", kPassword, "store_clerk", "store", store_}));
  MustOk(org.staff().Create(op, {"far", kPassword, "dealer_manager", "dealer", far_dealer}));
  auto token_of = [&](const std::string& username) {
    httplib::Result res = server_->Client()->Post(
        "/api/console/login",
        R"({"username":")" + username + R"(","password":")" + kPassword + R"("})",
        "application/json");
    EXPECT_TRUE(res && res->status == 200) << username;
    rapidjson::Document json;
    if (res) json.Parse(res->body.c_str());
    return json.IsObject() && json.HasMember("token") ? std::string(json["token"].GetString())
                                                      : std::string();
  };
  auto search = [&](const std::string& token, const std::string& q) {
    httplib::Headers headers = {{"Authorization", "Bearer " + token}};
    httplib::Result res =
        server_->Client()->Get(("/api/console/members?q=" + UrlEncode(q)).c_str(), headers);
    MpReply reply;
    if (!res) return reply;
    reply.status = res->status;
    reply.body = res->body;
    reply.json.Parse(reply.body.c_str());
    return reply;
  };
  const std::string admin = StaffToken();
  const std::string near = token_of("near");
  const std::string far = token_of("far");

  for (const std::string& token : {admin, near}) {
    for (const std::string q : {"京A12345", "京a·12345", "京A 123 45"}) {
      MpReply found = search(token, q);
      ASSERT_EQ(found.status, 200) << q << ": " << found.body;
      ASSERT_EQ(found.json["items"].Size(), 1u) << q;
      EXPECT_EQ(found.json["items"][0]["id"].GetInt64(), alice_.id);
      EXPECT_EQ(found.body.find("12345"), std::string::npos) << "no plate in clear";
    }
  }
  MpReply hidden = search(far, kPlate);
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  EXPECT_EQ(hidden.json["items"].Size(), 0u) << "another dealer's staff do not see alice";
  MpReply nobody = search(admin, "京A54321");
  ASSERT_EQ(nobody.status, 200);
  EXPECT_EQ(nobody.json["items"].Size(), 0u);
  MpReply bad = search(admin, "京A1234O");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Text("code"), "INVALID_PLATE");

  // The profile shows her vehicles masked.
  httplib::Headers headers = {{"Authorization", "Bearer " + admin}};
  httplib::Result profile = server_->Client()->Get(
      ("/api/console/members/" + std::to_string(alice_.id)).c_str(), headers);
  ASSERT_TRUE(profile && profile->status == 200);
  rapidjson::Document json;
  json.Parse(profile->body.c_str());
  ASSERT_TRUE(json.HasMember("vehicles")) << profile->body;
  ASSERT_EQ(json["vehicles"].Size(), 1u);
  EXPECT_STREQ(json["vehicles"][0]["plate"].GetString(), "京A·***45");
  EXPECT_TRUE(json["vehicles"][0]["vin"].IsNull());
  EXPECT_EQ(profile->body.find("12345"), std::string::npos);
}

MILEAGE_MP_TEST_SUITE(MpVehiclesTest);

}  // namespace
}  // namespace mileage::testing
