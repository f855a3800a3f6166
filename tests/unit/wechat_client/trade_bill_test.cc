#include "wechat/client/trade_bill.h"

#include <gtest/gtest.h>

#include "tests/unit/wechat_client/fake_server.h"
#include "wechat/client/reasons.h"

namespace mileage::wechat::client {
namespace {

using mileage::testing::Must;

TradeBillRow Payment(const std::string& out_trade_no, int64_t fen) {
  TradeBillRow row;
  row.trade_time = "2024-05-01 10:00:00";
  row.appid = "wxapp";
  row.mchid = "1900000001";
  row.sub_mchid = "0";
  row.transaction_id = "4200000" + out_trade_no;
  row.out_trade_no = out_trade_no;
  row.openid = "o-1";
  row.trade_type = "JSAPI";
  row.trade_state = "SUCCESS";
  row.bank_type = "OTHERS";
  row.currency = "CNY";
  row.settlement_total = fen;
  row.order_amount = fen;
  row.description = "Car wash, deluxe";
  row.fee = "0.07404";
  row.rate = "0.60%";
  return row;
}

TEST(TradeBillTest, FormatsAndParsesBack) {
  TradeBillRow refund = Payment("T1", 0);
  refund.trade_state = "REFUND";
  refund.refund_id = "503001";
  refund.out_refund_no = "R1";
  refund.refund_amount = 500;
  refund.requested_refund = 500;
  refund.refund_status = "SUCCESS";
  std::vector<TradeBillRow> rows = {Payment("T1", 1234), Payment("T2", 5), refund};
  TradeBillSummary summary{3, 1239, 500, 0, "0.07434", 1239, 500};
  std::string csv = FormatTradeBill(rows, summary);
  EXPECT_EQ(csv.substr(0, csv.find('\n')).find("交易时间,公众账号ID,商户号"), 0u);
  EXPECT_NE(csv.find("`2024-05-01 10:00:00,`wxapp,`1900000001,`0,`,`4200000T1,`T1,"),
            std::string::npos);
  EXPECT_NE(csv.find("总交易单数,应结订单总金额"), std::string::npos);
  EXPECT_NE(csv.find("`3,`12.39,`5.00,`0.00,`0.07434,`12.39,`5.00\n"), std::string::npos);

  TradeBill bill = Must(ParseTradeBill(csv));
  ASSERT_EQ(bill.rows.size(), 3u);
  EXPECT_EQ(bill.rows[0].out_trade_no, "T1");
  EXPECT_EQ(bill.rows[0].settlement_total, 1234);
  EXPECT_EQ(bill.rows[0].description, "Car wash, deluxe");
  EXPECT_EQ(bill.rows[1].settlement_total, 5);
  EXPECT_EQ(bill.rows[2].trade_state, "REFUND");
  EXPECT_EQ(bill.rows[2].refund_amount, 500);
  EXPECT_EQ(bill.rows[2].out_refund_no, "R1");
  EXPECT_EQ(bill.summary.count, 3);
  EXPECT_EQ(bill.summary.settlement_total, 1239);
  EXPECT_EQ(bill.summary.refund_total, 500);
  EXPECT_EQ(bill.summary.fee_total, "0.07434");
}

TEST(TradeBillTest, AcceptsCrlfAndAnEmptyDay) {
  std::string csv = FormatTradeBill({}, TradeBillSummary{0, 0, 0, 0, "0.00000", 0, 0});
  std::string crlf;
  for (char c : csv) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  TradeBill bill = Must(ParseTradeBill(crlf));
  EXPECT_TRUE(bill.rows.empty());
  EXPECT_EQ(bill.summary.count, 0);
}

TEST(TradeBillTest, RejectsMalformedBills) {
  std::string good =
      FormatTradeBill({Payment("T1", 100)}, TradeBillSummary{1, 100, 0, 0, "0.00600", 100, 0});
  std::string no_summary = good.substr(0, good.find("总交易单数"));
  std::string bad_amount = good;
  bad_amount.replace(bad_amount.find("`1.00"), 5, "`1.0x");
  std::string short_row = good;
  short_row.replace(short_row.find(",`wxapp"), 7, "");
  for (const std::string& csv :
       {std::string(), std::string("not,a,bill\n"), no_summary, bad_amount, short_row}) {
    SCOPED_TRACE(csv);
    EXPECT_STATUS(ParseTradeBill(csv).status(), kInvalidArgument, reason::kMalformedBill);
  }
}

}  // namespace
}  // namespace mileage::wechat::client
