#include "server/mp/profile_routes.h"

#include <chrono>
#include <string>

#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

// `status` with its message prefixed by where the field sits ("consents.marketing: ...").
Status Within(std::string_view where, const Status& status) {
  return Status(status.code(), std::string(where) + ": " + status.message(),
                std::string(status.reason()));
}

Result<members::ConsentChange> ParseConsent(const rapidjson::Value& value,
                                            members::ConsentKind kind) {
  const std::string where = "consents." + std::string(members::ConsentKindName(kind));
  if (!value.IsObject()) {
    return InvalidArgumentError(where + " must be an object {\"granted\",\"text_version\"}",
                                "INVALID_FIELD");
  }
  Status members = CheckMembers(value, {"granted", "text_version"}, where);
  if (!members.ok()) return members;
  members::ConsentChange change;
  change.kind = kind;
  Result<std::optional<bool>> granted = OptionalBool(value, "granted");
  if (!granted.ok()) return Within(where, granted.status());
  if (!granted->has_value()) {
    return InvalidArgumentError(where + ".granted is required", "MISSING_FIELD");
  }
  change.granted = **granted;
  Result<std::string> version = RequiredString(value, "text_version");
  if (!version.ok()) return Within(where, version.status());
  change.text_version = std::move(*version);
  return change;
}

// {"nickname","birthday","consents":{"<kind>":{"granted","text_version"}}}, any of them;
// "birthday": null removes the birthday.
Result<members::ProfileChange> ParseProfileChange(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"nickname", "birthday", "consents"}));
  members::ProfileChange change;
  MILEAGE_ASSIGN_OR_RETURN(change.nickname, OptionalString(body, "nickname"));
  if (body.HasMember("birthday") && body["birthday"].IsNull()) {
    change.birthday = std::optional<std::string>();
  } else {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> birthday, OptionalString(body, "birthday"));
    if (birthday.has_value()) change.birthday = std::move(birthday);
  }
  if (body.HasMember("consents")) {
    const rapidjson::Value& consents = body["consents"];
    if (!consents.IsObject()) {
      return InvalidArgumentError("field \"consents\" must be an object", "INVALID_FIELD");
    }
    MILEAGE_RETURN_IF_ERROR(
        CheckMembers(consents, {"marketing", "partner_sharing", "plate_recognition"}, "consents"));
    for (const auto& member : consents.GetObject()) {
      const std::optional<members::ConsentKind> kind = members::ParseConsentKind(
          std::string_view(member.name.GetString(), member.name.GetStringLength()));
      if (!kind.has_value()) continue;  // CheckMembers refused it already
      MILEAGE_ASSIGN_OR_RETURN(members::ConsentChange consent, ParseConsent(member.value, *kind));
      change.consents.push_back(std::move(consent));
    }
  }
  return change;
}

// The profile with the member's masked phone (null when none).
void WriteProfile(JsonWriter& w, const members::OwnProfile& profile, const std::string& phone) {
  w.StartObject();
  WriteText(w, "nickname", profile.nickname);
  w.Key("birthday");
  if (profile.birthday.has_value()) {
    WriteString(w, civil::FormatDate(*profile.birthday));
  } else {
    w.Null();
  }
  w.Key("phone");
  if (phone.empty()) {
    w.Null();
  } else {
    WriteString(w, phone);
  }
  w.Key("consents");
  w.StartObject();
  for (const members::ConsentState& consent : profile.consents) {
    w.Key(members::ConsentKindName(consent.kind).data());
    w.StartObject();
    WriteBool(w, "granted", consent.granted);
    w.Key("text_version");
    if (consent.recorded) {
      WriteString(w, consent.text_version);
    } else {
      w.Null();
    }
    WriteOptionalTime(w, "at", consent.recorded ? consent.at : 0);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
}

// Answers 200 with the profile and the member's masked phone.
void RespondProfile(httplib::Response& res, const Result<members::OwnProfile>& profile,
                    members::MemberPhones& phones, int64_t member_id) {
  if (!profile.ok()) return WriteError(res, profile.status());
  Result<std::string> phone = phones.Masked(member_id);
  if (!phone.ok()) return WriteError(res, phone.status());
  WriteJson(res, 200, [&](JsonWriter& w) { WriteProfile(w, *profile, *phone); });
}

}  // namespace

void RegisterMemberProfileRoutes(MpRouter& router, members::MemberPhones& phones,
                                 members::MemberProfiles& profiles) {
  router.Route("POST", "/api/mp/phone", [&phones](const MpRequest& req, httplib::Response& res) {
    Result<rapidjson::Document> body = ParseBody(req.http, {"code"});
    if (!body.ok()) return WriteError(res, body.status());
    Result<std::string> code = RequiredString(*body, "code");
    if (!code.ok()) return WriteError(res, code.status());
    std::chrono::seconds retry_after{0};
    Result<std::string> bound = phones.Bind(req.member(), *code, &retry_after);
    SetRetryAfter(res, bound.status(), retry_after);
    Respond(res, bound, 200, [](JsonWriter& w, const std::string& masked) {
      w.StartObject();
      WriteText(w, "phone", masked);
      w.EndObject();
    });
  });

  router.Route("GET", "/api/mp/profile",
               [&phones, &profiles](const MpRequest& req, httplib::Response& res) {
                 const int64_t member = req.member().member_id;
                 RespondProfile(res, profiles.Get(member), phones, member);
               });

  router.Route("PATCH", "/api/mp/profile",
               [&phones, &profiles](const MpRequest& req, httplib::Response& res) {
                 Result<members::ProfileChange> change = ParseProfileChange(req.http);
                 if (!change.ok()) return WriteError(res, change.status());
                 const int64_t member = req.member().member_id;
                 RespondProfile(res, profiles.Update(member, *change), phones, member);
               });
}

}  // namespace mileage::server
