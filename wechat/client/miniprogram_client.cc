#include "wechat/client/miniprogram_client.h"

#include <rapidjson/document.h>

#include "wechat/client/error_mapping.h"
#include "wechat/client/json_writer.h"
#include "wechat/client/reasons.h"
#include "wechat/internal/json_reader.h"

namespace mileage::wechat::client {
namespace {

constexpr size_t kMaxCodeBytes = 256;

bool IsPlausibleCode(std::string_view code) {
  if (code.empty() || code.size() > kMaxCodeBytes) return false;
  for (char c : code) {
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}

// The errcode of a JSON answer (0 when absent), or nullopt when the body is not a JSON object.
std::optional<int64_t> Errcode(const rapidjson::Document& doc) {
  auto it = doc.FindMember("errcode");
  if (it == doc.MemberEnd()) return 0;
  if (!it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

std::string Errmsg(const rapidjson::Document& doc) {
  auto it = doc.FindMember("errmsg");
  if (it == doc.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// Parses a JSON answer and maps a non-zero errcode. Internal WECHAT_BAD_RESPONSE when the body
// is not a JSON object or the status is not 200.
Status CheckJsonAnswer(const HttpReply& reply, std::string_view api, rapidjson::Document& doc) {
  if (reply.status != 200 || !internal::ParseJsonObject(reply.body, doc)) {
    return InternalError(
        std::string(api) + ": unexpected HTTP " + std::to_string(reply.status) + " answer",
        reason::kBadResponse);
  }
  std::optional<int64_t> errcode = Errcode(doc);
  if (!errcode)
    return InternalError(std::string(api) + ": errcode is not an integer", reason::kBadResponse);
  if (*errcode != 0) return MapErrcode(*errcode, Errmsg(doc), api);
  return Status::Ok();
}

}  // namespace

bool IsValidScene(std::string_view scene) {
  if (scene.empty() || scene.size() > kMaxSceneLength) return false;
  constexpr std::string_view kPunctuation = "!#$&'()*+,/:;=?@-._~";
  for (char c : scene) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              kPunctuation.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

MiniProgramClient::MiniProgramClient(ApiClient& api, kv::Kv& kv, const Clock& clock,
                                     RandomSource& random, MiniProgramCredentials credentials,
                                     AccessTokenOptions token_options)
    : api_(api),
      credentials_(std::move(credentials)),
      tokens_(api, kv, clock, random, credentials_.appid, credentials_.secret,
              std::move(token_options)) {}

Result<Session> MiniProgramClient::Code2Session(std::string_view js_code) {
  if (!IsPlausibleCode(js_code)) {
    return InvalidArgumentError("code2Session: the code is empty or malformed",
                                reason::kInvalidCode);
  }
  HttpCall call;
  call.host = Host::kApi;
  call.method = "GET";
  call.target = "/sns/jscode2session?appid=" + UrlEncode(credentials_.appid) +
                "&secret=" + UrlEncode(credentials_.secret) + "&js_code=" + UrlEncode(js_code) +
                "&grant_type=authorization_code";
  // A code is single-use: once WeChat may have seen it, asking again would answer 40163.
  call.idempotency = Idempotency::kNotIdempotent;
  MILEAGE_ASSIGN_OR_RETURN(HttpReply reply, api_.Send(call));
  rapidjson::Document doc;
  MILEAGE_RETURN_IF_ERROR(CheckJsonAnswer(reply, "code2Session", doc));
  internal::ObjectReader reader(doc);
  Session session;
  session.openid = reader.RequiredString("openid");
  session.session_key = reader.RequiredString("session_key");
  session.unionid = reader.OptionalString("unionid");
  if (!reader.ok() || session.openid.empty() || session.session_key.empty()) {
    return InternalError("code2Session: " + (reader.ok() ? "empty openid" : reader.error()),
                         reason::kBadResponse);
  }
  return session;
}

Result<HttpReply> MiniProgramClient::PostWithToken(std::string_view path, const std::string& body,
                                                   Idempotency idempotency) {
  MILEAGE_ASSIGN_OR_RETURN(std::string token, tokens_.Get());
  for (int round = 0;; ++round) {
    HttpCall call;
    call.host = Host::kApi;
    call.method = "POST";
    call.target = std::string(path) + "?access_token=" + UrlEncode(token);
    call.body = body;
    call.idempotency = idempotency;
    MILEAGE_ASSIGN_OR_RETURN(HttpReply reply, api_.Send(call));
    rapidjson::Document doc;
    if (round > 0 || reply.status != 200 || !internal::ParseJsonObject(reply.body, doc)) {
      return reply;
    }
    std::optional<int64_t> errcode = Errcode(doc);
    if (!errcode || !IsTokenErrcode(*errcode)) return reply;
    // WeChat refused the token, so it did not act on the call: repeating it is safe.
    MILEAGE_ASSIGN_OR_RETURN(token, tokens_.Replace(token));
  }
}

Result<miniprogram::PhoneNumber> MiniProgramClient::GetPhoneNumber(std::string_view code) {
  if (!IsPlausibleCode(code)) {
    return InvalidArgumentError("getuserphonenumber: the code is empty or malformed",
                                reason::kInvalidCode);
  }
  JsonWriter body;
  body.BeginObject();
  body.String("code", code);
  body.EndObject();
  MILEAGE_ASSIGN_OR_RETURN(
      HttpReply reply,
      PostWithToken("/wxa/business/getuserphonenumber", body.Take(), Idempotency::kNotIdempotent));
  rapidjson::Document doc;
  MILEAGE_RETURN_IF_ERROR(CheckJsonAnswer(reply, "getuserphonenumber", doc));
  internal::ObjectReader reader(doc);
  const rapidjson::Value* info = reader.RequiredObject("phone_info");
  if (info == nullptr) {
    return InternalError("getuserphonenumber: " + reader.error(), reason::kBadResponse);
  }
  internal::ObjectReader phone(*info, "phone_info.");
  miniprogram::PhoneNumber out;
  out.phone_number = phone.RequiredString("phoneNumber");
  out.pure_phone_number = phone.RequiredString("purePhoneNumber");
  // Documented as a number (86); older answers sent a string ("86").
  if (auto it = info->FindMember("countryCode"); it != info->MemberEnd() && it->value.IsInt64()) {
    out.country_code = std::to_string(it->value.GetInt64());
  } else {
    out.country_code = phone.RequiredString("countryCode");
  }
  if (const rapidjson::Value* watermark = phone.OptionalObject("watermark")) {
    internal::ObjectReader mark(*watermark, "phone_info.watermark.");
    out.watermark_appid = mark.OptionalString("appid");
    out.watermark_timestamp = mark.OptionalNonNegative("timestamp").value_or(0);
    if (!mark.ok()) phone.Fail(mark.error());
  }
  if (!phone.ok()) {
    return InternalError("getuserphonenumber: " + phone.error(), reason::kBadResponse);
  }
  return out;
}

Status MiniProgramClient::SendSubscribeMessage(const SubscribeMessage& message) {
  if (message.touser.empty() || message.template_id.empty() || message.data.empty()) {
    return InvalidArgumentError("subscribeMessage.send needs touser, template_id and data",
                                reason::kBadArgument);
  }
  JsonWriter body;
  body.BeginObject();
  body.String("touser", message.touser);
  body.String("template_id", message.template_id);
  if (!message.page.empty()) body.String("page", message.page);
  body.String("miniprogram_state", message.miniprogram_state);
  body.String("lang", message.lang);
  body.BeginObject("data");
  for (const auto& [keyword, value] : message.data) {
    body.BeginObject(keyword);
    body.String("value", value);
    body.EndObject();
  }
  body.EndObject();
  body.EndObject();
  MILEAGE_ASSIGN_OR_RETURN(
      HttpReply reply,
      PostWithToken("/cgi-bin/message/subscribe/send", body.Take(), Idempotency::kNotIdempotent));
  rapidjson::Document doc;
  return CheckJsonAnswer(reply, "subscribeMessage.send", doc);
}

Result<WxaCode> MiniProgramClient::GetUnlimitedWxaCode(const WxaCodeRequest& request) {
  if (!IsValidScene(request.scene)) {
    return InvalidArgumentError(
        "wxacode.getUnlimited: scene must be 1-32 of [0-9A-Za-z!#$&'()*+,/:;=?@-._~]",
        reason::kBadScene);
  }
  JsonWriter body;
  body.BeginObject();
  body.String("scene", request.scene);
  if (!request.page.empty()) body.String("page", request.page);
  body.Bool("check_path", request.check_path);
  body.String("env_version", request.env_version);
  body.Int("width", request.width);
  body.Bool("is_hyaline", request.is_hyaline);
  body.EndObject();
  MILEAGE_ASSIGN_OR_RETURN(HttpReply reply, PostWithToken("/wxa/getwxacodeunlimit", body.Take(),
                                                          Idempotency::kIdempotent));
  std::string content_type = reply.Header("content-type");
  if (reply.status == 200 && content_type.starts_with("image/")) {
    return WxaCode{content_type.substr(0, content_type.find(';')), std::move(reply.body)};
  }
  rapidjson::Document doc;
  MILEAGE_RETURN_IF_ERROR(CheckJsonAnswer(reply, "wxacode.getUnlimited", doc));
  return InternalError("wxacode.getUnlimited: errcode 0 but no image", reason::kBadResponse);
}

}  // namespace mileage::wechat::client
