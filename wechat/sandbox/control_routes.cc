#include <rapidjson/document.h>

#include "common/civil_time.h"
#include "crypto/random_string.h"
#include "wechat/client/json_writer.h"
#include "wechat/internal/json_reader.h"
#include "wechat/pay/notification_builder.h"
#include "wechat/pay/transaction.h"
#include "wechat/sandbox/fixtures.h"
#include "wechat/sandbox/sandbox.h"

namespace mileage::wechat::sandbox {
namespace {

using client::JsonWriter;

SandboxResponse Json(int status, std::string body) {
  return SandboxResponse{status, "application/json", std::move(body), {}};
}

SandboxResponse Error(int status, std::string_view code, std::string_view message) {
  JsonWriter w;
  w.BeginObject();
  w.String("code", code);
  w.String("message", message);
  w.EndObject();
  return Json(status, w.Take());
}

SandboxResponse ErrorFrom(const Status& status) {
  int http = 500;
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      http = 400;
      break;
    case StatusCode::kNotFound:
      http = 404;
      break;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      http = 409;
      break;
    default:
      break;
  }
  return Error(http, status.reason(), status.message());
}

// An optional JSON object body: empty means {}. False when it is something else.
bool ParseOptionalBody(const std::string& body, rapidjson::Document& doc) {
  if (body.empty()) {
    doc.SetObject();
    return true;
  }
  return internal::ParseJsonObject(body, doc);
}

void WriteDelivery(JsonWriter& w, const Delivery& d) {
  w.BeginObject();
  w.Int("id", d.id);
  w.String("kind", DeliveryKindName(d.kind));
  w.String("state", DeliveryStateName(d.state));
  w.String("mchid", d.mchid);
  w.String("notification_id", d.notification_id);
  w.String("event_type", d.event_type);
  w.String("url", d.url);
  w.String("out_trade_no", d.out_trade_no);
  w.String("out_refund_no", d.out_refund_no);
  w.BeginArray("attempts");
  for (const DeliveryAttempt& a : d.attempts) {
    w.BeginObject();
    w.String("at", civil::FormatRfc3339Beijing(a.at));
    w.Int("http_status", a.http_status);
    if (!a.error.empty()) w.String("error", a.error);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

int64_t ParseId(const std::string& text) {
  if (text.empty() || text.size() > 15) return 0;
  int64_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    id = id * 10 + (c - '0');
  }
  return id;
}

}  // namespace

SandboxResponse Sandbox::Overview(const SandboxRequest&) {
  JsonWriter w;
  w.BeginObject();
  w.String("key_mode", KeyModeName(config_.key_mode));
  w.String("platform_certificate_serial", state_.platform.certificate_serial);
  w.String("wechatpay_public_key_id", state_.platform.public_key_id);
  w.BeginArray("merchants");
  for (const Merchant& m : merchants_) {
    w.BeginObject();
    w.String("mchid", m.state.mchid);
    w.String("appid", m.state.appid);
    w.String("notify_url", m.state.notify_url);
    w.EndObject();
  }
  w.EndArray();
  w.BeginArray("mini_programs");
  for (const SandboxMiniProgramConfig& p : config_.mini_programs) w.Value(p.appid);
  w.EndArray();
  w.EndObject();
  return Json(200, w.Take());
}

SandboxResponse Sandbox::PayAndDeliver(const Merchant& merchant, std::string_view out_trade_no,
                                       std::string_view payer_openid) {
  Result<Order> paid = orders_.Pay(merchant.state.mchid, out_trade_no, payer_openid, clock_.Now());
  if (!paid.ok()) return ErrorFrom(paid.status());
  Result<int64_t> delivery = DeliverTransaction(merchant, *paid);
  if (!delivery.ok()) return ErrorFrom(delivery.status());
  std::optional<Delivery> queued = dispatcher_->Find(*delivery);
  JsonWriter w;
  w.BeginObject();
  w.String("mchid", paid->mchid);
  w.String("out_trade_no", paid->out_trade_no);
  w.String("transaction_id", paid->transaction_id);
  w.String("payer_openid", paid->payer_openid);
  w.Int("amount", paid->total);
  w.String("notify_url", paid->notify_url);
  w.Int("delivery_id", *delivery);
  w.String("notification_id", queued ? queued->notification_id : "");
  w.EndObject();
  return Json(200, w.Take());
}

SandboxResponse Sandbox::PayOrder(const SandboxRequest& request) {
  const Merchant* merchant = FindMerchant(request.path_params.at(0));
  if (merchant == nullptr) return Error(404, "NOT_FOUND", "no such merchant");
  rapidjson::Document doc;
  if (!ParseOptionalBody(request.body, doc)) {
    return Error(400, "PARAM_ERROR", "the body must be a JSON object");
  }
  internal::ObjectReader reader(doc);
  std::string payer = reader.OptionalString("payer_openid");
  if (!reader.ok()) return Error(400, "PARAM_ERROR", reader.error());
  return PayAndDeliver(*merchant, request.path_params.at(1), payer);
}

SandboxResponse Sandbox::QuickPayment(const SandboxRequest& request) {
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(request.body, doc)) {
    return Error(400, "PARAM_ERROR", "the body must be a JSON object");
  }
  internal::ObjectReader reader(doc);
  std::string mchid = reader.OptionalString("mchid");
  int64_t amount = reader.RequiredNonNegative("amount");
  std::string openid = reader.OptionalString("openid");
  std::string code = reader.OptionalString("openid_code");
  Order order;
  order.notify_url = reader.OptionalString("notify_url");
  order.description = reader.OptionalString("description");
  order.out_trade_no = reader.OptionalString("out_trade_no");
  order.attach = reader.OptionalString("attach");
  if (!reader.ok()) return Error(400, "PARAM_ERROR", reader.error());
  const Merchant* merchant = mchid.empty() ? &merchants_.front() : FindMerchant(mchid);
  if (merchant == nullptr) return Error(404, "NOT_FOUND", "no such merchant");
  if (amount <= 0) return Error(400, "PARAM_ERROR", "amount must be a positive number of fen");
  if (openid.empty()) {
    if (code.empty() || IsRejectedCode(code)) {
      return Error(400, "PARAM_ERROR", "give openid or a valid openid_code (e.g. user-1)");
    }
    openid = OpenidFor(merchant->state.appid, code);
  }
  if (order.notify_url.empty()) order.notify_url = merchant->state.notify_url;
  if (!order.notify_url.starts_with("http://") && !order.notify_url.starts_with("https://")) {
    return Error(400, "PARAM_ERROR",
                 "notify_url must be an http(s) URL (none given or configured)");
  }
  if (order.description.empty()) order.description = "Sandbox payment";
  if (order.out_trade_no.empty())
    order.out_trade_no = "SBX" + crypto::RandomAlphanumeric(random_, 24);
  order.mchid = merchant->state.mchid;
  order.appid = merchant->state.appid;
  order.total = amount;
  order.payer_openid = openid;
  Result<Order> created = orders_.Create(order, clock_.Now());
  if (!created.ok()) return ErrorFrom(created.status());
  return PayAndDeliver(*merchant, created->out_trade_no, openid);
}

SandboxResponse Sandbox::QuickRefund(const SandboxRequest& request) {
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(request.body, doc)) {
    return Error(400, "PARAM_ERROR", "the body must be a JSON object");
  }
  internal::ObjectReader reader(doc);
  std::string mchid = reader.OptionalString("mchid");
  RefundRecord refund;
  refund.out_trade_no = reader.RequiredString("out_trade_no");
  std::optional<int64_t> amount = reader.OptionalNonNegative("amount");
  refund.out_refund_no = reader.OptionalString("out_refund_no");
  refund.notify_url = reader.OptionalString("notify_url");
  refund.reason = reader.OptionalString("reason");
  if (!reader.ok()) return Error(400, "PARAM_ERROR", reader.error());
  const Merchant* merchant = mchid.empty() ? &merchants_.front() : FindMerchant(mchid);
  if (merchant == nullptr) return Error(404, "NOT_FOUND", "no such merchant");
  Result<Order> order = orders_.Find(merchant->state.mchid, refund.out_trade_no);
  if (!order.ok()) return ErrorFrom(order.status());
  refund.mchid = merchant->state.mchid;
  refund.total = order->total;
  refund.refund = amount.value_or(order->total - order->refunded);
  if (refund.out_refund_no.empty())
    refund.out_refund_no = "SBXR" + crypto::RandomAlphanumeric(random_, 24);
  Result<OrderBook::RefundOutcome> outcome = orders_.Refund(std::move(refund), clock_.Now());
  if (!outcome.ok()) return ErrorFrom(outcome.status());
  const RefundRecord& r = outcome->refund;
  int64_t delivery_id = 0;
  if (outcome->created && !r.notify_url.empty()) {
    Result<int64_t> queued = DeliverRefund(*merchant, r);
    if (!queued.ok()) return ErrorFrom(queued.status());
    delivery_id = *queued;
  }
  JsonWriter w;
  w.BeginObject();
  w.String("out_trade_no", r.out_trade_no);
  w.String("out_refund_no", r.out_refund_no);
  w.String("refund_id", r.refund_id);
  w.Int("refund", r.refund);
  w.Int("total", r.total);
  w.Int("delivery_id", delivery_id);
  w.EndObject();
  return Json(200, w.Take());
}

SandboxResponse Sandbox::SendProbe(const SandboxRequest& request) {
  const Merchant* merchant = FindMerchant(request.path_params.at(0));
  if (merchant == nullptr) return Error(404, "NOT_FOUND", "no such merchant");
  rapidjson::Document doc;
  if (!ParseOptionalBody(request.body, doc)) {
    return Error(400, "PARAM_ERROR", "the body must be a JSON object");
  }
  internal::ObjectReader reader(doc);
  std::string url = reader.OptionalString("notify_url");
  if (url.empty()) url = merchant->state.notify_url;
  if (!reader.ok() || url.empty()) return Error(400, "PARAM_ERROR", "no notify_url");
  // A well-formed payment notification for a made-up order: only the signature is wrong.
  pay::Transaction t;
  t.appid = merchant->state.appid;
  t.mchid = merchant->state.mchid;
  t.out_trade_no = "SIGNTEST" + crypto::RandomAlphanumeric(random_, 16);
  t.transaction_id = "4200000000000000000000000000";
  t.trade_type = "JSAPI";
  t.trade_state_desc = "支付成功";
  t.success_time = clock_.Now();
  t.payer_openid = OpenidFor(merchant->state.appid, "signtest");
  t.amount = pay::TransactionAmount{1, 1, "CNY", "CNY"};
  pay::NotificationSpec spec;
  spec.id = NewNotificationId();
  spec.event_type = "TRANSACTION.SUCCESS";
  spec.summary = "支付成功";
  spec.original_type = "transaction";
  spec.associated_data = "transaction";
  spec.plaintext = pay::SerializeTransaction(t);
  Result<std::string> body = pay::BuildNotificationBody(
      spec, merchant->apiv3_key, crypto::RandomAlphanumeric(random_, 12), clock_.Now());
  if (!body.ok()) return ErrorFrom(body.status());
  Delivery delivery;
  delivery.kind = DeliveryKind::kProbe;
  delivery.mchid = merchant->state.mchid;
  delivery.notification_id = spec.id;
  delivery.event_type = spec.event_type;
  delivery.url = url;
  delivery.body = std::move(*body);
  delivery.out_trade_no = t.out_trade_no;
  int64_t id = dispatcher_->Enqueue(std::move(delivery));
  JsonWriter w;
  w.BeginObject();
  w.Int("delivery_id", id);
  w.String("notification_id", spec.id);
  w.EndObject();
  return Json(200, w.Take());
}

SandboxResponse Sandbox::Duplicate(const SandboxRequest& request) {
  std::optional<Delivery> original = dispatcher_->Find(ParseId(request.path_params.at(0)));
  if (!original) return Error(404, "NOT_FOUND", "no such delivery");
  if (original->kind == DeliveryKind::kProbe) {
    return Error(400, "PARAM_ERROR", "probes are not duplicated; send another one");
  }
  Delivery copy = *original;
  copy.kind = DeliveryKind::kDuplicate;
  int64_t id = dispatcher_->Enqueue(std::move(copy));
  JsonWriter w;
  w.BeginObject();
  w.Int("delivery_id", id);
  w.String("notification_id", original->notification_id);
  w.EndObject();
  return Json(200, w.Take());
}

SandboxResponse Sandbox::ListDeliveries(const SandboxRequest& request) {
  std::string mchid = request.Query("mchid");
  std::string notification_id = request.Query("notification_id");
  std::string out_trade_no = request.Query("out_trade_no");
  JsonWriter w;
  w.BeginObject();
  w.BeginArray("deliveries");
  for (const Delivery& d : dispatcher_->List()) {
    if ((!mchid.empty() && d.mchid != mchid) ||
        (!notification_id.empty() && d.notification_id != notification_id) ||
        (!out_trade_no.empty() && d.out_trade_no != out_trade_no)) {
      continue;
    }
    WriteDelivery(w, d);
  }
  w.EndArray();
  w.EndObject();
  return Json(200, w.Take());
}

SandboxResponse Sandbox::GetDelivery(const SandboxRequest& request) {
  std::optional<Delivery> delivery = dispatcher_->Find(ParseId(request.path_params.at(0)));
  if (!delivery) return Error(404, "NOT_FOUND", "no such delivery");
  JsonWriter w;
  WriteDelivery(w, *delivery);
  return Json(200, w.Take());
}

SandboxResponse Sandbox::ExportMerchant(const SandboxRequest& request) {
  std::optional<std::string> exported = Export(request.path_params.at(0));
  if (!exported) return Error(404, "NOT_FOUND", "no such merchant");
  return Json(200, std::move(*exported));
}

SandboxResponse Sandbox::MiniProgramInfo(const SandboxRequest& request) {
  const std::string& appid = request.path_params.at(0);
  std::lock_guard lock(mutex_);
  auto it = mini_programs_.find(appid);
  if (it == mini_programs_.end()) return Error(404, "NOT_FOUND", "no such mini-program");
  const MiniProgramStats& s = it->second.stats;
  JsonWriter w;
  w.BeginObject();
  w.String("appid", appid);
  w.Int("stable_token_calls", s.stable_token_calls);
  w.Int("code2session_calls", s.code2session_calls);
  w.Int("phone_number_calls", s.phone_number_calls);
  w.Int("wxacode_calls", s.wxacode_calls);
  w.Int("refused_messages", s.refused_messages);
  w.BeginArray("subscriptions");
  for (const auto& [key, remaining] : it->second.grants) {
    w.BeginObject();
    w.String("openid", key.first);
    w.String("template_id", key.second);
    w.Int("remaining", remaining);
    w.EndObject();
  }
  w.EndArray();
  w.BeginArray("messages");
  for (const std::string& message : s.messages) {
    w.BeginObject();
    w.Raw("body", message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Json(200, w.Take());
}

SandboxResponse Sandbox::InvalidateToken(const SandboxRequest& request) {
  std::lock_guard lock(mutex_);
  auto it = mini_programs_.find(request.path_params.at(0));
  if (it == mini_programs_.end()) return Error(404, "NOT_FOUND", "no such mini-program");
  it->second.token.clear();
  return SandboxResponse{204, "application/json", "", {}};
}

Result<int64_t> Sandbox::GrantSubscription(std::string_view appid, std::string_view openid,
                                           std::string_view template_id, int64_t count) {
  std::lock_guard lock(mutex_);
  auto it = mini_programs_.find(appid);
  if (it == mini_programs_.end()) return NotFoundError("no such mini-program", "NOT_FOUND");
  int64_t& grants = it->second.grants[{std::string(openid), std::string(template_id)}];
  grants += count;
  return grants;
}

int64_t Sandbox::SubscriptionsLeft(std::string_view appid, std::string_view openid,
                                   std::string_view template_id) const {
  std::lock_guard lock(mutex_);
  auto it = mini_programs_.find(appid);
  if (it == mini_programs_.end()) return 0;
  auto grant = it->second.grants.find({std::string(openid), std::string(template_id)});
  return grant == it->second.grants.end() ? 0 : grant->second;
}

Status Sandbox::FailNextSends(std::string_view appid, int64_t count) {
  std::lock_guard lock(mutex_);
  auto it = mini_programs_.find(appid);
  if (it == mini_programs_.end()) return NotFoundError("no such mini-program", "NOT_FOUND");
  it->second.busy_sends = count;
  return Status::Ok();
}

// POST /sandbox/mini-programs/{appid}/subscriptions {"openid","template_id","count"} (count
// 1..100, default 1): the user tapped "accept"; answers {"remaining"}.
SandboxResponse Sandbox::GrantRoute(const SandboxRequest& request) {
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(request.body, doc)) {
    return Error(400, "INVALID_BODY", "a JSON object is required");
  }
  internal::ObjectReader reader(doc);
  const std::string openid = reader.OptionalString("openid");
  const std::string template_id = reader.OptionalString("template_id");
  const int64_t count = reader.OptionalNonNegative("count").value_or(1);
  if (!reader.ok() || openid.empty() || template_id.empty() || count < 1 || count > 100) {
    return Error(400, "INVALID_BODY", "openid, template_id and a count of 1..100 are required");
  }
  Result<int64_t> remaining =
      GrantSubscription(request.path_params.at(0), openid, template_id, count);
  if (!remaining.ok()) return ErrorFrom(remaining.status());
  JsonWriter w;
  w.BeginObject();
  w.Int("remaining", *remaining);
  w.EndObject();
  return Json(200, w.Take());
}

// POST /sandbox/mini-programs/{appid}/subscribe-faults {"busy": n}: the next n sends answer -1.
SandboxResponse Sandbox::FaultRoute(const SandboxRequest& request) {
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(request.body, doc)) {
    return Error(400, "INVALID_BODY", "a JSON object is required");
  }
  internal::ObjectReader reader(doc);
  const std::optional<int64_t> busy = reader.OptionalNonNegative("busy");
  if (!reader.ok() || !busy.has_value() || *busy > 1000) {
    return Error(400, "INVALID_BODY", "busy (0..1000) is required");
  }
  Status set = FailNextSends(request.path_params.at(0), *busy);
  if (!set.ok()) return ErrorFrom(set);
  return SandboxResponse{204, "application/json", "", {}};
}

}  // namespace mileage::wechat::sandbox
