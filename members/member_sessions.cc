#include "members/member_sessions.h"

#include <charconv>

#include "common/log.h"

namespace mileage::members {
namespace {

constexpr std::string_view kVersion = "m1";

bool ParsePositive(std::string_view text, int64_t* out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size() && *out > 0;
}

}  // namespace

std::string EncodeMemberPrincipal(const MemberPrincipal& member) {
  return std::string(kVersion) + "|" + std::to_string(member.member_id) + "|" +
         std::to_string(member.brand_id) + "|" + member.appid;
}

std::optional<MemberPrincipal> DecodeMemberPrincipal(std::string_view payload) {
  const size_t first = payload.find('|');
  if (first == std::string_view::npos || payload.substr(0, first) != kVersion) return std::nullopt;
  const size_t second = payload.find('|', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const size_t third = payload.find('|', second + 1);
  if (third == std::string_view::npos) return std::nullopt;
  MemberPrincipal member;
  member.appid = std::string(payload.substr(third + 1));
  if (!ParsePositive(payload.substr(first + 1, second - first - 1), &member.member_id) ||
      !ParsePositive(payload.substr(second + 1, third - second - 1), &member.brand_id) ||
      member.appid.empty() || member.appid.find('|') != std::string::npos) {
    return std::nullopt;
  }
  return member;
}

MemberSessions::MemberSessions(kv::Kv& kv, const Clock& clock, const crypto::DataKey& data_key,
                               RandomSource& random, MemberSessionTruth& truth,
                               MemberSessionOptions options)
    : tokens_(data_key, random, kMemberTokens),
      sessions_(kv, clock, kv::SessionLifetime{options.idle_ttl, options.max_age}),
      truth_(truth),
      options_(options) {}

Result<OpenedMemberSession> MemberSessions::Open(const MemberPrincipal& member) {
  MILEAGE_ASSIGN_OR_RETURN(crypto::MintedToken minted, tokens_.Mint());
  MILEAGE_ASSIGN_OR_RETURN(kv::SessionEntry entry,
                           sessions_.Open(minted.kv_key, EncodeMemberPrincipal(member)));
  return OpenedMemberSession{std::move(minted.token),
                             MemberSession{member, entry.opened_at, entry.expires_at}};
}

Result<MemberSession> MemberSessions::Authenticate(std::string_view token) {
  MILEAGE_ASSIGN_OR_RETURN(std::string key, tokens_.KvKeyOf(token));
  std::optional<MemberPrincipal> member;
  MILEAGE_ASSIGN_OR_RETURN(
      kv::SessionEntry entry, sessions_.Touch(key, [&](const kv::SessionEntry& read) {
        member = DecodeMemberPrincipal(read.payload);
        if (!member.has_value()) {
          MILEAGE_LOG(kWarn) << "unreadable member session in the Kv; treating it as expired";
          return UnauthenticatedError("the session has expired; log in again", "SESSION_EXPIRED");
        }
        return truth_.Check(member->member_id, member->appid, read.opened_at);
      }));
  return MemberSession{std::move(*member), entry.opened_at, entry.expires_at};
}

Status MemberSessions::Logout(std::string_view token) {
  MILEAGE_ASSIGN_OR_RETURN(std::string key, tokens_.KvKeyOf(token));
  return sessions_.Revoke(key);
}

}  // namespace mileage::members
