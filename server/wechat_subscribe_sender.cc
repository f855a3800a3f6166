#include "server/wechat_subscribe_sender.h"

#include <array>
#include <cstdio>
#include <optional>

#include "common/civil_time.h"
#include "json/reader.h"
#include "members/mini_program_app.h"
#include "wechat/client/reasons.h"

namespace mileage::server {
namespace {

// Keyword kinds and their limits; the longer names first so that "character_string" is not
// read as a kind that prefixes it.
constexpr std::array<std::pair<std::string_view, size_t>, 12> kLimits = {{
    {"character_string", 32},
    {"phone_number", 17},
    {"car_number", 8},
    {"amount", 11},
    {"letter", 32},
    {"number", 32},
    {"phrase", 5},
    {"symbol", 5},
    {"thing", 20},
    {"name", 10},
    {"time", 32},
    {"date", 32},
}};

// A Unix time is at least this (2001-09-09); smaller integers are numbers.
constexpr int64_t kMinUnixTime = 1000000000;

std::string_view KindOf(std::string_view keyword) {
  for (const auto& [kind, limit] : kLimits) {
    if (keyword.starts_with(kind)) return kind;
  }
  return "";
}

// The first `limit` code points of UTF-8 `text`.
std::string CutToCharacters(std::string_view text, size_t limit) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == limit) return std::string(text.substr(0, i));
    ++chars;
  }
  return std::string(text);
}

std::string ChineseDate(const civil::Date& d) {
  return std::to_string(d.year) + "年" + std::to_string(d.month) + "月" + std::to_string(d.day) +
         "日";
}

std::string BeijingTime(int64_t unix_seconds, bool with_time) {
  std::string out = ChineseDate(civil::BeijingDate(unix_seconds));
  if (!with_time) return out;
  const int64_t beijing = unix_seconds + 8 * 3600;
  const int64_t minutes = ((beijing % 86400) + 86400) % 86400 / 60;
  char hm[8];
  std::snprintf(hm, sizeof(hm), "%02d:%02d", static_cast<int>(minutes / 60),
                static_cast<int>(minutes % 60));
  return out + " " + hm;
}

std::string Render(std::string_view kind, const rapidjson::Value& value) {
  const bool timeish = kind == "time" || kind == "date";
  if (value.IsString()) {
    const std::string_view text(value.GetString(), value.GetStringLength());
    if (timeish) {
      if (std::optional<civil::Date> date = civil::ParseDate(text)) return ChineseDate(*date);
    }
    return std::string(text);
  }
  if (value.IsInt64()) {
    const int64_t n = value.GetInt64();
    if (timeish && n >= kMinUnixTime) return BeijingTime(n, kind == "time");
    return std::to_string(n);
  }
  if (value.IsBool()) return value.GetBool() ? "是" : "否";
  return "-";
}

care::SendResult Outcome(const Status& status) {
  if (status.ok()) return {care::SendOutcome::kSent, ""};
  const std::string why(status.reason().empty() ? "error" : status.reason());
  if (status.reason() == wechat::reason::kSubscribeRefused) {
    return {care::SendOutcome::kRefused, why};
  }
  if (status.code() == StatusCode::kUnavailable ||
      status.code() == StatusCode::kResourceExhausted) {
    return {care::SendOutcome::kTransient, why};
  }
  return {care::SendOutcome::kRejected, why};
}

}  // namespace

size_t KeywordLimit(std::string_view keyword) {
  for (const auto& [kind, limit] : kLimits) {
    if (keyword.starts_with(kind)) return limit;
  }
  return 20;
}

std::vector<std::pair<std::string, std::string>> RenderTemplateData(
    const std::vector<care::TemplateField>& fields, std::string_view payload) {
  Result<rapidjson::Document> doc = json::Parse(payload, 4);
  const bool object = doc.ok() && doc->IsObject();
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(fields.size());
  for (const care::TemplateField& f : fields) {
    std::string value = "-";
    if (object) {
      auto it = doc->FindMember(f.field.c_str());
      if (it != doc->MemberEnd()) value = Render(KindOf(f.keyword), it->value);
    }
    if (value.empty()) value = "-";
    out.emplace_back(f.keyword, CutToCharacters(value, KeywordLimit(f.keyword)));
  }
  return out;
}

care::SendResult WechatSubscribeSender::Send(const care::SubscribeDelivery& delivery) {
  Result<org::BrandAppCredentials> app = members::UsableMiniProgram(apps_, delivery.appid);
  if (!app.ok()) return Outcome(app.status());
  wechat::client::SubscribeMessage message;
  message.touser = delivery.openid;
  message.template_id = delivery.template_id;
  message.page = delivery.page;
  message.data = RenderTemplateData(delivery.fields, delivery.payload);
  return Outcome(clients_.For(delivery.appid, app->secret)->SendSubscribeMessage(message));
}

}  // namespace mileage::server
