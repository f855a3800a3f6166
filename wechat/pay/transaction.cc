#include "wechat/pay/transaction.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <utility>

#include "wechat/internal/json_reader.h"
#include "common/civil_time.h"
#include "wechat/reasons.h"

namespace mileage::wechat::pay {
namespace {

constexpr std::array<std::pair<TradeState, std::string_view>, 7> kTradeStates = {{
    {TradeState::kSuccess, "SUCCESS"},
    {TradeState::kRefund, "REFUND"},
    {TradeState::kNotPay, "NOTPAY"},
    {TradeState::kClosed, "CLOSED"},
    {TradeState::kRevoked, "REVOKED"},
    {TradeState::kUserPaying, "USERPAYING"},
    {TradeState::kPayError, "PAYERROR"},
}};

Status Malformed(const std::string& what) {
  return InvalidArgumentError("transaction resource: " + what, reason::kMalformedResource);
}

PromotionDetail ReadPromotion(const rapidjson::Value& value, internal::ObjectReader& parent) {
  internal::ObjectReader r(value, "promotion_detail[].");
  PromotionDetail p;
  p.coupon_id = r.RequiredString("coupon_id");
  p.name = r.OptionalString("name");
  p.scope = r.OptionalString("scope");
  p.type = r.OptionalString("type");
  p.amount = r.RequiredNonNegative("amount");
  p.stock_id = r.OptionalString("stock_id");
  p.wechatpay_contribute = r.OptionalNonNegative("wechatpay_contribute").value_or(0);
  p.merchant_contribute = r.OptionalNonNegative("merchant_contribute").value_or(0);
  p.other_contribute = r.OptionalNonNegative("other_contribute").value_or(0);
  p.currency = r.OptionalString("currency");
  if (!r.ok()) parent.Fail(r.error());
  return p;
}

void WriteString(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key,
                 const std::string& value, bool skip_empty = true) {
  if (skip_empty && value.empty()) return;
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::string_view TradeStateName(TradeState state) {
  for (const auto& [s, name] : kTradeStates) {
    if (s == state) return name;
  }
  return "SUCCESS";
}

std::optional<TradeState> ParseTradeState(std::string_view name) {
  for (const auto& [s, n] : kTradeStates) {
    if (n == name) return s;
  }
  return std::nullopt;
}

Result<Transaction> ParseTransaction(std::string_view json) {
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(json, doc)) return Malformed("not a JSON object");
  internal::ObjectReader r(doc);
  Transaction t;
  t.appid = r.RequiredString("appid");
  t.mchid = r.RequiredString("mchid");
  t.out_trade_no = r.RequiredString("out_trade_no");
  t.transaction_id = r.RequiredString("transaction_id");
  t.trade_type = r.OptionalString("trade_type");
  std::string state = r.RequiredString("trade_state");
  t.trade_state_desc = r.OptionalString("trade_state_desc");
  t.bank_type = r.OptionalString("bank_type");
  t.attach = r.OptionalString("attach");
  std::string success_time = r.OptionalString("success_time");
  if (const rapidjson::Value* payer = r.OptionalObject("payer")) {
    internal::ObjectReader pr(*payer, "payer.");
    t.payer_openid = pr.OptionalString("openid");
    if (!pr.ok()) r.Fail(pr.error());
  }
  if (const rapidjson::Value* amount = r.RequiredObject("amount")) {
    internal::ObjectReader ar(*amount, "amount.");
    t.amount.total = ar.RequiredNonNegative("total");
    t.amount.payer_total = ar.OptionalNonNegative("payer_total").value_or(0);
    t.amount.currency = ar.OptionalString("currency");
    t.amount.payer_currency = ar.OptionalString("payer_currency");
    if (!ar.ok()) r.Fail(ar.error());
  }
  if (const rapidjson::Value* scene = r.OptionalObject("scene_info")) {
    internal::ObjectReader sr(*scene, "scene_info.");
    t.device_id = sr.OptionalString("device_id");
    if (!sr.ok()) r.Fail(sr.error());
  }
  if (const rapidjson::Value* promotions = r.OptionalArray("promotion_detail")) {
    for (const rapidjson::Value& p : promotions->GetArray()) {
      t.promotion_detail.push_back(ReadPromotion(p, r));
    }
  }
  if (!r.ok()) return Malformed(r.error());

  std::optional<TradeState> parsed_state = ParseTradeState(state);
  if (!parsed_state) return Malformed("unknown trade_state");
  t.trade_state = *parsed_state;
  if (!success_time.empty()) {
    t.success_time = civil::ParseRfc3339(success_time);
    if (!t.success_time) return Malformed("success_time is not an RFC 3339 time");
  }
  return t;
}

std::string SerializeTransaction(const Transaction& t) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  WriteString(w, "mchid", t.mchid, false);
  WriteString(w, "appid", t.appid, false);
  WriteString(w, "out_trade_no", t.out_trade_no, false);
  WriteString(w, "transaction_id", t.transaction_id, false);
  WriteString(w, "trade_type", t.trade_type);
  std::string state(TradeStateName(t.trade_state));
  WriteString(w, "trade_state", state, false);
  WriteString(w, "trade_state_desc", t.trade_state_desc);
  WriteString(w, "bank_type", t.bank_type);
  WriteString(w, "attach", t.attach);
  if (t.success_time) WriteString(w, "success_time", civil::FormatRfc3339Beijing(*t.success_time));
  if (!t.payer_openid.empty()) {
    w.Key("payer");
    w.StartObject();
    WriteString(w, "openid", t.payer_openid);
    w.EndObject();
  }
  w.Key("amount");
  w.StartObject();
  w.Key("total");
  w.Int64(t.amount.total);
  w.Key("payer_total");
  w.Int64(t.amount.payer_total);
  WriteString(w, "currency", t.amount.currency);
  WriteString(w, "payer_currency", t.amount.payer_currency);
  w.EndObject();
  if (!t.device_id.empty()) {
    w.Key("scene_info");
    w.StartObject();
    WriteString(w, "device_id", t.device_id);
    w.EndObject();
  }
  if (!t.promotion_detail.empty()) {
    w.Key("promotion_detail");
    w.StartArray();
    for (const PromotionDetail& p : t.promotion_detail) {
      w.StartObject();
      WriteString(w, "coupon_id", p.coupon_id, false);
      WriteString(w, "name", p.name);
      WriteString(w, "scope", p.scope);
      WriteString(w, "type", p.type);
      w.Key("amount");
      w.Int64(p.amount);
      WriteString(w, "stock_id", p.stock_id);
      w.Key("wechatpay_contribute");
      w.Int64(p.wechatpay_contribute);
      w.Key("merchant_contribute");
      w.Int64(p.merchant_contribute);
      w.Key("other_contribute");
      w.Int64(p.other_contribute);
      WriteString(w, "currency", p.currency);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace mileage::wechat::pay
