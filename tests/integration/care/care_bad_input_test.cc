// Bad input on every appointment route (docs/API.md, "Appointments"): malformed or missing
// fields, huge bodies, past slots, other tenants' stores and slots, other members' appointments,
// vehicles and coupons, no session, the wrong kind of token and roles without the action. Each
// gets its stable code and writes nothing (a refused console write is only on record as denied).
#include <string>
#include <vector>

#include "tests/integration/care/care_fixture.h"

namespace mileage::testing {
namespace {

struct Case {
  std::string method;
  std::string path;
  std::string body;
  int status;
  std::string code;
};

class CareBadInputTest : public CareTest {
 protected:
  void SetUp() override {
    CareTest::SetUp();
    if (server_ == nullptr || HasFatalFailure()) return;
    BuildOtherTenants();
    PutSchedule(store_);
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
    alice_car_ = AddVehicle(alice_, "京A12345");
    bob_car_ = AddVehicle(bob_, "京A54321");
    slot_ = MakeSlot(store_, Bj(1, 10), 2);
    MpReply booked = Book(bob_, slot_, bob_car_);
    ASSERT_EQ(booked.status, 201) << booked.body;
    bobs_appointment_ = booked.json["id"].GetInt64();
  }

  void Expect(const std::vector<Case>& cases, const std::string& token) {
    const auto before = CareWritten();
    for (const Case& c : cases) {
      MpReply reply = Send(c.method, c.path, token, c.body);
      EXPECT_EQ(reply.status, c.status) << c.method << " " << c.path << " " << c.body.substr(0, 80)
                                        << ": " << reply.body.substr(0, 200);
      EXPECT_EQ(reply.code(), c.code) << c.method << " " << c.path << " " << c.body.substr(0, 80);
    }
    EXPECT_EQ(CareWritten(), before);
  }

  std::string Store(int64_t id, const std::string& rest) {
    return "/api/console/stores/" + std::to_string(id) + rest;
  }
  std::string Appointment(int64_t id, const std::string& rest) {
    return "/api/console/appointments/" + std::to_string(id) + rest;
  }
  std::string BookBody(int64_t slot, int64_t car, const std::string& extra = "") {
    return R"({"slot_id":)" + std::to_string(slot) + R"(,"vehicle_id":)" + std::to_string(car) +
           R"(,"service_type":"maintenance")" + extra + "}";
  }

  SignedIn alice_, bob_;
  int64_t alice_car_ = 0, bob_car_ = 0, slot_ = 0, bobs_appointment_ = 0;
  const std::string huge_ = R"({"x":")" + std::string(2 << 20, 'a') + R"("})";
};

TEST_P(CareBadInputTest, MemberRoutes) {
  const std::string slots = "/api/mp/stores/" + std::to_string(store_) + "/slots";
  const std::string mine = "/api/mp/appointments/" + std::to_string(bobs_appointment_);
  const int64_t past = MakeSlot(store_, Bj(0, 9), 2);
  SetNow(Bj(0, 9, 30));
  const auto [bobs_coupon, code] = Claim(bob_, NewStock());
  Expect(
      {
          {"GET", slots + "?from=2030-01-32", "", 400, "INVALID_FIELD"},
          {"GET", slots + "?from=2030-01-09&to=2030-01-08", "", 400, "INVALID_FIELD"},
          {"GET", slots + "?from=2030-01-01&to=2030-03-01", "", 400, "INVALID_FIELD"},
          {"GET", "/api/mp/stores/abc/slots", "", 400, "INVALID_ID"},
          {"GET", "/api/mp/stores/" + std::to_string(foreign_store_) + "/slots", "", 404,
           "NOT_FOUND"},
          {"GET", "/api/mp/stores/999999/slots", "", 404, "NOT_FOUND"},
          {"POST", "/api/mp/appointments", "", 400, "MALFORMED_JSON"},
          {"POST", "/api/mp/appointments", "[]", 400, "BODY_NOT_OBJECT"},
          {"POST", "/api/mp/appointments", "{}", 400, "MISSING_FIELD"},
          {"POST", "/api/mp/appointments", huge_, 413, "PAYLOAD_TOO_LARGE"},
          {"POST", "/api/mp/appointments", BookBody(slot_, alice_car_, R"(,"member_id":1)"), 400,
           "UNKNOWN_FIELD"},
          {"POST", "/api/mp/appointments",
           R"({"slot_id":"1","vehicle_id":1,"service_type":"wash"})", 400, "INVALID_ID"},
          {"POST", "/api/mp/appointments", BookBody(-1, alice_car_), 400, "INVALID_ID"},
          {"POST", "/api/mp/appointments", BookBody(slot_, 0), 400, "INVALID_ID"},
          {"POST", "/api/mp/appointments", BookBody(slot_, alice_car_, R"(,"coupon_id":0)"), 400,
           "INVALID_ID"},
          {"POST", "/api/mp/appointments",
           R"({"slot_id":1,"vehicle_id":1,"service_type":"Oil Change"})", 400,
           "INVALID_SERVICE_TYPE"},
          {"POST", "/api/mp/appointments", BookBody(999999, alice_car_), 404, "SLOT_NOT_FOUND"},
          {"POST", "/api/mp/appointments", BookBody(foreign_slot_, alice_car_), 404,
           "SLOT_NOT_FOUND"},
          {"POST", "/api/mp/appointments", BookBody(past, alice_car_), 409, "SLOT_STARTED"},
          {"POST", "/api/mp/appointments", BookBody(slot_, bob_car_), 404, "VEHICLE_NOT_FOUND"},
          {"POST", "/api/mp/appointments",
           BookBody(slot_, alice_car_, R"(,"coupon_id":)" + std::to_string(bobs_coupon)), 404,
           "COUPON_NOT_FOUND"},
          {"GET", "/api/mp/appointments?page=0", "", 400, "INVALID_PAGE"},
          {"GET", mine, "", 404, "APPOINTMENT_NOT_FOUND"},
          {"GET", "/api/mp/appointments/x", "", 400, "INVALID_ID"},
          {"POST", mine + "/reschedule", R"({"slot_id":)" + std::to_string(slot_) + "}", 404,
           "APPOINTMENT_NOT_FOUND"},
          {"POST", mine + "/reschedule", "{}", 400, "MISSING_FIELD"},
          {"POST", mine + "/reschedule", huge_, 413, "PAYLOAD_TOO_LARGE"},
          {"POST", mine + "/cancel", "", 404, "APPOINTMENT_NOT_FOUND"},
          {"POST", "/api/mp/appointments/0/cancel", "", 400, "INVALID_ID"},
      },
      alice_.token);
  // Alice's own list holds nothing of bob's.
  MpReply list = Send("GET", "/api/mp/appointments", alice_.token);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json["total"].GetInt64(), 0);
  EXPECT_EQ(Send("GET", "/api/mp/appointments", bob_.token).json["total"].GetInt64(), 1);
}

TEST_P(CareBadInputTest, ConsoleRoutes) {
  const std::string schedule = Store(store_, "/schedule");
  const std::string generate = Store(store_, "/slots/generate");
  const std::string slots = Store(store_, "/slots");
  auto hours = [](const std::string& list) {
    return R"({"hours":)" + list + R"(,"slot_minutes":60,"capacity":2,"service_types":["wash"]})";
  };
  const std::string week = R"(["09:00-18:00","","","","","",""])";
  auto with = [&](const std::string& field) { return R"({"hours":)" + week + "," + field + "}"; };
  Expect(
      {
          {"PUT", schedule, "", 400, "MALFORMED_JSON"},
          {"PUT", schedule, huge_, 413, "PAYLOAD_TOO_LARGE"},
          {"PUT", schedule, "{}", 400, "MISSING_FIELD"},
          {"PUT", schedule, hours(R"(["09:00-18:00"])"), 400, "INVALID_HOURS"},
          {"PUT", schedule, hours(R"(["25:00-26:00","","","","","",""])"), 400, "INVALID_HOURS"},
          {"PUT", schedule, hours(R"(["18:00-09:00","","","","","",""])"), 400, "INVALID_HOURS"},
          {"PUT", schedule, hours(R"(["","","","","","",""])"), 400, "INVALID_HOURS"},
          {"PUT", schedule, hours(R"([1,2,3,4,5,6,7])"), 400, "INVALID_FIELD"},
          {"PUT", schedule, with(R"("slot_minutes":5,"capacity":2,"service_types":["wash"])"), 400,
           "INVALID_SLOT_MINUTES"},
          {"PUT", schedule, with(R"("slot_minutes":60,"capacity":0,"service_types":["wash"])"), 400,
           "INVALID_CAPACITY"},
          {"PUT", schedule, with(R"("slot_minutes":60,"capacity":2,"service_types":[])"), 400,
           "INVALID_SERVICE_TYPE"},
          {"PUT", schedule,
           with(R"("slot_minutes":60,"capacity":2,"service_types":["wash","wash"])"), 400,
           "INVALID_SERVICE_TYPE"},
          {"PUT", schedule,
           with(R"("slot_minutes":60,"capacity":2,"service_types":["wash"],"cutoff_minutes":-1)"),
           400, "INVALID_CUTOFF"},
          {"PUT", schedule,
           with(R"("slot_minutes":60,"capacity":2,"service_types":["wash"],)"
                R"("holidays":["2030-02-30"])"),
           400, "INVALID_HOLIDAY"},
          {"PUT", Store(999999, "/schedule"), hours(week), 404, "NOT_FOUND"},
          {"GET", Store(other_store_, "/schedule"), "", 404, "SCHEDULE_NOT_FOUND"},
          {"POST", generate, R"({"from":"2030-01-08"})", 400, "MISSING_FIELD"},
          {"POST", generate, R"({"from":"2030-01-09","to":"2030-01-08"})", 400, "INVALID_FIELD"},
          {"POST", generate, R"({"from":"2030-01-06","to":"2030-01-08"})", 400, "INVALID_FIELD"},
          {"POST", generate, R"({"from":"2030-01-08","to":"2030-06-08"})", 400, "INVALID_FIELD"},
          {"POST", Store(other_store_, "/slots/generate"),
           R"({"from":"2030-01-08","to":"2030-01-08"})", 404, "SCHEDULE_NOT_FOUND"},
          {"POST", slots, R"({"duration_minutes":60,"capacity":1,"service_types":["wash"]})", 400,
           "MISSING_FIELD"},
          {"POST", slots,
           R"({"starts_at":"tomorrow","duration_minutes":60,"capacity":1,"service_types":["wash"]})",
           400, "INVALID_FIELD"},
          {"POST", slots,
           R"({"starts_at":")" + civil::FormatRfc3339Utc(Bj(0, 7)) +
               R"(","duration_minutes":60,"capacity":1,"service_types":["wash"]})",
           400, "SLOT_IN_PAST"},
          {"POST", slots,
           R"({"starts_at":")" + civil::FormatRfc3339Utc(Bj(1, 10)) +
               R"(","duration_minutes":60,"capacity":1,"service_types":["wash"]})",
           409, "SLOT_EXISTS"},
          {"POST", slots,
           R"({"starts_at":")" + civil::FormatRfc3339Utc(Bj(1, 12)) +
               R"(","duration_minutes":600,"capacity":1,"service_types":["wash"]})",
           400, "INVALID_SLOT_MINUTES"},
          {"GET", slots + "?to=2030-13-01", "", 400, "INVALID_FIELD"},
          {"GET", Store(store_, "/appointments?day=monday"), "", 400, "INVALID_FIELD"},
          {"GET", Store(store_, "/appointments?page_size=500"), "", 400, "INVALID_PAGE"},
          {"POST", Appointment(bobs_appointment_, "/check-in"), "{}", 400, "MISSING_FIELD"},
          {"POST", Appointment(bobs_appointment_, "/check-in"), R"({"member_code":7})", 400,
           "INVALID_FIELD"},
          {"POST", Appointment(bobs_appointment_, "/check-in"), huge_, 413, "PAYLOAD_TOO_LARGE"},
          {"POST", Appointment(999999, "/check-in"), R"({"member_code":"x"})", 404,
           "APPOINTMENT_NOT_FOUND"},
          {"POST", Appointment(999999, "/complete"), "", 404, "APPOINTMENT_NOT_FOUND"},
          {"POST", Appointment(999999, "/cancel"), "", 404, "APPOINTMENT_NOT_FOUND"},
          {"POST", "/api/console/appointments/-3/cancel", "", 400, "INVALID_ID"},
          {"POST", Appointment(bobs_appointment_, "/complete"), "", 409, "NOT_CHECKED_IN"},
          {"POST", "/api/console/appointments/abc/complete", "", 400, "INVALID_ID"},
      },
      staff_);
}

TEST_P(CareBadInputTest, NoSessionWrongTokensRolesAndOtherDealers) {
  AddStaff("clerk", "store_clerk", "store", store_);
  AddStaff("analyst", "analyst", "brand", brand_);
  const std::string clerk = StaffLogin("clerk");
  const std::string analyst = StaffLogin("analyst");
  const std::string other = StaffLogin("other_manager");
  const std::string put = ScheduleBody();
  const std::string generate = R"({"from":"2030-01-08","to":"2030-01-08"})";
  const std::string slot = R"({"starts_at":")" + civil::FormatRfc3339Utc(Bj(2, 15)) +
                           R"(","duration_minutes":60,"capacity":1,"service_types":["wash"]})";
  const std::string mine = "/api/mp/appointments/" + std::to_string(bobs_appointment_);
  const std::vector<Case> member_routes = {
      {"GET", "/api/mp/stores/" + std::to_string(store_) + "/slots", "", 0, ""},
      {"POST", "/api/mp/appointments", BookBody(slot_, alice_car_), 0, ""},
      {"GET", "/api/mp/appointments", "", 0, ""},
      {"GET", mine, "", 0, ""},
      {"POST", mine + "/reschedule", R"({"slot_id":1})", 0, ""},
      {"POST", mine + "/cancel", "", 0, ""},
  };
  const std::vector<Case> console_routes = {
      {"GET", Store(store_, "/schedule"), "", 0, ""},
      {"PUT", Store(store_, "/schedule"), put, 0, ""},
      {"POST", Store(store_, "/slots/generate"), generate, 0, ""},
      {"POST", Store(store_, "/slots"), slot, 0, ""},
      {"GET", Store(store_, "/slots"), "", 0, ""},
      {"GET", Store(store_, "/appointments"), "", 0, ""},
      {"POST", Appointment(bobs_appointment_, "/check-in"), R"({"member_code":"x"})", 0, ""},
      {"POST", Appointment(bobs_appointment_, "/complete"), "", 0, ""},
      {"POST", Appointment(bobs_appointment_, "/cancel"), "", 0, ""},
  };
  auto all = [](std::vector<Case> cases, int status, const std::string& code) {
    for (Case& c : cases) {
      c.status = status;
      c.code = code;
    }
    return cases;
  };
  Expect(all(member_routes, 401, "MISSING_TOKEN"), "");
  Expect(all(console_routes, 401, "MISSING_TOKEN"), "");
  Expect(all(member_routes, 401, "INVALID_TOKEN"), staff_);
  Expect(all(console_routes, 401, "INVALID_TOKEN"), alice_.token);
  // Roles: clerks neither write schedules nor slots; analysts only read.
  Expect({{"PUT", Store(store_, "/schedule"), put, 403, "PERMISSION_DENIED"},
          {"POST", Store(store_, "/slots/generate"), generate, 403, "PERMISSION_DENIED"},
          {"POST", Store(store_, "/slots"), slot, 403, "PERMISSION_DENIED"}},
         clerk);
  Expect({{"POST", Appointment(bobs_appointment_, "/check-in"), R"({"member_code":"x"})", 403,
           "PERMISSION_DENIED"},
          {"POST", Appointment(bobs_appointment_, "/complete"), "", 403, "PERMISSION_DENIED"},
          {"POST", Appointment(bobs_appointment_, "/cancel"), "", 403, "PERMISSION_DENIED"},
          {"PUT", Store(store_, "/schedule"), put, 403, "PERMISSION_DENIED"}},
         analyst);
  // Another dealer's manager: the store and its appointments do not exist for them.
  std::vector<Case> hidden = all(console_routes, 404, "NOT_FOUND");
  hidden[6].code = hidden[7].code = hidden[8].code = "APPOINTMENT_NOT_FOUND";
  Expect(hidden, other);
  // The clerk reads its own store's day and sees bob's appointment.
  MpReply day = Send("GET", Store(store_, "/appointments?day=2030-01-08"), clerk);
  ASSERT_EQ(day.status, 200) << day.body;
  EXPECT_EQ(day.json["total"].GetInt64(), 1);
}

MILEAGE_MP_TEST_SUITE(CareBadInputTest);

}  // namespace
}  // namespace mileage::testing
