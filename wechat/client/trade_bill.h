#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace mileage::wechat::client {

// The column titles of a Pay API v3 trade bill of type ALL, in order.
inline constexpr std::array<std::string_view, 27> kTradeBillColumns = {
    "交易时间",     "公众账号ID",   "商户号",       "特约商户号",   "设备号",   "微信订单号",
    "商户订单号",   "用户标识",     "交易类型",     "交易状态",     "付款银行", "货币种类",
    "应结订单金额", "代金券金额",   "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额",
    "退款类型",     "退款状态",     "商品名称",     "商户数据包",   "手续费",   "费率",
    "订单金额",     "申请退款金额", "费率备注"};
// The column titles of the summary line.
inline constexpr std::array<std::string_view, 7> kTradeBillSummaryColumns = {
    "总交易单数",   "应结订单总金额", "退款总金额",    "充值券退款总金额",
    "手续费总金额", "订单总金额",     "申请退款总金额"};

// One row of a trade bill: a payment (trade_state SUCCESS) or a refund (trade_state REFUND).
// Money in fen; the fee keeps WeChat's text (five decimals of yuan) because it is finer than a
// fen. A value type.
struct TradeBillRow {
  std::string trade_time;  // "2024-05-01 10:00:00", China Standard Time
  std::string appid;
  std::string mchid;
  std::string sub_mchid;  // "0" for a direct merchant
  std::string device_id;
  std::string transaction_id;
  std::string out_trade_no;
  std::string openid;
  std::string trade_type;   // JSAPI
  std::string trade_state;  // SUCCESS | REFUND | REVOKED
  std::string bank_type;
  std::string currency;  // CNY
  int64_t settlement_total = 0;
  int64_t coupon_amount = 0;
  std::string refund_id;
  std::string out_refund_no;
  int64_t refund_amount = 0;
  int64_t recharge_coupon_refund = 0;
  std::string refund_type;
  std::string refund_status;
  std::string description;
  std::string attach;
  std::string fee;   // "0.07000"
  std::string rate;  // "0.60%"
  int64_t order_amount = 0;
  int64_t requested_refund = 0;
  std::string rate_note;
};

// The summary line. Money in fen except the fee (WeChat's text).
struct TradeBillSummary {
  int64_t count = 0;
  int64_t settlement_total = 0;
  int64_t refund_total = 0;
  int64_t recharge_coupon_refund_total = 0;
  std::string fee_total;
  int64_t order_total = 0;
  int64_t requested_refund_total = 0;
};

// A parsed trade bill with its text. A value type.
struct TradeBill {
  std::vector<TradeBillRow> rows;
  TradeBillSummary summary;
  std::string csv;
};

// Parses WeChat's trade-bill CSV: the header line, one line per row with every field prefixed
// by a backtick, the summary header and the summary line (CRLF or LF).
// InvalidArgument WECHATPAY_MALFORMED_BILL naming the line when the header is not the ALL
// layout, a row has the wrong number of fields, an amount is not yuan with two decimals, or the
// summary is missing.
Result<TradeBill> ParseTradeBill(std::string_view csv);

// The CSV WeChat would send for `rows` and `summary` (the sandbox and tests), LF-terminated.
std::string FormatTradeBill(const std::vector<TradeBillRow>& rows, const TradeBillSummary& summary);

}  // namespace mileage::wechat::client
