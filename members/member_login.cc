#include "members/member_login.h"

#include "common/log.h"
#include "db/outbox.h"
#include "members/member_store.h"
#include "members/mini_program_app.h"
#include "org/validation.h"

namespace mileage::members {
namespace {

constexpr size_t kMaxCodeBytes = 256;
constexpr std::string_view kAttemptsPrefix = "mp:login-address:";
constexpr std::string_view kRefusalsPrefix = "mp:login-refused:";
// What a client is told to wait when WeChat throttles our calls (its quotas are per minute).
constexpr std::string_view kLimited = "login attempts from this address";

}  // namespace

bool IsPlausibleLoginCode(std::string_view code) {
  if (code.empty() || code.size() > kMaxCodeBytes) return false;
  for (char c : code) {
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}

MemberLogin::MemberLogin(db::Db& db, kv::Kv& kv, const Clock& clock, RandomSource& random,
                         org::BrandAppService& apps, LoginCodeExchanger& wechat,
                         MemberSessions& sessions, std::string first_tier, MemberLoginLimits limits)
    : db_(db),
      clock_(clock),
      random_(random),
      apps_(apps),
      wechat_(wechat),
      sessions_(sessions),
      first_tier_(std::move(first_tier)),
      attempts_(kv, clock, std::string(kAttemptsPrefix), limits.per_address, limits.address_window,
                std::string(kLimited)),
      refusals_(kv, clock, std::string(kRefusalsPrefix), limits.refusals_per_address,
                limits.refusal_window, std::string(kLimited)) {}

Status MemberLogin::Admit(const std::string& client_key, std::chrono::seconds* retry_after) {
  MILEAGE_RETURN_IF_ERROR(attempts_.Take(client_key, retry_after));
  return refusals_.Check(client_key, retry_after);
}

Status MemberLogin::Refuse(const std::string& client_key, Status refusal) {
  const Status counted = refusals_.Count(client_key);
  if (!counted.ok()) {
    MILEAGE_LOG(kWarn) << "counting a refused member login failed: " << counted.ToString();
  }
  return refusal;
}

Result<Enrollment> MemberLogin::FindOrEnroll(const PayerIdentity& user) {
  Enrollment enrollment;
  const int64_t now = UnixSeconds(clock_.Now());
  MILEAGE_RETURN_IF_ERROR(db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    MILEAGE_ASSIGN_OR_RETURN(
        enrollment,
        MemberStore(conn, random_).FindOrEnroll(user, first_tier_, "miniprogram", 0, now));
    if (!enrollment.created) return Status::Ok();
    const Member& m = enrollment.member;
    return db::AddOutboxEvent(
        conn, "member.enrolled", m.brand_id, std::to_string(m.id),
        db::PayloadJson({{"member_id", m.id}, {"number", m.number}, {"via", "miniprogram"}}), now);
  }));
  return enrollment;
}

Result<MemberLoginResult> MemberLogin::Login(const MemberLoginRequest& request,
                                             std::chrono::seconds* retry_after) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateAppid(request.appid));
  if (!IsPlausibleLoginCode(request.code)) {
    return InvalidArgumentError("code must be 1..256 printable ASCII characters without spaces",
                                "INVALID_FIELD");
  }
  MILEAGE_RETURN_IF_ERROR(Admit(request.client_key, retry_after));

  Result<org::BrandAppCredentials> app = UsableMiniProgram(apps_, request.appid);
  if (!app.ok()) {
    const StatusCode code = app.status().code();
    if (code == StatusCode::kNotFound || code == StatusCode::kFailedPrecondition) {
      return Refuse(request.client_key, app.status());
    }
    return app.status();
  }
  Result<WechatUser> user = wechat_.Exchange(request.appid, app->secret, request.code);
  if (!user.ok()) {
    const StatusCode code = user.status().code();
    if (code == StatusCode::kResourceExhausted) *retry_after = kWechatThrottleRetryAfter;
    if (code == StatusCode::kUnauthenticated || code == StatusCode::kPermissionDenied) {
      return Refuse(request.client_key, user.status());
    }
    return user.status();
  }

  MILEAGE_ASSIGN_OR_RETURN(
      Enrollment enrollment,
      FindOrEnroll(PayerIdentity{app->app.brand_id, app->app.appid, user->openid, user->unionid}));
  const Member& member = enrollment.member;
  if (member.status != "active") {
    MILEAGE_LOG(kInfo) << "mini-program login refused: member " << member.id << " is suspended";
    return PermissionDeniedError("the member is suspended", "MEMBER_SUSPENDED");
  }
  MILEAGE_ASSIGN_OR_RETURN(
      OpenedMemberSession opened,
      sessions_.Open(MemberPrincipal{member.id, member.brand_id, app->app.appid}));
  MILEAGE_LOG(kInfo) << "mini-program login: member " << member.id << " of brand "
                     << member.brand_id << " through " << app->app.appid
                     << (enrollment.created ? " (enrolled now)" : "");
  return MemberLoginResult{std::move(opened.token), std::move(opened.session), member,
                           enrollment.created};
}

}  // namespace mileage::members
