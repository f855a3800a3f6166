// Reschedule, cancel and check-in rules over HTTP (docs/API.md, "Appointments") with the store's
// cutoff, each refusal's code and the seats after it; and the reminder job: one
// appointment.reminder per appointment of the next Beijing day, however often and however
// concurrently it runs.
#include <vector>

#include "care/reminder_job.h"
#include "server/jobs.h"
#include "tests/integration/care/care_fixture.h"
#include "tests/support/together.h"

namespace mileage::testing {
namespace {

class CareRulesTest : public CareTest {
 protected:
  void SetUp() override {
    CareTest::SetUp();
    if (server_ == nullptr || HasFatalFailure()) return;
    PutSchedule(store_, 2, 120);
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
    alice_car_ = AddVehicle(alice_, "京A12345");
    bob_car_ = AddVehicle(bob_, "京A54321");
  }

  int64_t Seats(int64_t slot) {
    return Scalar("SELECT booked FROM care_slots WHERE id = " + std::to_string(slot));
  }
  int64_t BookedId(const SignedIn& member, int64_t slot, int64_t car) {
    MpReply reply = Book(member, slot, car);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.status == 201 ? reply.json["id"].GetInt64() : 0;
  }
  int64_t Reminders() {
    return Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'appointment.reminder'");
  }

  SignedIn alice_, bob_;
  int64_t alice_car_ = 0, bob_car_ = 0;
};

TEST_P(CareRulesTest, RescheduleMovesTheSeatWithinTheRules) {
  BuildOtherTenants();
  const int64_t ten = MakeSlot(store_, Bj(1, 10), 2);
  const int64_t eleven = MakeSlot(store_, Bj(1, 11), 2);
  const int64_t single = MakeSlot(store_, Bj(1, 12), 1);
  const int64_t wash_only = MakeSlot(store_, Bj(1, 13), 2, R"(["wash"])");
  Result<care::Slot> elsewhere =
      app().care().schedules().CreateSlot(org::Actor::System("test"), other_store_,
                                          care::NewSlot{Bj(1, 10), 60, 2, {"maintenance"}}, Now());
  ASSERT_TRUE(elsewhere.ok());
  const int64_t id = BookedId(alice_, ten, alice_car_);
  ASSERT_NE(BookedId(bob_, single, bob_car_), 0);

  const auto before = CareWritten();
  const struct {
    int64_t slot;
    int status;
    const char* code;
  } refused[] = {
      {ten, 409, "SAME_SLOT"},
      {single, 409, "SLOT_FULL"},
      {wash_only, 409, "SERVICE_NOT_OFFERED"},
      {elsewhere->id, 409, "SLOT_OTHER_STORE"},
      {foreign_slot_, 404, "SLOT_NOT_FOUND"},
      {999999, 404, "SLOT_NOT_FOUND"},
  };
  for (const auto& c : refused) {
    MpReply reply = Reschedule(alice_, id, c.slot);
    EXPECT_EQ(reply.status, c.status) << c.slot << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.slot;
  }
  MpReply not_hers = Reschedule(bob_, id, eleven);
  EXPECT_EQ(not_hers.status, 404);
  EXPECT_EQ(not_hers.code(), "APPOINTMENT_NOT_FOUND");
  EXPECT_EQ(CareWritten(), before);

  MpReply moved = Reschedule(alice_, id, eleven);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json["slot_id"].GetInt64(), eleven);
  EXPECT_EQ(moved.Text("starts_at"), civil::FormatRfc3339Utc(Bj(1, 11)));
  EXPECT_EQ(Seats(ten), 0);
  EXPECT_EQ(Seats(eleven), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'appointment.rescheduled'"),
            1);
  // A slot that has started cannot be booked or moved to.
  const int64_t soon = MakeSlot(store_, Bj(0, 9), 2);
  SetNow(Bj(0, 9, 1));
  MpReply past = Reschedule(alice_, id, soon);
  EXPECT_EQ(past.status, 409) << past.body;
  EXPECT_EQ(past.code(), "SLOT_STARTED");
  MpReply past_booking = Book(bob_, soon, bob_car_);
  EXPECT_EQ(past_booking.code(), "SLOT_STARTED");
}

TEST_P(CareRulesTest, ChangesEndAtTheStoresCutoff) {
  const int64_t ten = MakeSlot(store_, Bj(1, 10), 2);
  const int64_t eleven = MakeSlot(store_, Bj(1, 11), 2);
  const int64_t a = BookedId(alice_, ten, alice_car_);
  const int64_t b = BookedId(bob_, eleven, bob_car_);
  // 120 minutes before 11:00 is the last second bob may cancel; alice's 10:00 is past hers.
  SetNow(Bj(1, 9));
  const auto before = CareWritten();
  MpReply late_cancel = Cancel(alice_, a);
  EXPECT_EQ(late_cancel.status, 409) << late_cancel.body;
  EXPECT_EQ(late_cancel.code(), "CHANGE_CUTOFF_PASSED");
  MpReply late_move = Reschedule(alice_, a, eleven);
  EXPECT_EQ(late_move.code(), "CHANGE_CUTOFF_PASSED");
  EXPECT_EQ(CareWritten(), before);
  MpReply in_time = Cancel(bob_, b);
  ASSERT_EQ(in_time.status, 200) << in_time.body;
  EXPECT_EQ(Seats(eleven), 0);
  MpReply twice = Cancel(bob_, b);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.code(), "APPOINTMENT_CANCELLED");
  // A member cannot cancel another member's appointment.
  MpReply not_his = Cancel(bob_, a);
  EXPECT_EQ(not_his.status, 404);
  EXPECT_EQ(not_his.code(), "APPOINTMENT_NOT_FOUND");
  EXPECT_EQ(Seats(ten), 1);
}

TEST_P(CareRulesTest, CheckInTakesTheMembersCodeOnTheDay) {
  const int64_t ten = MakeSlot(store_, Bj(1, 10), 2);
  const int64_t id = BookedId(alice_, ten, alice_car_);
  const auto before = CareWritten();
  MpReply early = CheckIn(id, alice_);  // Monday, the appointment is on Tuesday
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(early.code(), "NOT_APPOINTMENT_DAY");
  MpReply not_checked_in = Complete(id);
  EXPECT_EQ(not_checked_in.code(), "NOT_CHECKED_IN");
  EXPECT_EQ(CareWritten(), before);
  SetNow(Bj(1, 9, 40));
  staff_ = StaffToken();
  const auto on_the_day = CareWritten();
  MpReply wrong = CheckIn(id, bob_);
  EXPECT_EQ(wrong.status, 409) << wrong.body;
  EXPECT_EQ(wrong.code(), "WRONG_MEMBER");
  MpReply forged = Console("POST", "/api/console/appointments/" + std::to_string(id) + "/check-in",
                           R"({"member_code":"mc2.forged"})");
  EXPECT_EQ(forged.status, 400) << forged.body;
  EXPECT_EQ(forged.code(), "INVALID_MEMBER_CODE");
  EXPECT_EQ(CareWritten(), on_the_day);
  MpReply arrived = CheckIn(id, alice_);
  ASSERT_EQ(arrived.status, 200) << arrived.body;
  EXPECT_EQ(arrived.Text("state"), "checked_in");
  EXPECT_EQ(arrived.Text("checked_in_at"), civil::FormatRfc3339Utc(Bj(1, 9, 40)));
  MpReply again = CheckIn(id, alice_);
  EXPECT_EQ(again.code(), "APPOINTMENT_CHECKED_IN");
  // Checked in: the member can no longer cancel; completion without a coupon redeems nothing.
  EXPECT_EQ(Cancel(alice_, id).code(), "APPOINTMENT_CHECKED_IN");
  MpReply done = Complete(id);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_TRUE(done.json["redemption_id"].IsNull());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupon_redemptions"), 0);
  EXPECT_EQ(Seats(ten), 1) << "a completed visit keeps its seat";
  // The day's list at the store shows it.
  MpReply day = Console("GET", "/api/console/stores/" + std::to_string(store_) + "/appointments");
  ASSERT_EQ(day.status, 200) << day.body;
  ASSERT_EQ(day.json["total"].GetInt64(), 1);
  EXPECT_EQ(day.json["items"][0]["state"].GetString(), std::string("completed"));
  MpReply other_day = Console(
      "GET", "/api/console/stores/" + std::to_string(store_) + "/appointments?day=2030-01-07");
  EXPECT_EQ(other_day.json["total"].GetInt64(), 0);
}

// Tomorrow (Tuesday) holds three booked appointments and a cancelled one; Thursday one more.
TEST_P(CareRulesTest, EachAppointmentIsRemindedOnce) {
  const int64_t ten = MakeSlot(store_, Bj(1, 10), 2);
  const int64_t eleven = MakeSlot(store_, Bj(1, 11), 2);
  const int64_t thursday = MakeSlot(store_, Bj(3, 10), 2);
  SignedIn carol = SignIn("carol");
  SignedIn dave = SignIn("dave");
  const int64_t carol_car = AddVehicle(carol, "京A11111");
  const int64_t dave_car = AddVehicle(dave, "京A22222");
  const int64_t a = BookedId(alice_, ten, alice_car_);
  BookedId(bob_, ten, bob_car_);
  BookedId(carol, eleven, carol_car);
  ASSERT_EQ(Cancel(dave, BookedId(dave, eleven, dave_car)).status, 200);
  BookedId(dave, thursday, dave_car);

  SetNow(Bj(0, 20));
  // Two runs at once (as two `mileage jobs` processes would), then one more, in batches of 2.
  std::vector<int64_t> done(2, -1);
  RunTogether(2, [&](int i) {
    Result<int64_t> n = care::RunAppointmentReminders(app().db(), Now(), 2);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    done[i] = n.ok() ? *n : -1;
  });
  EXPECT_EQ(done[0] + done[1], 3);
  Result<server::JobsReport> scheduled = server::RunMembershipJobs(app().db(), config_, clock_);
  ASSERT_TRUE(scheduled.ok()) << scheduled.status().ToString();
  EXPECT_EQ(scheduled->appointment_reminders, 0);
  EXPECT_EQ(Reminders(), 3);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_appointments WHERE reminded_at IS NOT NULL"), 3);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'appointment.reminder' AND "
                   "aggregate_ref = '" +
                   std::to_string(a) + "'"),
            1);

  // On Wednesday only Thursday's appointment is due, once.
  SetNow(Bj(2, 7));
  EXPECT_EQ(*care::RunAppointmentReminders(app().db(), Now(), 2), 1);
  EXPECT_EQ(*care::RunAppointmentReminders(app().db(), Now(), 2), 0);
  EXPECT_EQ(Reminders(), 4);
}

MILEAGE_MP_TEST_SUITE(CareRulesTest);

}  // namespace
}  // namespace mileage::testing
