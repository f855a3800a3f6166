// The due-date rule of maintenance reminders, with values worked out by hand (the day counts
// in the comments).
#include "care/maintenance_rules.h"

#include <gtest/gtest.h>

namespace mileage::care {
namespace {

civil::Date D(int64_t y, int64_t m, int64_t d) { return civil::Date{y, m, d}; }

DueInputs New(civil::Date purchase, int64_t km, civil::Date read_on) {
  DueInputs in;
  in.purchase_date = purchase;
  in.mileage_km = km;
  in.mileage_date = read_on;
  return in;
}

TEST(NextServiceDueTest, WithoutPurchaseOrVisitThereIsNoDueDate) {
  DueInputs in;
  in.mileage_km = 12000;
  in.mileage_date = D(2026, 5, 1);
  EXPECT_EQ(NextServiceDue(in, BuiltInInterval()), std::nullopt);
}

TEST(NextServiceDueTest, AFastNewCarIsDueByKmBeforeThreeMonths) {
  // 1,500 km in the 30 days from 01-10 to 02-09: 50 km a day; the remaining 1,500 km of the
  // first 3,000 take 30 more days: 03-11, before 04-10 (three months).
  EXPECT_EQ(NextServiceDue(New(D(2026, 1, 10), 1500, D(2026, 2, 9)), BuiltInInterval()),
            (Due{D(2026, 3, 11), DueReason::kKm}));
}

TEST(NextServiceDueTest, ASlowNewCarIsDueByMonths) {
  // 10 km a day: 3,000 km would take 270 more days; three months come first.
  EXPECT_EQ(NextServiceDue(New(D(2026, 1, 10), 300, D(2026, 2, 9)), BuiltInInterval()),
            (Due{D(2026, 4, 10), DueReason::kMonths}));
}

TEST(NextServiceDueTest, ANewCarWithNoKmDrivenIsDueByMonthsOnly) {
  EXPECT_EQ(NextServiceDue(New(D(2026, 11, 30), 0, D(2026, 12, 20)), BuiltInInterval()),
            (Due{D(2027, 2, 28), DueReason::kMonths}));  // clamped to February's end
}

TEST(NextServiceDueTest, APassedKmTargetIsOverdueFromTheDayItWasReached) {
  // 4,000 km in 31 days; 3,000 km were reached 1,000 km (7.75 days) before the reading on
  // 02-01, so on the 25th of January (ceil(-7.75) = -7).
  EXPECT_EQ(NextServiceDue(New(D(2026, 1, 1), 4000, D(2026, 2, 1)), BuiltInInterval()),
            (Due{D(2026, 1, 25), DueReason::kKm}));
}

TEST(NextServiceDueTest, ATieGoesToMonths) {
  // 1,000 km in 30 days; 2,000 more take 60 days from 01-31: 04-01, as three months do.
  EXPECT_EQ(NextServiceDue(New(D(2026, 1, 1), 1000, D(2026, 1, 31)), BuiltInInterval()),
            (Due{D(2026, 4, 1), DueReason::kMonths}));
}

TEST(NextServiceDueTest, AVisitRestartsFromItsDayAndKmWithTheRegularInterval) {
  // Bought 2025-06-30, serviced 2026-01-15 at 8,000 km (read that day): 199 days, so
  // 8000/199 km a day; 5,000 km more take ceil(5000 * 199 / 8000) = 125 days: 05-20, before
  // 07-15 (six months).
  DueInputs in = New(D(2025, 6, 30), 8000, D(2026, 1, 15));
  in.last_service_date = D(2026, 1, 15);
  in.last_service_km = 8000;
  EXPECT_EQ(NextServiceDue(in, BuiltInInterval()), (Due{D(2026, 5, 20), DueReason::kKm}));
  // A brand interval of 12 months / 10,000 km: 10,000 km take ceil(10000 * 199 / 8000) = 249
  // days: 2026-09-21, before 2027-01-15.
  ServiceInterval yearly{"", 12, 10000, 3, 3000, 0};
  EXPECT_EQ(NextServiceDue(in, yearly), (Due{D(2026, 9, 21), DueReason::kKm}));
}

TEST(NextServiceDueTest, WithoutPurchaseTheRateRunsFromTheLastVisit) {
  // Serviced 03-31 at 20,000 km, 21,000 read on 04-10: 100 km a day; 4,000 more take 40 days.
  DueInputs in;
  in.last_service_date = D(2026, 3, 31);
  in.last_service_km = 20000;
  in.mileage_km = 21000;
  in.mileage_date = D(2026, 4, 10);
  EXPECT_EQ(NextServiceDue(in, BuiltInInterval()), (Due{D(2026, 5, 20), DueReason::kKm}));
  // A reading from the visit's day only: no rate, six months.
  in.mileage_km = 20000;
  in.mileage_date = D(2026, 3, 31);
  EXPECT_EQ(NextServiceDue(in, BuiltInInterval()), (Due{D(2026, 9, 30), DueReason::kMonths}));
}

TEST(ServiceIntervalTest, ValidatesEachFieldsRange) {
  ServiceInterval ok{"", 6, 5000, 3, 3000, 0};
  EXPECT_TRUE(ValidateInterval(ok).ok());
  for (auto change : std::vector<void (*)(ServiceInterval&)>{
           [](ServiceInterval& i) { i.months = 0; }, [](ServiceInterval& i) { i.months = 61; },
           [](ServiceInterval& i) { i.km = 499; }, [](ServiceInterval& i) { i.km = 100001; },
           [](ServiceInterval& i) { i.first_months = -1; },
           [](ServiceInterval& i) { i.first_km = 0; }}) {
    ServiceInterval bad = ok;
    change(bad);
    const Status status = ValidateInterval(bad);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(status.reason(), "INVALID_FIELD");
  }
}

TEST(DueReasonTest, NamesRoundTrip) {
  EXPECT_EQ(DueReasonName(DueReason::kKm), "km");
  EXPECT_EQ(DueReasonName(DueReason::kMonths), "months");
  EXPECT_EQ(ParseDueReason("km"), DueReason::kKm);
  EXPECT_EQ(ParseDueReason("weeks"), std::nullopt);
}

}  // namespace
}  // namespace mileage::care
