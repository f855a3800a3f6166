#include "members/member_phone.h"

#include <vector>

#include "common/log.h"
#include "members/member_login.h"
#include "members/member_store.h"
#include "members/mini_program_app.h"
#include "members/validation.h"

namespace mileage::members {
namespace {

constexpr std::string_view kAttemptsPrefix = "mp:phone-binds:";

}  // namespace

MemberPhones::MemberPhones(db::Db& db, kv::Kv& kv, const Clock& clock, RandomSource& random,
                           org::BrandAppService& apps, PhoneCodeExchanger& wechat,
                           const PhoneVault& vault, PhoneBindLimits limits)
    : db_(db),
      clock_(clock),
      random_(random),
      apps_(apps),
      wechat_(wechat),
      vault_(vault),
      attempts_(kv, clock, std::string(kAttemptsPrefix), limits.attempts, limits.window,
                "phone binding attempts") {}

Result<std::string> MemberPhones::Bind(const MemberPrincipal& member, std::string_view code,
                                       std::chrono::seconds* retry_after) {
  if (!IsPlausibleLoginCode(code)) {
    return InvalidArgumentError("code must be 1..256 printable ASCII characters without spaces",
                                "INVALID_FIELD");
  }
  MILEAGE_RETURN_IF_ERROR(attempts_.Take(std::to_string(member.member_id), retry_after));
  MILEAGE_ASSIGN_OR_RETURN(org::BrandAppCredentials app, UsableMiniProgram(apps_, member.appid));
  Result<WechatPhone> exchanged = wechat_.Exchange(member.appid, app.secret, code);
  if (!exchanged.ok() && exchanged.status().code() == StatusCode::kResourceExhausted) {
    *retry_after = kWechatThrottleRetryAfter;
  }
  MILEAGE_ASSIGN_OR_RETURN(WechatPhone phone, std::move(exchanged));
  Result<std::string> normalized = NormalizePhone(phone.number);
  if (phone.country_code != "86" || !normalized.ok()) {
    return InvalidArgumentError("only mainland China mobile numbers can be bound",
                                "PHONE_NOT_SUPPORTED");
  }
  const int64_t now = UnixSeconds(clock_.Now());
  const Status written = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    MemberStore store(conn, random_);
    // One binding of a member at a time, so that two phones bound at once leave one of them.
    MILEAGE_RETURN_IF_ERROR(store.LockMember(member.member_id));
    return store.AttachPhone(member.member_id, member.brand_id, *normalized, vault_, now);
  });
  if (!written.ok()) return written;
  MILEAGE_LOG(kInfo) << "member " << member.member_id << " bound a phone through " << member.appid;
  return MaskPhone(*normalized);
}

Result<std::string> MemberPhones::Masked(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Identity> identities,
                           MemberStore(*conn, random_).Identities(member_id));
  for (const Identity& identity : identities) {
    if (identity.kind == IdentityKind::kPhone) return identity.value;
  }
  return std::string();
}

}  // namespace mileage::members
