#include "wechat/sandbox/order_book.h"

#include <algorithm>

#include "common/civil_time.h"

namespace mileage::wechat::sandbox {
namespace {

// "2024-05-01 10:00:00" in China Standard Time.
std::string BillTime(TimePoint t) {
  std::string text = civil::FormatRfc3339Beijing(t);  // 2024-05-01T10:00:00+08:00
  text[10] = ' ';
  return text.substr(0, 19);
}

std::string CompactDate(TimePoint t) {
  std::string text = civil::FormatRfc3339Beijing(t);
  return text.substr(0, 4) + text.substr(5, 2) + text.substr(8, 2);
}

// WeChat's fee at 0.60%, as yuan with five decimals: fen * 6 is the fee in 1e-5 yuan.
std::string Fee(int64_t fen) {
  int64_t units = fen * 6;
  std::string fraction = std::to_string(units % 100000);
  return std::to_string(units / 100000) + "." + std::string(5 - fraction.size(), '0') + fraction;
}

}  // namespace

std::string OrderBook::NewId(std::string_view prefix, TimePoint now, size_t digits) {
  std::vector<uint8_t> bytes(digits);
  random_.Fill(bytes);
  std::string id(prefix);
  id += CompactDate(now);
  for (uint8_t b : bytes) id += static_cast<char>('0' + b % 10);
  return id;
}

Result<Order> OrderBook::Create(Order order, TimePoint now) {
  std::lock_guard lock(mutex_);
  Key key{order.mchid, order.out_trade_no};
  auto it = orders_.find(key);
  if (it != orders_.end()) {
    const Order& old = it->second;
    if (old.success_time) return FailedPreconditionError("the order is paid", "ORDERPAID");
    if (old.appid != order.appid || old.total != order.total ||
        old.description != order.description || old.payer_openid != order.payer_openid ||
        old.notify_url != order.notify_url || old.attach != order.attach) {
      return AlreadyExistsError("out_trade_no is used by a different order", "OUT_TRADE_NO_USED");
    }
    return old;
  }
  order.created_at = now;
  order.prepay_id = "wx" + NewId("", now, 26);
  orders_.emplace(key, order);
  return order;
}

Result<Order> OrderBook::Pay(std::string_view mchid, std::string_view out_trade_no,
                             std::string_view payer_openid, TimePoint now) {
  std::lock_guard lock(mutex_);
  auto it = orders_.find(Key{std::string(mchid), std::string(out_trade_no)});
  if (it == orders_.end()) return NotFoundError("no such order", "ORDER_NOT_EXIST");
  Order& order = it->second;
  if (order.success_time) return FailedPreconditionError("the order is paid", "ORDERPAID");
  if (!payer_openid.empty()) order.payer_openid = std::string(payer_openid);
  if (order.payer_openid.empty()) return InvalidArgumentError("no payer openid", "PARAM_ERROR");
  order.transaction_id = NewId("4200000", now, 13);
  order.success_time = now;
  return order;
}

Result<Order> OrderBook::Find(std::string_view mchid, std::string_view out_trade_no) const {
  std::lock_guard lock(mutex_);
  auto it = orders_.find(Key{std::string(mchid), std::string(out_trade_no)});
  if (it == orders_.end()) return NotFoundError("no such order", "ORDER_NOT_EXIST");
  return it->second;
}

Result<OrderBook::RefundOutcome> OrderBook::Refund(RefundRecord request, TimePoint now) {
  std::lock_guard lock(mutex_);
  for (const RefundRecord& r : refunds_) {
    if (r.mchid == request.mchid && r.out_refund_no == request.out_refund_no) {
      return RefundOutcome{r, false};
    }
  }
  Order* order = nullptr;
  for (auto& [key, candidate] : orders_) {
    if (candidate.mchid != request.mchid) continue;
    if ((!request.transaction_id.empty() && candidate.transaction_id == request.transaction_id) ||
        (request.transaction_id.empty() && candidate.out_trade_no == request.out_trade_no)) {
      order = &candidate;
      break;
    }
  }
  if (order == nullptr) return NotFoundError("no such order", "ORDER_NOT_EXIST");
  if (!order->success_time) {
    return FailedPreconditionError("the order is not paid", "INVALID_REQUEST");
  }
  if (request.total != order->total || request.refund <= 0) {
    return InvalidArgumentError("amount.total must equal the order and refund be positive",
                                "PARAM_ERROR");
  }
  if (request.refund > order->total - order->refunded) {
    return FailedPreconditionError("the refund exceeds what remains of the order", "NOT_ENOUGH");
  }
  order->refunded += request.refund;
  request.out_trade_no = order->out_trade_no;
  request.transaction_id = order->transaction_id;
  request.refund_id = NewId("50300", now, 16);
  request.create_time = now;
  if (request.notify_url.empty()) request.notify_url = order->notify_url;
  refunds_.push_back(request);
  return RefundOutcome{request, true};
}

client::TradeBill OrderBook::Bill(std::string_view mchid, std::string_view bill_date) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<TimePoint, client::TradeBillRow>> rows;
  auto base = [](const Order& o) {
    client::TradeBillRow row;
    row.appid = o.appid;
    row.mchid = o.mchid;
    row.sub_mchid = "0";
    row.transaction_id = o.transaction_id;
    row.out_trade_no = o.out_trade_no;
    row.openid = o.payer_openid;
    row.trade_type = "JSAPI";
    row.bank_type = "OTHERS";
    row.currency = "CNY";
    row.description = o.description;
    row.attach = o.attach;
    row.rate = "0.60%";
    return row;
  };
  for (const auto& [key, o] : orders_) {
    if (o.mchid != mchid || !o.success_time) continue;
    std::string time = BillTime(*o.success_time);
    if (time.substr(0, 10) != bill_date) continue;
    client::TradeBillRow row = base(o);
    row.trade_time = time;
    row.trade_state = "SUCCESS";
    row.settlement_total = o.total;
    row.order_amount = o.total;
    row.fee = Fee(o.total);
    rows.emplace_back(*o.success_time, std::move(row));
  }
  for (const RefundRecord& r : refunds_) {
    if (r.mchid != mchid) continue;
    std::string time = BillTime(r.create_time);
    if (time.substr(0, 10) != bill_date) continue;
    auto it = orders_.find(Key{r.mchid, r.out_trade_no});
    if (it == orders_.end()) continue;
    client::TradeBillRow row = base(it->second);
    row.trade_time = time;
    row.trade_state = "REFUND";
    row.refund_id = r.refund_id;
    row.out_refund_no = r.out_refund_no;
    row.refund_amount = r.refund;
    row.requested_refund = r.refund;
    row.refund_type = "ORIGINAL";
    row.refund_status = "SUCCESS";
    row.fee = "0.00000";
    rows.emplace_back(r.create_time, std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  client::TradeBill bill;
  int64_t paid_total = 0;
  for (auto& [time, row] : rows) {
    bill.summary.count += 1;
    bill.summary.settlement_total += row.settlement_total;
    bill.summary.refund_total += row.refund_amount;
    bill.summary.order_total += row.order_amount;
    bill.summary.requested_refund_total += row.requested_refund;
    if (row.trade_state == "SUCCESS") paid_total += row.order_amount;
    bill.rows.push_back(std::move(row));
  }
  bill.summary.fee_total = Fee(paid_total);
  return bill;
}

pay::Transaction TransactionOf(const Order& order) {
  pay::Transaction t;
  t.appid = order.appid;
  t.mchid = order.mchid;
  t.out_trade_no = order.out_trade_no;
  t.transaction_id = order.transaction_id;
  t.trade_type = "JSAPI";
  t.attach = order.attach;
  t.payer_openid = order.payer_openid;
  t.amount =
      pay::TransactionAmount{order.total, order.success_time ? order.total : 0, "CNY", "CNY"};
  if (!order.success_time) {
    t.trade_state = pay::TradeState::kNotPay;
    t.trade_state_desc = "订单未支付";
  } else {
    t.trade_state = order.refunded > 0 ? pay::TradeState::kRefund : pay::TradeState::kSuccess;
    t.trade_state_desc = order.refunded > 0 ? "转入退款" : "支付成功";
    t.bank_type = "OTHERS";
    t.success_time = order.success_time;
  }
  return t;
}

}  // namespace mileage::wechat::sandbox
