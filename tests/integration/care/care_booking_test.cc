// Slots and bookings over HTTP (docs/API.md, "Appointments"): slots generated from a store's
// schedule (holidays, closed days and past starts skipped, a second run adding nothing), the
// member's listing with remaining seats, and 200 members booking 50 slots of 2 seats at once:
// exactly 100 bookings, each slot exactly full, every other request SLOT_FULL with nothing
// written. Expected values come from the schedule worked out by hand.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "tests/integration/care/care_fixture.h"
#include "tests/support/together.h"

namespace mileage::testing {
namespace {

class CareBookingTest : public CareTest {
 protected:
  // GET the store's slots as the console lists them: (id, starts_at unix, remaining).
  std::vector<std::array<int64_t, 3>> ConsoleSlots(const std::string& query) {
    MpReply reply =
        Console("GET", "/api/console/stores/" + std::to_string(store_) + "/slots?" + query);
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::vector<std::array<int64_t, 3>> out;
    if (reply.status != 200) return out;
    for (const auto& item : reply.json["items"].GetArray()) {
      std::optional<TimePoint> start = civil::ParseRfc3339(item["starts_at"].GetString());
      out.push_back({item["id"].GetInt64(), start.has_value() ? UnixSeconds(*start) : 0,
                     item["remaining"].GetInt64()});
    }
    return out;
  }
};

// Mon 7th from 08:00: 9 slots (09:00..17:00); Tue 9; Wed 9th a holiday; Thu 9; Fri 9; Sat 3
// (09:00..11:00); Sun closed; Mon 14th..Fri 18th 9 each: 9+9+9+9+3+5*9 = 84.
TEST_P(CareBookingTest, SlotsAreGeneratedFromTheScheduleOnce) {
  PutSchedule(store_);
  MpReply schedule = Console("GET", "/api/console/stores/" + std::to_string(store_) + "/schedule");
  ASSERT_EQ(schedule.status, 200) << schedule.body;
  EXPECT_EQ(schedule.json["hours"][5].GetString(), std::string("09:00-12:00"));
  EXPECT_EQ(schedule.json["holidays"][0].GetString(), std::string("2030-01-09"));

  SetNow(Bj(0, 12, 30));  // Monday's 09:00..12:00 have started: 13:00..17:00 remain
  const std::string path = "/api/console/stores/" + std::to_string(store_) + "/slots/generate";
  MpReply first = Console("POST", path, R"({"from":"2030-01-07","to":"2030-01-18"})");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json["created"].GetInt64(), 84 - 4);
  MpReply again = Console("POST", path, R"({"from":"2030-01-07","to":"2030-01-18"})");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["created"].GetInt64(), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_slots"), 80);

  const auto week = ConsoleSlots("from=2030-01-07&to=2030-01-13");
  ASSERT_EQ(week.size(), 5u + 9 + 0 + 9 + 9 + 3);
  EXPECT_EQ(week.front()[1], Bj(0, 13));
  EXPECT_EQ(week.back()[1], Bj(5, 11));
  for (const auto& slot : week) {
    EXPECT_FALSE(slot[1] >= Bj(2, 0) && slot[1] < Bj(3, 0)) << "no slot on the holiday";
    EXPECT_EQ(slot[2], 2);
  }
  // The member sees the same slots from now on, with their seats.
  SignedIn alice = SignIn("alice");
  MpReply listed = Send(
      "GET", "/api/mp/stores/" + std::to_string(store_) + "/slots?from=2030-01-07&to=2030-01-08",
      alice.token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json["items"].Size(), 5u + 9);
  EXPECT_EQ(listed.json["items"][0]["remaining"].GetInt64(), 2);
  EXPECT_EQ(listed.json["items"][0]["service_types"][1].GetString(), std::string("wash"));
  EXPECT_EQ(listed.json["items"][0]["ends_at"].GetString(), civil::FormatRfc3339Utc(Bj(0, 14)));
  // `from` alone is that one day: Tuesday's 9.
  MpReply tuesday = Send(
      "GET", "/api/mp/stores/" + std::to_string(store_) + "/slots?from=2030-01-08", alice.token);
  ASSERT_EQ(tuesday.status, 200) << tuesday.body;
  ASSERT_EQ(tuesday.json["items"].Size(), 9u);
  EXPECT_EQ(tuesday.json["items"][0]["starts_at"].GetString(), civil::FormatRfc3339Utc(Bj(1, 9)));
}

TEST_P(CareBookingTest, TwoHundredMembersBookFiftySlotsOfTwoAtOnce) {
  constexpr int kMembers = 200;
  constexpr size_t kSlots = 50;
  PutSchedule(store_, 2);
  MpReply generated =
      Console("POST", "/api/console/stores/" + std::to_string(store_) + "/slots/generate",
              R"({"from":"2030-01-07","to":"2030-01-18"})");
  ASSERT_EQ(generated.status, 200) << generated.body;
  std::vector<int64_t> slots;
  for (const auto& slot : ConsoleSlots("from=2030-01-07&to=2030-01-18")) slots.push_back(slot[0]);
  ASSERT_GE(slots.size(), kSlots);
  slots.resize(kSlots);

  std::vector<SignedIn> members(kMembers);
  std::vector<int64_t> vehicles(kMembers);
  {
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        for (int i = next++; i < kMembers; i = next++) {
          members[i] = SignIn("racer-" + std::to_string(i));
          char plate[32];
          std::snprintf(plate, sizeof(plate), "京A%05d", i);
          vehicles[i] = AddVehicle(members[i], plate);
        }
      });
    }
    for (std::thread& t : threads) t.join();
  }
  ASSERT_FALSE(HasFailure());
  const auto before = CareWritten();

  // Member i asks for slot i % 50: four members per slot, all at once.
  std::vector<MpReply> replies(kMembers);
  std::atomic<int> next{0};
  RunTogether(32, [&](int) {
    for (int i = next++; i < kMembers; i = next++) {
      replies[i] = Book(members[i], slots[i % kSlots], vehicles[i]);
    }
  });

  int booked = 0;
  int full = 0;
  for (int i = 0; i < kMembers; ++i) {
    const MpReply& r = replies[i];
    const std::string member = std::to_string(members[i].id);
    if (r.status == 201) {
      ++booked;
      EXPECT_EQ(r.json["member_id"].GetInt64(), members[i].id);
      EXPECT_EQ(r.json["slot_id"].GetInt64(), slots[i % kSlots]);
      EXPECT_EQ(r.Text("state"), "booked");
      EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_appointments WHERE member_id = " + member), 1);
    } else {
      ++full;
      EXPECT_EQ(r.status, 409) << r.body;
      EXPECT_EQ(r.code(), "SLOT_FULL") << r.body;
      EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_appointments WHERE member_id = " + member), 0);
    }
  }
  EXPECT_EQ(booked, 100);
  EXPECT_EQ(full, 100);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_appointments"), 100);
  std::string ids;
  for (int64_t slot : slots) ids += (ids.empty() ? "" : ",") + std::to_string(slot);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_slots WHERE booked = 2 AND id IN (" + ids + ")"), 50);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM care_slots WHERE booked <> 0 AND id NOT IN (" + ids + ")"),
            0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM (SELECT slot_id FROM care_appointments GROUP BY slot_id "
                   "HAVING COUNT(*) = 2) t"),
            50);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'appointment.booked'"), 100);
  EXPECT_EQ(CareWritten().at("outbox_events"), before.at("outbox_events") + 100);
  // The member now sees every slot of the first 50 full.
  MpReply listed = Send(
      "GET", "/api/mp/stores/" + std::to_string(store_) + "/slots?from=2030-01-07&to=2030-01-18",
      members[0].token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  int zero = 0;
  for (const auto& item : listed.json["items"].GetArray()) {
    if (item["remaining"].GetInt64() == 0) ++zero;
  }
  EXPECT_EQ(zero, 50);
}

MILEAGE_MP_TEST_SUITE(CareBookingTest);

}  // namespace
}  // namespace mileage::testing
