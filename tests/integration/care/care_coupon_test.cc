// A coupon attached to an appointment (docs/API.md, "Appointments"): held until the visit, so
// the counter's redemption refuses it (COUPON_RESERVED) and another booking cannot take it;
// completing the appointment redeems it exactly once, also under repeated and concurrent
// completions, recorded like any redemption at the store; cancelling frees it for the counter.
#include <vector>

#include "tests/integration/care/care_fixture.h"
#include "tests/support/together.h"

namespace mileage::testing {
namespace {

class CareCouponTest : public CareTest {
 protected:
  void SetUp() override {
    CareTest::SetUp();
    if (server_ == nullptr || HasFatalFailure()) return;
    PutSchedule(store_);
    slot_ = MakeSlot(store_, Bj(1, 10), 2);
    other_slot_ = MakeSlot(store_, Bj(1, 11), 2);
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
    alice_car_ = AddVehicle(alice_, "京A12345");
    bob_car_ = AddVehicle(bob_, "京A54321");
    stock_ = NewStock();
  }

  std::string CouponState(int64_t coupon) {
    MpReply reply = Send("GET", "/api/mp/coupons/" + std::to_string(coupon), alice_.token);
    return reply.status == 200 ? reply.Text("state") : reply.body;
  }
  int64_t Redemptions(int64_t coupon) {
    return Scalar("SELECT COUNT(*) FROM coupon_redemptions WHERE coupon_id = " +
                  std::to_string(coupon));
  }

  int64_t slot_ = 0, other_slot_ = 0, alice_car_ = 0, bob_car_ = 0, stock_ = 0;
  SignedIn alice_, bob_;
};

TEST_P(CareCouponTest, AHeldCouponIsRedeemedOnceByTheCompletion) {
  const auto [coupon, code] = Claim(alice_, stock_);
  ASSERT_NE(coupon, 0);
  MpReply booked = Book(alice_, slot_, alice_car_, "wash", coupon);
  ASSERT_EQ(booked.status, 201) << booked.body;
  const int64_t id = booked.json["id"].GetInt64();
  EXPECT_EQ(booked.json["coupon_id"].GetInt64(), coupon);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE id = " + std::to_string(coupon) +
                   " AND reserved_for = 'appointment:" + std::to_string(id) + "'"),
            1);

  // Held: the counter refuses it, another booking cannot take it.
  auto before = CareWritten();
  MpReply counter = RedeemAtCounter(code, store_, "till-1");
  EXPECT_EQ(counter.status, 409) << counter.body;
  EXPECT_EQ(counter.code(), "COUPON_RESERVED");
  MpReply again = Book(alice_, other_slot_, alice_car_, "wash", coupon);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.code(), "COUPON_RESERVED");
  EXPECT_EQ(CareWritten(), before);
  EXPECT_EQ(CouponState(coupon), "issued");

  // The visit: check-in on the day, then completions at once from several desks.
  SetNow(Bj(1, 9, 50));
  staff_ = StaffToken();
  MpReply checked_in = CheckIn(id, alice_);
  ASSERT_EQ(checked_in.status, 200) << checked_in.body;
  EXPECT_EQ(checked_in.Text("state"), "checked_in");
  constexpr int kDesks = 6;
  std::vector<MpReply> replies(kDesks);
  RunTogether(kDesks, [&](int i) { replies[i] = Complete(id); });
  int completed = 0;
  for (const MpReply& r : replies) {
    if (r.status == 200) {
      ++completed;
      EXPECT_EQ(r.Text("state"), "completed");
    } else {
      EXPECT_EQ(r.status, 409) << r.body;
      EXPECT_EQ(r.code(), "APPOINTMENT_COMPLETED") << r.body;
    }
  }
  EXPECT_EQ(completed, 1);
  MpReply repeat = Complete(id);
  EXPECT_EQ(repeat.status, 409) << repeat.body;
  EXPECT_EQ(repeat.code(), "APPOINTMENT_COMPLETED");

  // One redemption, at the store, for the appointment, like any other.
  EXPECT_EQ(Redemptions(coupon), 1);
  EXPECT_EQ(CouponState(coupon), "redeemed");
  const std::string c = std::to_string(coupon);
  EXPECT_EQ(Scalar("SELECT store_id FROM coupon_redemptions WHERE coupon_id = " + c), store_);
  EXPECT_EQ(Scalar("SELECT redemption_id FROM care_appointments WHERE id = " + std::to_string(id)),
            Scalar("SELECT id FROM coupon_redemptions WHERE coupon_id = " + c));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE id = " + c + " AND reserved_for IS NULL"),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.redeemed'"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'appointment.completed'"), 1);
  MpReply store_list =
      Console("GET", "/api/console/stores/" + std::to_string(store_) + "/redemptions");
  ASSERT_EQ(store_list.status, 200) << store_list.body;
  EXPECT_EQ(store_list.json["total"].GetInt64(), 1);
  // The counter now finds it redeemed.
  MpReply late = RedeemAtCounter(code, store_, "till-2");
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(late.code(), "ALREADY_REDEEMED");
}

// The store's day list names the member (number, masked phone), the vehicle (masked plate,
// model) and the coupon (its stock's name) beside the ids.
TEST_P(CareCouponTest, TheDayListDescribesMemberVehicleAndCoupon) {
  ASSERT_EQ(Send("POST", "/api/mp/phone", alice_.token, R"({"code":"phone-13800138000"})").status,
            200);
  const auto [coupon, code] = Claim(alice_, stock_);
  ASSERT_NE(coupon, 0);
  MpReply with_coupon = Book(alice_, slot_, alice_car_, "wash", coupon);
  ASSERT_EQ(with_coupon.status, 201) << with_coupon.body;
  MpReply without = Book(bob_, other_slot_, bob_car_, "wash");
  ASSERT_EQ(without.status, 201) << without.body;
  const auto number_of = [&](int64_t member) {
    Result<db::PooledConnection> conn = app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    Result<std::vector<db::Row>> rows =
        (*conn)->Query("SELECT number FROM members WHERE id = ?", {db::Value(member)});
    EXPECT_TRUE(rows.ok() && rows->size() == 1);
    return rows.ok() && rows->size() == 1 ? (*rows)[0].Text(0) : std::string();
  };

  MpReply day =
      Console("GET", "/api/console/stores/" + std::to_string(store_) +
                         "/appointments?day=" + civil::FormatDate(civil::BeijingDate(Bj(1, 10))));
  ASSERT_EQ(day.status, 200) << day.body;
  ASSERT_EQ(day.json["total"].GetInt64(), 2);
  const auto& first = day.json["items"][0];  // 10:00, alice's
  EXPECT_EQ(first["member_id"].GetInt64(), alice_.id);
  EXPECT_EQ(first["member"]["number"].GetString(), number_of(alice_.id));
  EXPECT_EQ(first["member"]["phone"].GetString(), std::string("138****8000"));
  EXPECT_EQ(first["vehicle_id"].GetInt64(), alice_car_);
  EXPECT_EQ(first["vehicle"]["plate"].GetString(), std::string("京A·***45"));
  EXPECT_EQ(first["vehicle"]["model"].GetString(), std::string("Golf"));
  EXPECT_EQ(first["coupon_id"].GetInt64(), coupon);
  EXPECT_EQ(first["coupon_title"].GetString(), std::string("Free wash"));
  const auto& second = day.json["items"][1];  // 11:00, bob's: no phone, no coupon
  EXPECT_EQ(second["member"]["number"].GetString(), number_of(bob_.id));
  EXPECT_TRUE(second["member"]["phone"].IsNull());
  EXPECT_EQ(second["vehicle"]["plate"].GetString(), std::string("京A·***21"));
  EXPECT_TRUE(second["coupon_id"].IsNull());
  EXPECT_TRUE(second["coupon_title"].IsNull());
  EXPECT_EQ(day.body.find("13800138000"), std::string::npos) << "never the full phone";
  EXPECT_EQ(day.body.find("12345"), std::string::npos) << "never the full plate";
}

TEST_P(CareCouponTest, CancellingFreesTheCouponForTheCounter) {
  const auto [coupon, code] = Claim(alice_, stock_);
  MpReply booked = Book(alice_, slot_, alice_car_, "wash", coupon);
  ASSERT_EQ(booked.status, 201) << booked.body;
  const int64_t id = booked.json["id"].GetInt64();
  MpReply cancelled = Cancel(alice_, id);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Text("state"), "cancelled");
  EXPECT_EQ(Scalar("SELECT booked FROM care_slots WHERE id = " + std::to_string(slot_)), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE reserved_for IS NOT NULL"), 0);
  // Free again: a new booking may hold it, and after that one is cancelled the counter redeems.
  MpReply rebooked = Book(alice_, other_slot_, alice_car_, "wash", coupon);
  ASSERT_EQ(rebooked.status, 201) << rebooked.body;
  ASSERT_EQ(Cancel(alice_, rebooked.json["id"].GetInt64()).status, 200);
  MpReply counter = RedeemAtCounter(code, store_, "till-3");
  ASSERT_EQ(counter.status, 200) << counter.body;
  EXPECT_EQ(Redemptions(coupon), 1);
  EXPECT_EQ(CouponState(coupon), "redeemed");
}

// The member's own coupon routes show the hold: still `issued`, with the holding appointment,
// and no QR token for the counter; cancelling the appointment makes it usable there again.
TEST_P(CareCouponTest, TheMembersCouponListShowsTheHoldUntilTheCancel) {
  const auto [held, code] = Claim(alice_, stock_);
  const int64_t free = Claim(alice_, stock_).first;
  ASSERT_NE(held, 0);
  ASSERT_NE(free, 0);
  MpReply booked = Book(alice_, slot_, alice_car_, "wash", held);
  ASSERT_EQ(booked.status, 201) << booked.body;
  const int64_t id = booked.json["id"].GetInt64();

  // Newest first: `free` then `held`, both issued (also under ?state=issued).
  for (const std::string& path :
       {std::string("/api/mp/coupons"), std::string("/api/mp/coupons?state=issued")}) {
    MpReply list = Send("GET", path, alice_.token);
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(list.json["total"].GetInt64(), 2) << path;
    const auto& items = list.json["items"];
    EXPECT_EQ(items[0]["id"].GetInt64(), free);
    EXPECT_TRUE(items[0]["reserved_for_appointment_id"].IsNull());
    EXPECT_EQ(items[1]["id"].GetInt64(), held);
    EXPECT_EQ(std::string(items[1]["state"].GetString()), "issued");
    EXPECT_EQ(items[1]["reserved_for_appointment_id"].GetInt64(), id);
  }
  MpReply one = Send("GET", "/api/mp/coupons/" + std::to_string(held), alice_.token);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json["reserved_for_appointment_id"].GetInt64(), id);
  // The owner card counts what the counter takes: the free coupon only.
  MpReply card = Send("GET", "/api/mp/card", alice_.token);
  ASSERT_EQ(card.status, 200) << card.body;
  EXPECT_EQ(card.json["coupons"]["usable"].GetInt64(), 1);

  // Not the counter's: no QR token for it (the free one has one).
  MpReply qr = Send("POST", "/api/mp/coupons/" + std::to_string(held) + "/qr", alice_.token);
  EXPECT_EQ(qr.status, 409) << qr.body;
  EXPECT_EQ(qr.code(), "COUPON_RESERVED");
  EXPECT_EQ(Send("POST", "/api/mp/coupons/" + std::to_string(free) + "/qr", alice_.token).status,
            200);
  // Bob sees neither the coupon nor its hold.
  MpReply foreign = Send("GET", "/api/mp/coupons/" + std::to_string(held), bob_.token);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(foreign.code(), "COUPON_NOT_FOUND");

  ASSERT_EQ(Cancel(alice_, id).status, 200);
  MpReply after = Send("GET", "/api/mp/coupons/" + std::to_string(held), alice_.token);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.Text("state"), "issued");
  EXPECT_TRUE(after.json["reserved_for_appointment_id"].IsNull());
  EXPECT_EQ(Send("GET", "/api/mp/card", alice_.token).json["coupons"]["usable"].GetInt64(), 2);
  MpReply usable = Send("POST", "/api/mp/coupons/" + std::to_string(held) + "/qr", alice_.token);
  EXPECT_EQ(usable.status, 200) << usable.body;
  MpReply counter = RedeemAtCounter(code, store_, "till-held");
  EXPECT_EQ(counter.status, 200) << counter.body;
  EXPECT_EQ(CouponState(held), "redeemed");
}

// A member who did not come: the clerk of the store cancels the checked-in or booked visit
// after its start, which the member could no longer do, and the coupon is the counter's again.
TEST_P(CareCouponTest, StaffCancelAMissedVisitAndFreeTheCoupon) {
  AddStaff("clerk", "store_clerk", "store", store_);
  const auto [coupon, code] = Claim(alice_, stock_);
  MpReply booked = Book(alice_, slot_, alice_car_, "wash", coupon);
  ASSERT_EQ(booked.status, 201) << booked.body;
  const int64_t id = booked.json["id"].GetInt64();
  SetNow(Bj(1, 12));
  const std::string clerk = StaffLogin("clerk");
  EXPECT_EQ(Cancel(alice_, id).code(), "CHANGE_CUTOFF_PASSED");
  MpReply cancelled =
      Send("POST", "/api/console/appointments/" + std::to_string(id) + "/cancel", clerk);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Text("state"), "cancelled");
  EXPECT_EQ(Scalar("SELECT booked FROM care_slots WHERE id = " + std::to_string(slot_)), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.cancel' AND "
                   "outcome = 'ok'"),
            1);
  MpReply twice =
      Send("POST", "/api/console/appointments/" + std::to_string(id) + "/cancel", clerk);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.code(), "APPOINTMENT_CANCELLED");
  staff_ = clerk;
  MpReply counter = RedeemAtCounter(code, store_, "till-5");
  ASSERT_EQ(counter.status, 200) << counter.body;
  EXPECT_EQ(Redemptions(coupon), 1);
}

TEST_P(CareCouponTest, OnlyTheMembersOwnUsableExchangeCouponAttaches) {
  const int64_t cash = NewStock("cash");
  const auto [cash_coupon, cash_code] = Claim(alice_, cash);
  const auto [bobs, bobs_code] = Claim(bob_, stock_);
  const auto [used, used_code] = Claim(alice_, stock_);
  ASSERT_EQ(RedeemAtCounter(used_code, store_, "till-4").status, 200);
  const auto before = CareWritten();
  const struct {
    int64_t coupon;
    int status;
    const char* code;
  } cases[] = {
      {cash_coupon, 409, "COUPON_NOT_ATTACHABLE"},
      {bobs, 404, "COUPON_NOT_FOUND"},
      {used, 409, "ALREADY_REDEEMED"},
      {999999, 404, "COUPON_NOT_FOUND"},
  };
  for (const auto& c : cases) {
    MpReply reply = Book(alice_, slot_, alice_car_, "wash", c.coupon);
    EXPECT_EQ(reply.status, c.status) << c.coupon << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.coupon;
  }
  // A coupon that expires before the slot starts: the slot is after its 30 days.
  const int64_t late_slot = MakeSlot(store_, Bj(40, 10), 2);
  const auto [fresh, fresh_code] = Claim(alice_, stock_);
  const auto after_setup = CareWritten();
  MpReply expired = Book(alice_, late_slot, alice_car_, "wash", fresh);
  EXPECT_EQ(expired.status, 409) << expired.body;
  EXPECT_EQ(expired.code(), "COUPON_EXPIRED");
  EXPECT_EQ(CareWritten(), after_setup);
  EXPECT_EQ(before.at("care_appointments"), after_setup.at("care_appointments"));
}

MILEAGE_MP_TEST_SUITE(CareCouponTest);

}  // namespace
}  // namespace mileage::testing
