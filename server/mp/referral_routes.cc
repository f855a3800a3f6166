#include "server/mp/referral_routes.h"

#include "common/log.h"
#include "members/mini_program_app.h"
#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// The Kv value of a cached image: "<content type>\n<image bytes>".
std::string CacheKey(std::string_view appid, std::string_view code) {
  return "referral:wxacode:" + std::string(appid) + ":" + std::string(code);
}

Status WxacodeUnavailable(const Status& cause) {
  MILEAGE_LOG(kWarn) << "referral wxacode: " << cause.ToString();
  return UnavailableError("the mini-program code is unavailable, try again later",
                          "WXACODE_UNAVAILABLE");
}

// POST /api/mp/referrals/attach {"code"}.
Result<std::string> ParseAttach(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"code"}));
  return RequiredString(body, "code");
}

void WriteCode(JsonWriter& w, const growth::ReferralCode& code) {
  w.StartObject();
  WriteText(w, "code", code.code);
  WriteText(w, "scene", code.scene);
  WriteText(w, "page", ReferralCodeImages::kReferralPage);
  WriteText(w, "image_path", "/api/mp/referrals/code/image");
  w.EndObject();
}

// The referee's view of the referral an attach made or found.
void WriteAttached(JsonWriter& w, const growth::Referral& r) {
  w.StartObject();
  WriteInt(w, "id", r.id);
  WriteText(w, "state", growth::ReferralStateName(r.state));
  WriteTime(w, "attached_at", r.attached_at);
  WriteTime(w, "expires_at", r.expires_at);
  w.EndObject();
}

// A referrer's referral: the referee masked, the state now, what the referrer got.
void WriteMemberReferral(JsonWriter& w, const growth::MemberReferral& item) {
  const growth::Referral& r = item.referral;
  w.StartObject();
  WriteInt(w, "id", r.id);
  WriteOptionalText(w, "referee_phone", item.referee_phone);
  WriteText(w, "state", growth::ReferralStateName(item.state));
  WriteText(w, "reason", r.reason);
  WriteTime(w, "attached_at", r.attached_at);
  WriteTime(w, "expires_at", r.expires_at);
  if (r.qualified_at.has_value()) {
    WriteTime(w, "qualified_at", *r.qualified_at);
  } else {
    w.Key("qualified_at");
    w.Null();
  }
  WriteInt(w, "points", r.referrer_points);
  WriteOptionalInt(w, "coupon_id", r.referrer_coupon_id);
  w.EndObject();
}

void WriteMemberRule(JsonWriter& w, const std::optional<growth::ReferralRule>& rule) {
  w.Key("rule");
  if (!rule.has_value()) {
    w.Null();
    return;
  }
  w.StartObject();
  WriteInt(w, "window_days", rule->window_days);
  WriteInt(w, "min_amount_fen", rule->min_amount_fen);
  WriteInt(w, "referrer_points", rule->referrer_points);
  WriteInt(w, "referee_points", rule->referee_points);
  WriteBool(w, "referrer_coupon", rule->referrer_stock_id.has_value());
  WriteBool(w, "referee_coupon", rule->referee_stock_id.has_value());
  WriteInt(w, "monthly_cap", rule->monthly_cap);
  w.EndObject();
}

void WriteMemberReferrals(JsonWriter& w, const growth::MemberReferrals& out) {
  w.StartObject();
  WriteMemberRule(w, out.rule);
  w.Key("totals");
  w.StartObject();
  for (growth::ReferralState s : {growth::ReferralState::kPending, growth::ReferralState::kRewarded,
                                  growth::ReferralState::kCapped, growth::ReferralState::kExpired,
                                  growth::ReferralState::kClawedBack}) {
    auto it = out.totals.by_state.find(s);
    WriteInt(w, growth::ReferralStateName(s), it == out.totals.by_state.end() ? 0 : it->second);
  }
  WriteInt(w, "points", out.totals.points);
  WriteInt(w, "coupons", out.totals.coupons);
  w.EndObject();
  w.Key("items");
  w.StartArray();
  for (const growth::MemberReferral& item : out.page.items) WriteMemberReferral(w, item);
  w.EndArray();
  WriteInt(w, "page", out.page.request.page);
  WriteInt(w, "page_size", out.page.request.page_size);
  WriteInt(w, "total", out.page.total);
  w.EndObject();
}

}  // namespace

Result<wechat::client::WxaCode> ReferralCodeImages::Image(std::string_view appid,
                                                          const growth::ReferralCode& code) {
  const std::string key = CacheKey(appid, code.code);
  // A Kv that cannot be read only costs a call to WeChat.
  if (Result<std::optional<std::string>> cached = kv_.Get(key);
      cached.ok() && cached->has_value()) {
    const std::string& value = **cached;
    const size_t newline = value.find('\n');
    if (newline != std::string::npos) {
      return wechat::client::WxaCode{value.substr(0, newline), value.substr(newline + 1)};
    }
  }
  Result<org::BrandAppCredentials> app = members::UsableMiniProgram(apps_, appid);
  if (!app.ok()) return WxacodeUnavailable(app.status());
  wechat::client::WxaCodeRequest request;
  request.scene = code.scene;
  request.page = std::string(kReferralPage);
  Result<wechat::client::WxaCode> image =
      clients_.For(appid, app->secret)->GetUnlimitedWxaCode(request);
  if (!image.ok()) return WxacodeUnavailable(image.status());
  if (Status stored = kv_.Set(key, image->content_type + "\n" + image->image, kTtl); !stored.ok()) {
    MILEAGE_LOG(kWarn) << "referral wxacode: not cached: " << stored.ToString();
  }
  return image;
}

void RegisterMemberReferralRoutes(MpRouter& router, growth::ReferralService& referrals,
                                  ReferralCodeImages& images, const Clock& clock) {
  router.Route("GET", "/api/mp/referrals/code",
               [&referrals, &clock](const MpRequest& req, httplib::Response& res) {
                 Respond(res, referrals.CodeOf(req.member(), UnixSeconds(clock.Now())), 200,
                         WriteCode);
               });
  router.Route("GET", "/api/mp/referrals/code/image",
               [&referrals, &images, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<growth::ReferralCode> code =
                     referrals.CodeOf(req.member(), UnixSeconds(clock.Now()));
                 if (!code.ok()) return WriteError(res, code.status());
                 Result<wechat::client::WxaCode> image = images.Image(req.member().appid, *code);
                 if (!image.ok()) return WriteError(res, image.status());
                 res.status = 200;
                 res.set_content(image->image, image->content_type);
               });
  router.Route("POST", "/api/mp/referrals/attach",
               [&referrals, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<std::string> code = ParseAttach(req.http);
                 if (!code.ok()) return WriteError(res, code.status());
                 Result<growth::ReferralService::Attached> attached =
                     referrals.Attach(req.member(), *code, UnixSeconds(clock.Now()));
                 if (!attached.ok()) return WriteError(res, attached.status());
                 WriteJson(res, attached->created ? 201 : 200,
                           [&](JsonWriter& w) { WriteAttached(w, attached->referral); });
               });
  router.Route("GET", "/api/mp/referrals",
               [&referrals, &clock](const MpRequest& req, httplib::Response& res) {
                 Result<PageRequest> page = PageParams(req.http);
                 if (!page.ok()) return WriteError(res, page.status());
                 Respond(res, referrals.OfReferrer(req.member(), *page, UnixSeconds(clock.Now())),
                         200, WriteMemberReferrals);
               });
}

}  // namespace mileage::server
