// A member's deletion (docs/API.md, "POST /api/mp/privacy/deletion") frees what they held at
// the stores: their booked appointment is cancelled (its seat goes back, so another owner can
// book it), their seat at an activity goes to the first waitlisted owner, and their unused
// coupons are voided (a redeemed one stays redeemed, as the store's record).
#include <string>

#include "tests/integration/care/care_fixture.h"

namespace mileage::testing {
namespace {

class CareMemberDeletionTest : public CareTest {
 protected:
  // An activity at store_ with one seat, sign-up open now until `closes`; by default on
  // Saturday 10:00-16:00 with sign-up until Friday 20:00. Its id.
  int64_t OneSeatActivity(int64_t starts = Bj(5, 10), int64_t ends = Bj(5, 16),
                          int64_t closes = Bj(4, 20)) {
    const std::string body =
        R"({"node":{"type":"store","id":)" + std::to_string(store_) +
        R"(},"title":"试驾日","description":"新车型","place":"门店","starts_at":")" +
        civil::FormatRfc3339Utc(starts) + R"(","ends_at":")" + civil::FormatRfc3339Utc(ends) +
        R"(","capacity":1,"signup_opens_at":")" + civil::FormatRfc3339Utc(Bj(0, 8)) +
        R"(","signup_closes_at":")" + civil::FormatRfc3339Utc(closes) + R"("})";
    MpReply reply = Console("POST", "/api/console/activities", body);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.status == 201 ? reply.json["id"].GetInt64() : 0;
  }
  MpReply SignUp(const SignedIn& member, int64_t activity) {
    return Send("POST", "/api/mp/activities/" + std::to_string(activity) + "/signups",
                member.token);
  }
  int64_t Events(const std::string& topic) {
    return Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = '" + topic + "'");
  }
  std::string StateOf(const char* table, int64_t id) {
    Result<db::PooledConnection> conn = app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return "";
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        std::string("SELECT state FROM ") + table + " WHERE id = ?", {db::Value(id)});
    EXPECT_TRUE(rows.ok() && rows->size() == 1);
    return rows.ok() && rows->size() == 1 ? (*rows)[0].Text(0) : "";
  }
};

TEST_P(CareMemberDeletionTest, FreesTheSeatsAndVoidsTheUnusedCouponsOfTheDeletedOwner) {
  PutSchedule(store_);
  const int64_t slot = MakeSlot(store_, Bj(1, 10), 1);
  const SignedIn alice = SignIn("alice");
  const SignedIn bob = SignIn("bob");
  const int64_t alice_car = AddVehicle(alice, "京A12345");
  const int64_t bob_car = AddVehicle(bob, "京A54321");
  const int64_t stock = NewStock();
  const auto [held, held_code] = Claim(alice, stock);
  const auto [unused, unused_code] = Claim(alice, stock);
  const auto [redeemed, redeemed_code] = Claim(alice, stock);
  ASSERT_NE(held, 0);
  ASSERT_NE(unused, 0);
  ASSERT_NE(redeemed, 0);
  ASSERT_EQ(RedeemAtCounter(redeemed_code, store_, "till-1").status, 200);

  // Alice holds the slot's one seat with a coupon, and the activity's one seat.
  MpReply booked = Book(alice, slot, alice_car, "wash", held);
  ASSERT_EQ(booked.status, 201) << booked.body;
  const int64_t appointment = booked.json["id"].GetInt64();
  MpReply full = Book(bob, slot, bob_car, "wash");
  EXPECT_EQ(full.status, 409) << full.body;
  EXPECT_EQ(full.code(), "SLOT_FULL");
  const int64_t activity = OneSeatActivity();
  MpReply seated = SignUp(alice, activity);
  ASSERT_EQ(seated.status, 201) << seated.body;
  EXPECT_EQ(seated.Text("state"), "seated");
  MpReply waiting = SignUp(bob, activity);
  ASSERT_EQ(waiting.status, 201) << waiting.body;
  EXPECT_EQ(waiting.Text("state"), "waitlisted");
  const int64_t bob_signup = waiting.json["id"].GetInt64();
  const int64_t voided_before = Events("coupon.voided");

  MpReply deleted = Send("POST", "/api/mp/privacy/deletion", alice.token, R"({"confirm":true})");
  ASSERT_EQ(deleted.status, 200) << deleted.body;

  // The appointment is cancelled and its seat is free again: bob books it.
  EXPECT_EQ(StateOf("care_appointments", appointment), "cancelled");
  EXPECT_EQ(Events("appointment.cancelled"), 1);
  MpReply bob_booked = Book(bob, slot, bob_car, "wash");
  EXPECT_EQ(bob_booked.status, 201) << bob_booked.body;
  // Bob, first on the waitlist, has alice's seat.
  EXPECT_EQ(StateOf("care_activity_signups", bob_signup), "seated");
  EXPECT_EQ(Events("activity.promoted"), 1);
  EXPECT_EQ(Scalar("SELECT seated FROM care_activities WHERE id = " + std::to_string(activity)), 1);
  // The held and the unused coupon are voided; the redeemed one stays the store's record.
  EXPECT_EQ(StateOf("coupons", held), "voided");
  EXPECT_EQ(StateOf("coupons", unused), "voided");
  EXPECT_EQ(StateOf("coupons", redeemed), "redeemed");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE void_reason = 'member deleted' AND "
                   "reserved_for IS NULL"),
            2);
  EXPECT_EQ(Events("coupon.voided") - voided_before, 2);
  // A voided coupon's code no longer redeems at the counter.
  MpReply counter = RedeemAtCounter(unused_code, store_, "till-2");
  EXPECT_EQ(counter.status, 409) << counter.body;
  EXPECT_EQ(counter.code(), "COUPON_VOIDED");
}

// An activity under way keeps its sign-ups as its record: the deletion leaves alice's seat
// (nobody could take it now) and still succeeds.
TEST_P(CareMemberDeletionTest, ASignUpOfAnActivityUnderWayStaysItsRecord) {
  const SignedIn alice = SignIn("alice");
  const int64_t activity = OneSeatActivity(Bj(0, 10), Bj(0, 16), Bj(0, 9));
  MpReply seated = SignUp(alice, activity);
  ASSERT_EQ(seated.status, 201) << seated.body;
  const int64_t signup = seated.json["id"].GetInt64();
  SetNow(Bj(0, 11));

  MpReply deleted = Send("POST", "/api/mp/privacy/deletion", alice.token, R"({"confirm":true})");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(StateOf("care_activity_signups", signup), "seated");
  EXPECT_EQ(Scalar("SELECT seated FROM care_activities WHERE id = " + std::to_string(activity)), 1);
  EXPECT_EQ(Events("activity.cancelled"), 0);
}

MILEAGE_MP_TEST_SUITE(CareMemberDeletionTest);

}  // namespace
}  // namespace mileage::testing
