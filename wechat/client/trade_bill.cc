#include "wechat/client/trade_bill.h"

#include <optional>

#include "common/money.h"
#include "wechat/client/reasons.h"

namespace mileage::wechat::client {
namespace {

Status Malformed(size_t line, const std::string& what) {
  return InvalidArgumentError("trade bill line " + std::to_string(line) + ": " + what,
                              reason::kMalformedBill);
}

// "12.34" (optionally "-12.34") -> 1234 fen; more decimals are accepted only when they are 0.
std::optional<int64_t> ParseYuan(std::string_view text) {
  bool negative = text.starts_with('-');
  if (negative) text.remove_prefix(1);
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 15) return std::nullopt;
  int64_t fen = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    fen = fen * 10 + (c - '0');
  }
  for (size_t i = 0; i < fraction.size(); ++i) {
    char c = fraction[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (i >= 2 && c != '0') return std::nullopt;
  }
  int64_t cents = 0;
  for (size_t i = 0; i < 2; ++i) {
    cents = cents * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  fen = fen * 100 + cents;
  return negative ? -fen : fen;
}

std::optional<int64_t> ParseCount(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// The fields of one line: split on ",`" after the leading backtick (WeChat prefixes every
// field with one, so commas inside a product name survive).
std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> out;
  if (line.starts_with('`')) line.remove_prefix(1);
  while (true) {
    size_t next = line.find(",`");
    out.push_back(line.substr(0, next));
    if (next == std::string_view::npos) break;
    line.remove_prefix(next + 2);
  }
  return out;
}

std::vector<std::string_view> SplitLines(std::string_view csv) {
  std::vector<std::string_view> lines;
  while (!csv.empty()) {
    size_t nl = csv.find('\n');
    std::string_view line = csv.substr(0, nl);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
    if (nl == std::string_view::npos) break;
    csv.remove_prefix(nl + 1);
  }
  return lines;
}

std::string Fen(int64_t fen) { return Money::Fen(fen).ToYuanString(); }

template <size_t N>
std::string Titles(const std::array<std::string_view, N>& titles) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += ',';
    out += titles[i];
  }
  return out;
}

}  // namespace

Result<TradeBill> ParseTradeBill(std::string_view csv) {
  std::vector<std::string_view> lines = SplitLines(csv);
  if (lines.empty() || lines[0] != Titles(kTradeBillColumns)) {
    return Malformed(1, "not the header of a trade bill of type ALL");
  }
  TradeBill bill;
  bill.csv = std::string(csv);
  size_t i = 1;
  for (; i < lines.size() && lines[i] != Titles(kTradeBillSummaryColumns); ++i) {
    std::vector<std::string_view> f = SplitFields(lines[i]);
    if (f.size() != kTradeBillColumns.size()) {
      return Malformed(i + 1, "has " + std::to_string(f.size()) + " fields, expected " +
                                  std::to_string(kTradeBillColumns.size()));
    }
    TradeBillRow row;
    std::string* texts[] = {&row.trade_time, &row.appid,          &row.mchid,        &row.sub_mchid,
                            &row.device_id,  &row.transaction_id, &row.out_trade_no, &row.openid,
                            &row.trade_type, &row.trade_state,    &row.bank_type,    &row.currency};
    for (size_t k = 0; k < std::size(texts); ++k) texts[k]->assign(f[k]);
    std::pair<size_t, int64_t*> amounts[] = {
        {12, &row.settlement_total},       {13, &row.coupon_amount}, {16, &row.refund_amount},
        {17, &row.recharge_coupon_refund}, {24, &row.order_amount},  {25, &row.requested_refund}};
    for (auto [index, target] : amounts) {
      std::optional<int64_t> fen = ParseYuan(f[index]);
      if (!fen)
        return Malformed(i + 1,
                         "column " + std::string(kTradeBillColumns[index]) + " is not an amount");
      *target = *fen;
    }
    row.refund_id.assign(f[14]);
    row.out_refund_no.assign(f[15]);
    row.refund_type.assign(f[18]);
    row.refund_status.assign(f[19]);
    row.description.assign(f[20]);
    row.attach.assign(f[21]);
    row.fee.assign(f[22]);
    row.rate.assign(f[23]);
    row.rate_note.assign(f[26]);
    bill.rows.push_back(std::move(row));
  }
  if (i + 1 >= lines.size()) return Malformed(i + 1, "the summary is missing");
  std::vector<std::string_view> s = SplitFields(lines[i + 1]);
  if (s.size() != kTradeBillSummaryColumns.size()) {
    return Malformed(i + 2, "the summary has " + std::to_string(s.size()) + " fields");
  }
  std::optional<int64_t> count = ParseCount(s[0]);
  if (!count) return Malformed(i + 2, "the count is not an integer");
  std::optional<int64_t> values[7];
  for (size_t k = 1; k < 7; ++k) {
    if (k == 4) continue;  // the fee stays text
    values[k] = ParseYuan(s[k]);
    if (!values[k]) {
      return Malformed(i + 2, "summary column " + std::string(kTradeBillSummaryColumns[k]) +
                                  " is not an amount");
    }
  }
  bill.summary.count = *count;
  bill.summary.settlement_total = *values[1];
  bill.summary.refund_total = *values[2];
  bill.summary.recharge_coupon_refund_total = *values[3];
  bill.summary.fee_total.assign(s[4]);
  bill.summary.order_total = *values[5];
  bill.summary.requested_refund_total = *values[6];
  return bill;
}

std::string FormatTradeBill(const std::vector<TradeBillRow>& rows,
                            const TradeBillSummary& summary) {
  std::string out = Titles(kTradeBillColumns) + "\n";
  for (const TradeBillRow& r : rows) {
    const std::string fields[] = {r.trade_time,
                                  r.appid,
                                  r.mchid,
                                  r.sub_mchid,
                                  r.device_id,
                                  r.transaction_id,
                                  r.out_trade_no,
                                  r.openid,
                                  r.trade_type,
                                  r.trade_state,
                                  r.bank_type,
                                  r.currency,
                                  Fen(r.settlement_total),
                                  Fen(r.coupon_amount),
                                  r.refund_id,
                                  r.out_refund_no,
                                  Fen(r.refund_amount),
                                  Fen(r.recharge_coupon_refund),
                                  r.refund_type,
                                  r.refund_status,
                                  r.description,
                                  r.attach,
                                  r.fee,
                                  r.rate,
                                  Fen(r.order_amount),
                                  Fen(r.requested_refund),
                                  r.rate_note};
    for (size_t k = 0; k < std::size(fields); ++k) {
      if (k > 0) out += ',';
      out += '`';
      out += fields[k];
    }
    out += '\n';
  }
  out += Titles(kTradeBillSummaryColumns) + "\n";
  const std::string totals[] = {std::to_string(summary.count),
                                Fen(summary.settlement_total),
                                Fen(summary.refund_total),
                                Fen(summary.recharge_coupon_refund_total),
                                summary.fee_total,
                                Fen(summary.order_total),
                                Fen(summary.requested_refund_total)};
  for (size_t k = 0; k < std::size(totals); ++k) {
    if (k > 0) out += ',';
    out += '`';
    out += totals[k];
  }
  out += '\n';
  return out;
}

}  // namespace mileage::wechat::client
