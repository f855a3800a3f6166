#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "care/care_rule_service.h"
#include "care/greeting_job.h"
#include "members/member_profile.h"
#include "members/member_store.h"
#include "tests/contract/coupons/coupons_fixture.h"

namespace mileage::care {

using coupons::kNow;
using coupons::StatusOf;

// CouponsTest's two brands, members and stocks with the care rule service as the App builds
// it (the member rule for staff below the brand: enrolled at a store of their subtree), and
// helpers that give members birthdays and payments through the members module's own paths.
// Calendar arithmetic in the tests uses std::chrono, independently of common/civil_time.
class GreetingTest : public coupons::CouponsTest {
 protected:
  void SetUp() override {
    CouponsTest::SetUp();
    if (database_ == nullptr) return;
    rules_ = std::make_unique<CareRuleService>(
        db(), authorizer_, *writer_,
        [](const org::NodePath&, std::string&, std::vector<db::Value>&) { return false; });
  }
  void TearDown() override {
    rules_.reset();
    CouponsTest::TearDown();
  }

  // The Unix time of `hour`:`minute` Beijing time on the civil day `day`.
  static int64_t BeijingTime(std::chrono::sys_days day, int64_t hour, int64_t minute = 0) {
    return std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()).count() -
           8 * 3600 + hour * 3600 + minute * 60;
  }
  // The Beijing civil day of a Unix time.
  static std::chrono::sys_days BeijingDay(int64_t unix_seconds) {
    return std::chrono::floor<std::chrono::days>(
        std::chrono::sys_seconds(std::chrono::seconds(unix_seconds + 8 * 3600)));
  }
  static std::string Text(std::chrono::year_month_day d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buf;
  }

  void SetBirthday(int64_t member, const std::string& birthday) {
    members::MemberProfiles profiles(db(), clock_, random_);
    members::ProfileChange change;
    change.birthday = std::optional<std::string>(birthday);
    COUPONS_ASSERT_OK(profiles.Update(member, change));
  }
  // A payment of the member at `at`, recorded as the payment flow records it.
  void Pay(int64_t member, int64_t at) {
    COUPONS_ASSERT_OK(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      return members::MemberStore(conn, random_)
          .RecordPayment(member, 100, at, 0, tiers_, at)
          .status();
    }));
  }
  void Suspend(int64_t member) {
    COUPONS_ASSERT_OK(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      return members::MemberStore(conn, random_).SetStatus(member, "suspended", kNow).status();
    }));
  }
  // A rule made by `actor` (the brand's admin by default); 0 after a failure.
  int64_t Rule(CareKind kind, std::optional<int64_t> stock, int64_t days_before,
               const org::NodePath& brand, const org::Actor* actor = nullptr) {
    Result<CareRule> made = rules_->Create(actor != nullptr ? *actor : admin_, brand.brand_id,
                                           NewCareRule{kind, stock, days_before, true}, kNow);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? made->id : 0;
  }
  // A cash stock of `brand` taking grants, `total` coupons, `limit` per member; active.
  coupons::Stock GrantStock(const org::NodePath& brand, int64_t total, int64_t limit) {
    coupons::NewStock s = Cash(brand);
    s.total_quantity = total;
    s.per_member_limit = limit;
    s.channels = {coupons::Channel::kGrant};
    return CreateActive(s);
  }
  Result<int64_t> Run(int64_t now, int64_t batch = 7) {
    return RunCareGreetings(db(), tiers_, random_, now, batch);
  }

  std::unique_ptr<CareRuleService> rules_;
};

}  // namespace mileage::care
