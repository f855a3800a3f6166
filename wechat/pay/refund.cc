#include "wechat/pay/refund.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "wechat/internal/json_reader.h"
#include "common/civil_time.h"
#include "wechat/reasons.h"

namespace mileage::wechat::pay {
namespace {

Status Malformed(const std::string& what) {
  return InvalidArgumentError("refund resource: " + what, reason::kMalformedResource);
}

void WriteString(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key,
                 const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::string_view RefundStatusName(RefundStatus status) {
  switch (status) {
    case RefundStatus::kSuccess:
      return "SUCCESS";
    case RefundStatus::kClosed:
      return "CLOSED";
    case RefundStatus::kAbnormal:
      return "ABNORMAL";
  }
  return "SUCCESS";
}

std::optional<RefundStatus> ParseRefundStatus(std::string_view name) {
  if (name == "SUCCESS") return RefundStatus::kSuccess;
  if (name == "CLOSED") return RefundStatus::kClosed;
  if (name == "ABNORMAL") return RefundStatus::kAbnormal;
  return std::nullopt;
}

Result<Refund> ParseRefund(std::string_view json) {
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(json, doc)) return Malformed("not a JSON object");
  internal::ObjectReader r(doc);
  Refund out;
  out.mchid = r.RequiredString("mchid");
  out.out_trade_no = r.RequiredString("out_trade_no");
  out.transaction_id = r.RequiredString("transaction_id");
  out.out_refund_no = r.RequiredString("out_refund_no");
  out.refund_id = r.RequiredString("refund_id");
  std::string status = r.RequiredString("refund_status");
  std::string success_time = r.OptionalString("success_time");
  out.user_received_account = r.OptionalString("user_received_account");
  if (const rapidjson::Value* amount = r.RequiredObject("amount")) {
    internal::ObjectReader ar(*amount, "amount.");
    out.amount.total = ar.RequiredNonNegative("total");
    out.amount.refund = ar.RequiredNonNegative("refund");
    out.amount.payer_total = ar.OptionalNonNegative("payer_total").value_or(0);
    out.amount.payer_refund = ar.OptionalNonNegative("payer_refund").value_or(0);
    if (!ar.ok()) r.Fail(ar.error());
  }
  if (!r.ok()) return Malformed(r.error());

  std::optional<RefundStatus> parsed = ParseRefundStatus(status);
  if (!parsed) return Malformed("unknown refund_status");
  out.refund_status = *parsed;
  if (!success_time.empty()) {
    out.success_time = civil::ParseRfc3339(success_time);
    if (!out.success_time) return Malformed("success_time is not an RFC 3339 time");
  }
  return out;
}

std::string SerializeRefund(const Refund& refund) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  WriteString(w, "mchid", refund.mchid);
  WriteString(w, "out_trade_no", refund.out_trade_no);
  WriteString(w, "transaction_id", refund.transaction_id);
  WriteString(w, "out_refund_no", refund.out_refund_no);
  WriteString(w, "refund_id", refund.refund_id);
  WriteString(w, "refund_status", std::string(RefundStatusName(refund.refund_status)));
  if (refund.success_time) WriteString(w, "success_time", civil::FormatRfc3339Beijing(*refund.success_time));
  if (!refund.user_received_account.empty()) {
    WriteString(w, "user_received_account", refund.user_received_account);
  }
  w.Key("amount");
  w.StartObject();
  w.Key("total");
  w.Int64(refund.amount.total);
  w.Key("refund");
  w.Int64(refund.amount.refund);
  w.Key("payer_total");
  w.Int64(refund.amount.payer_total);
  w.Key("payer_refund");
  w.Int64(refund.amount.payer_refund);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace mileage::wechat::pay
