#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace mileage::wechat::pay {

// trade_state of a transaction.
enum class TradeState {
  kSuccess,
  kRefund,
  kNotPay,
  kClosed,
  kRevoked,
  kUserPaying,
  kPayError,
};

// "SUCCESS", "REFUND", ... as WeChat spells them.
std::string_view TradeStateName(TradeState state);
std::optional<TradeState> ParseTradeState(std::string_view name);

// amount of a transaction; money in fen.
struct TransactionAmount {
  int64_t total = 0;
  int64_t payer_total = 0;
  std::string currency;        // "CNY"
  std::string payer_currency;  // "CNY"
};

// One entry of promotion_detail (a WeChat Pay coupon applied to the payment); money in fen.
struct PromotionDetail {
  std::string coupon_id;
  std::string name;
  std::string scope;  // GLOBAL | SINGLE
  std::string type;   // CASH | NOCASH
  int64_t amount = 0;
  std::string stock_id;
  int64_t wechatpay_contribute = 0;
  int64_t merchant_contribute = 0;
  int64_t other_contribute = 0;
  std::string currency;
};

// The decrypted resource of a TRANSACTION.SUCCESS notification (direct-merchant mode), with
// WeChat's field names. A value type.
struct Transaction {
  std::string appid;
  std::string mchid;
  std::string out_trade_no;
  std::string transaction_id;
  std::string trade_type;  // JSAPI | NATIVE | APP | MICROPAY | MWEB | FACEPAY
  TradeState trade_state = TradeState::kSuccess;
  std::string trade_state_desc;
  std::string bank_type;
  std::string attach;
  std::optional<TimePoint> success_time;
  std::string payer_openid;
  TransactionAmount amount;
  std::string device_id;  // scene_info.device_id
  std::vector<PromotionDetail> promotion_detail;
};

// Parses a decrypted transaction resource. Required: appid, mchid, out_trade_no,
// transaction_id, trade_state, amount.total; others default when absent; unknown fields are
// ignored. InvalidArgument WECHATPAY_MALFORMED_RESOURCE when the text is not a JSON object, a
// required field is missing, or a field has the wrong type or value.
Result<Transaction> ParseTransaction(std::string_view json);

// The JSON WeChat Pay would send for `transaction` (the sandbox and tests).
std::string SerializeTransaction(const Transaction& transaction);

}  // namespace mileage::wechat::pay
