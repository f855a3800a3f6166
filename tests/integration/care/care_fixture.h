#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {

// Appointments over HTTP: MpTest's server, sandbox and organisation (brand_, store_ with the
// brand admin `admin`), the login limits lifted (the race signs in hundreds of members from one
// address) and the clock at Monday 2030-01-07 08:00 Beijing. Times below are written as Beijing
// wall times computed here from one constant, independently of common/civil_time.
class CareTest : public MpTest {
 protected:
  // 2030-01-07 00:00:00 Beijing (2030-01-06T16:00:00Z), a Monday.
  static constexpr int64_t kMonday = 1893945600;
  // `hour`:`minute` Beijing on the day `day` days after kMonday.
  static constexpr int64_t Bj(int64_t day, int64_t hour, int64_t minute = 0) {
    return kMonday + day * 86400 + hour * 3600 + minute * 60;
  }
  // The default schedule: Mon-Fri 09:00-18:00, Sat 09:00-12:00, Sun closed, 60-minute slots,
  // services maintenance and wash, Wednesday 2030-01-09 a holiday.
  static std::string ScheduleBody(int64_t capacity = 2, int64_t cutoff_minutes = 120);

  void SetUp() override;

  int64_t Now() { return UnixSeconds(clock_.Now()); }
  void SetNow(int64_t unix_seconds) { clock_.SetUnixSeconds(unix_seconds); }

  // A console request with the brand admin's token (or `token`).
  MpReply Console(const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return Send(method, path, staff_, body);
  }
  // The console token of `username` (password kPassword); fails the test otherwise.
  std::string StaffLogin(const std::string& username);
  // Creates staff `username` with `role` scoped at `scope_type` `scope_id`.
  void AddStaff(const std::string& username, const std::string& role, const std::string& scope_type,
                int64_t scope_id);

  // PUT the default schedule on `store`; fails the test unless 200.
  void PutSchedule(int64_t store, int64_t capacity = 2, int64_t cutoff_minutes = 120);
  // POST an explicit slot; its id (0 after a failure).
  int64_t MakeSlot(int64_t store, int64_t starts_at, int64_t capacity,
                   const std::string& service_types = R"(["maintenance","wash"])");
  // A vehicle of `member` with `plate`; its id.
  int64_t AddVehicle(const SignedIn& member, const std::string& plate);
  // POST /api/mp/appointments.
  MpReply Book(const SignedIn& member, int64_t slot, int64_t vehicle,
               const std::string& service = "maintenance",
               std::optional<int64_t> coupon = std::nullopt);
  MpReply Cancel(const SignedIn& member, int64_t appointment) {
    return Send("POST", "/api/mp/appointments/" + std::to_string(appointment) + "/cancel",
                member.token);
  }
  MpReply Reschedule(const SignedIn& member, int64_t appointment, int64_t slot) {
    return Send("POST", "/api/mp/appointments/" + std::to_string(appointment) + "/reschedule",
                member.token, R"({"slot_id":)" + std::to_string(slot) + "}");
  }
  // POST .../check-in with `member`'s owner-card code (minted now by GET /api/mp/card).
  MpReply CheckIn(int64_t appointment, const SignedIn& member);
  MpReply Complete(int64_t appointment, const std::string& token = "") {
    return Send("POST", "/api/console/appointments/" + std::to_string(appointment) + "/complete",
                token.empty() ? staff_ : token);
  }

  // An active, claimable exchange stock (service coupon) of `brand` (default brand_), valid 30
  // days from the claim; `type` "cash" makes a 10-yuan cash stock instead.
  int64_t NewStock(const std::string& type = "exchange", int64_t brand = 0);
  // `member` claims one coupon of `stock`: its id and display code.
  std::pair<int64_t, std::string> Claim(const SignedIn& member, int64_t stock);
  // POST /api/console/redemptions of `code` at `store` for an order of 0 fen.
  MpReply RedeemAtCounter(const std::string& code, int64_t store, const std::string& request_id);

  // Rows that any appointment route or the counter could write, to prove a refusal wrote nothing
  // (audit counts only committed writes: a refused one is recorded as "denied" on purpose).
  std::map<std::string, int64_t> CareWritten();
  // A second store of the brand under its own region and dealer (whose dealer_manager
  // `other_manager` sees it and not store_), and a store of another brand with a slot tomorrow
  // 10:00.
  void BuildOtherTenants();

  std::string staff_;
  int64_t other_dealer_ = 0, other_store_ = 0;
  int64_t foreign_brand_ = 0, foreign_store_ = 0, foreign_slot_ = 0;
};

}  // namespace mileage::testing
