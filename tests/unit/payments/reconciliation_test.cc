#include "payments/reconciliation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mileage::payments {
namespace {

// 2026-11-23T00:00:00+08:00 = 2026-11-22T16:00:00Z.
constexpr int64_t kDayStart = 1'795'363'200;

TEST(ChinaDayTest, ADayIsBeijingMidnightToMidnight) {
  Result<ChinaDay> day = ChinaDayOf("2026-11-23");
  ASSERT_TRUE(day.ok()) << day.status().ToString();
  EXPECT_EQ(day->date, "2026-11-23");
  EXPECT_EQ(day->start, kDayStart);
  EXPECT_EQ(day->end, kDayStart + 86400);
}

TEST(ChinaDayTest, TheLastSecondBelongsToTheDayAndMidnightToTheNext) {
  Result<ChinaDay> day = ChinaDayOf("2026-11-23");
  Result<ChinaDay> next = ChinaDayOf("2026-11-24");
  Result<int64_t> last = ParseChinaTime("2026-11-23 23:59:59");
  Result<int64_t> midnight = ParseChinaTime("2026-11-24 00:00:00");
  ASSERT_TRUE(day.ok() && next.ok() && last.ok() && midnight.ok());
  EXPECT_GE(*last, day->start);
  EXPECT_LT(*last, day->end);
  EXPECT_EQ(*midnight, day->end);
  EXPECT_EQ(*midnight, next->start);
  EXPECT_EQ(*last, kDayStart + 86399);
}

TEST(ChinaDayTest, LeapDaysAndYearEndsAreRealDates) {
  Result<ChinaDay> leap = ChinaDayOf("2024-02-29");
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(leap->start, 1'709'136'000);  // 2024-02-28T16:00:00Z
  Result<int64_t> new_year = ParseChinaTime("2027-01-01 00:00:00");
  ASSERT_TRUE(new_year.ok());
  EXPECT_EQ(*new_year, 1'798'732'800);  // 2026-12-31T16:00:00Z
}

TEST(ChinaDayTest, RejectsWhatIsNotADate) {
  for (const char* bad : {"", "2026-11-31", "2026-02-29", "2026-13-01", "2026-1-05", "20261123",
                          "2026-11-23x", "2026/11/23", "yesterday", "2026-11-2a"}) {
    Result<ChinaDay> day = ChinaDayOf(bad);
    ASSERT_FALSE(day.ok()) << bad;
    EXPECT_EQ(day.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(day.status().reason(), "BAD_DATE") << bad;
  }
  for (const char* bad : {"2026-11-23", "2026-11-23 24:00:00", "2026-11-23 10:60:00",
                          "2026-11-23T10:00:00", "2026-11-23 10:00:0a"}) {
    Result<int64_t> time = ParseChinaTime(bad);
    ASSERT_FALSE(time.ok()) << bad;
    EXPECT_EQ(time.status().reason(), "BAD_TIME") << bad;
  }
}

MerchantRef Merchant() { return MerchantRef{7, "1900000001", "wx8888888888888888", {}}; }

ChinaDay Day() { return ChinaDay{"2026-11-23", kDayStart, kDayStart + 86400}; }

BilledPayment Billed(const std::string& id, int64_t amount, int64_t at,
                     const std::string& state = "SUCCESS") {
  BilledPayment p;
  p.transaction_id = id;
  p.out_trade_no = "OUT" + id;
  p.appid = "wx8888888888888888";
  p.openid = "openid-" + id;
  p.amount_fen = amount;
  p.payer_total_fen = amount;
  p.paid_at = at;
  p.trade_state = state;
  return p;
}

TransactionRecord Recorded(const std::string& id, int64_t amount, int64_t at) {
  TransactionRecord t;
  t.transaction_id = id;
  t.out_trade_no = "OUT" + id;
  t.amount_fen = amount;
  t.paid_at = at;
  return t;
}

TEST(CompareBillTest, EverythingOnBothSidesIsClean) {
  Bill bill;
  bill.payments = {Billed("T1", 100, kDayStart), Billed("T2", 250, kDayStart + 86399)};
  ReconciliationReport report =
      CompareBill(Merchant(), Day(), bill,
                  {Recorded("T2", 250, kDayStart + 86399), Recorded("T1", 100, kDayStart)}, {});
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.billed_count, 2);
  EXPECT_EQ(report.billed_total_fen, 350);
  EXPECT_EQ(report.recorded_count, 2);
  EXPECT_EQ(report.recorded_total_fen, 350);
  EXPECT_EQ(report.matched_count, 2);
  EXPECT_EQ(report.mchid, "1900000001");
  EXPECT_EQ(report.date, "2026-11-23");
}

TEST(CompareBillTest, ReportsEachKindOfDifference) {
  Bill bill;
  bill.payments = {Billed("T1", 100, kDayStart + 10), Billed("T2", 200, kDayStart + 20),
                   Billed("T3", 300, kDayStart + 30), Billed("T9", 900, kDayStart + 40, "REVOKED")};
  std::vector<TransactionRecord> recorded = {Recorded("T1", 100, kDayStart + 10),
                                             Recorded("T3", 333, kDayStart + 30),
                                             Recorded("T4", 400, kDayStart + 50)};
  ReconciliationReport report = CompareBill(Merchant(), Day(), bill, recorded, {});
  EXPECT_FALSE(report.clean());
  ASSERT_EQ(report.missing_in_mileage.size(), 1u);
  EXPECT_EQ(report.missing_in_mileage[0].transaction_id, "T2");
  EXPECT_EQ(report.missing_in_mileage[0].amount_fen, 200);
  ASSERT_EQ(report.missing_in_bill.size(), 1u);
  EXPECT_EQ(report.missing_in_bill[0].transaction_id, "T4");
  EXPECT_EQ(report.missing_in_bill[0].amount_fen, 400);
  ASSERT_EQ(report.amount_mismatches.size(), 1u);
  EXPECT_EQ(report.amount_mismatches[0].id, "T3");
  EXPECT_EQ(report.amount_mismatches[0].billed_fen, 300);
  EXPECT_EQ(report.amount_mismatches[0].recorded_fen, 333);
  EXPECT_EQ(report.billed_count, 3);  // the REVOKED row is not a payment
  EXPECT_EQ(report.billed_total_fen, 600);
  EXPECT_EQ(report.recorded_count, 3);
  EXPECT_EQ(report.recorded_total_fen, 833);
  EXPECT_EQ(report.matched_count, 1);
}

TEST(CompareBillTest, ARecordedPaymentOfAnotherDayMatchesByIdAndIsNotCountedInTheDay) {
  Bill bill;
  bill.payments = {Billed("T1", 100, kDayStart + 5)};
  // Mileage recorded the payment with a time of the previous day (e.g. a clock skew).
  std::vector<TransactionRecord> recorded = {Recorded("T1", 100, kDayStart - 1),
                                             Recorded("T0", 50, kDayStart - 100),
                                             Recorded("T5", 60, kDayStart + 86400)};
  ReconciliationReport report = CompareBill(Merchant(), Day(), bill, recorded, {});
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.matched_count, 1);
  EXPECT_EQ(report.recorded_count, 0);
}

TEST(CompareBillTest, RefundsTheBillShowsWithoutARecordAreReported) {
  Bill bill;
  bill.payments = {Billed("T1", 1000, kDayStart + 5)};
  bill.refunds = {{"R1", "OR1", "T1", 300, kDayStart + 60, "SUCCESS"},
                  {"R2", "OR2", "T1", 200, kDayStart + 70, "SUCCESS"},
                  {"R3", "OR3", "T1", 100, kDayStart + 80, "SUCCESS"},
                  {"R4", "OR4", "T1", 100, kDayStart + 90, "PROCESSING"}};
  RefundRecord r1;
  r1.refund_id = "R1";
  r1.amount_fen = 300;
  RefundRecord r3;
  r3.refund_id = "R3";
  r3.amount_fen = 150;
  ReconciliationReport report =
      CompareBill(Merchant(), Day(), bill, {Recorded("T1", 1000, kDayStart + 5)}, {r1, r3});
  EXPECT_FALSE(report.clean());
  ASSERT_EQ(report.refunds_missing_in_mileage.size(), 1u);
  EXPECT_EQ(report.refunds_missing_in_mileage[0].refund_id, "R2");
  ASSERT_EQ(report.refund_amount_mismatches.size(), 1u);
  EXPECT_EQ(report.refund_amount_mismatches[0].id, "R3");
  EXPECT_EQ(report.refund_amount_mismatches[0].billed_fen, 100);
  EXPECT_EQ(report.refund_amount_mismatches[0].recorded_fen, 150);
  EXPECT_EQ(report.billed_refund_count, 3);
  EXPECT_EQ(report.billed_refund_total_fen, 600);
}

TEST(CompareBillTest, AnEmptyDayIsClean) {
  ReconciliationReport report = CompareBill(Merchant(), Day(), Bill{}, {}, {});
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.billed_count, 0);
  EXPECT_EQ(report.recorded_count, 0);
}

}  // namespace
}  // namespace mileage::payments
