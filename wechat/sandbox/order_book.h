#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "wechat/client/trade_bill.h"
#include "wechat/pay/transaction.h"

namespace mileage::wechat::sandbox {

// A JSAPI order as the sandbox keeps it. Money in fen. A value type.
struct Order {
  std::string mchid;
  std::string appid;
  std::string out_trade_no;
  std::string description;
  std::string attach;
  std::string notify_url;
  std::string payer_openid;
  int64_t total = 0;
  std::string prepay_id;
  TimePoint created_at;
  // Set once paid.
  std::string transaction_id;
  std::optional<TimePoint> success_time;
  int64_t refunded = 0;
};

// The order as WeChat Pay reports it (query and notification): NOTPAY until paid, then
// SUCCESS, or REFUND once refunded.
pay::Transaction TransactionOf(const Order& order);

// A refund as the sandbox keeps it (it succeeds at once). Money in fen. A value type.
struct RefundRecord {
  std::string mchid;
  std::string out_trade_no;
  std::string transaction_id;
  std::string out_refund_no;
  std::string refund_id;
  std::string reason;
  std::string notify_url;
  int64_t refund = 0;
  int64_t total = 0;
  TimePoint create_time;
};

// The sandbox's orders and refunds, in memory (a restart forgets them). Failures carry WeChat's
// error code as their reason (ORDER_NOT_EXIST, ORDERPAID, ...), which the HTTP layer returns
// as {"code":...}. Owned by the Sandbox; safe for concurrent use.
class OrderBook {
 public:
  explicit OrderBook(RandomSource& random) : random_(random) {}

  // Records `order` (prepay_id assigned). The same out_trade_no with the same content returns
  // the recorded order (WeChat's idempotency). AlreadyExists OUT_TRADE_NO_USED when the content
  // differs; FailedPrecondition ORDERPAID when it is already paid.
  Result<Order> Create(Order order, TimePoint now);

  // Marks an order paid by `payer_openid` (empty = the order's payer) and assigns its
  // transaction_id. NotFound ORDER_NOT_EXIST; FailedPrecondition ORDERPAID; InvalidArgument
  // PARAM_ERROR when no payer is known.
  Result<Order> Pay(std::string_view mchid, std::string_view out_trade_no,
                    std::string_view payer_openid, TimePoint now);

  // NotFound ORDER_NOT_EXIST.
  Result<Order> Find(std::string_view mchid, std::string_view out_trade_no) const;

  // Refunds part or all of a paid order named by transaction_id or out_trade_no. The same
  // out_refund_no returns the recorded refund with `created` false. NotFound ORDER_NOT_EXIST;
  // InvalidArgument PARAM_ERROR (total differs from the order, refund <= 0);
  // FailedPrecondition INVALID_REQUEST (order not paid), NOT_ENOUGH (more than remains).
  struct RefundOutcome {
    RefundRecord refund;
    bool created = false;
  };
  Result<RefundOutcome> Refund(RefundRecord request, TimePoint now);

  // The trade bill of `mchid` for a day ("2024-05-01", China Standard Time): payments that
  // succeeded and refunds made that day, in time order, and their summary (csv left empty).
  client::TradeBill Bill(std::string_view mchid, std::string_view bill_date) const;

 private:
  using Key = std::pair<std::string, std::string>;  // mchid, out_trade_no

  std::string NewId(std::string_view prefix, TimePoint now, size_t digits);

  RandomSource& random_;
  mutable std::mutex mutex_;
  std::map<Key, Order> orders_;
  std::vector<RefundRecord> refunds_;
};

}  // namespace mileage::wechat::sandbox
