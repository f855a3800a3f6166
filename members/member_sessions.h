#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/bearer_tokens.h"
#include "crypto/data_key.h"
#include "kv/kv.h"
#include "kv/sliding_sessions.h"
#include "members/member_session_truth.h"

namespace mileage::members {

// Member session tokens: "mmt1." + 256 random bits + a tag (crypto::BearerTokens), stored under
// "mp:session:<SHA-256 of the token>". A console token ("mst1.") is not one of these.
inline constexpr crypto::BearerTokenKind kMemberTokens{"mmt1.", "mileage/member-session-token/v1",
                                                       "mp:session:"};

// Who a member session is for: the member, its brand and the mini-program it logged in
// through. A member route acts for this member only. A value type.
struct MemberPrincipal {
  int64_t member_id = 0;
  int64_t brand_id = 0;
  std::string appid;
};

// A member session: its principal, when it was opened and until when it stands unless used.
struct MemberSession {
  MemberPrincipal member;
  TimePoint opened_at;
  TimePoint expires_at;
};

// A session just opened, with its token (shown to the client once).
struct OpenedMemberSession {
  std::string token;
  MemberSession session;
};

// How long member sessions last (docs/OPERATIONS.md, "Member sessions and login limits"). A
// value type.
struct MemberSessionOptions {
  // Idle lifetime (config member_session_ttl_s): a member who opens the mini-program at least
  // once a week stays signed in; each request past half of it extends it.
  std::chrono::seconds idle_ttl{7 * 24 * 3600};
  // Absolute lifetime: however active, a token is replaced by a (silent) wx.login at least this
  // often, which bounds the use of a token copied off a phone.
  std::chrono::seconds max_age{30 * 24 * 3600};
};

// Member sign-in state for the mini-program API: opens a session for a member the login found,
// authenticates bearer tokens, logs out. Sessions live in the Kv (kv::SlidingSessions under the
// token's hash, sliding refresh by compare-and-set); whether one still stands is the database's
// word through MemberSessionTruth's short cache, so a request usually costs two Kv reads and no
// database round trip. Owned by the composition root; borrows the Kv, clock, randomness and
// truth, which must outlive it. Safe for concurrent use.
class MemberSessions {
 public:
  MemberSessions(kv::Kv& kv, const Clock& clock, const crypto::DataKey& data_key,
                 RandomSource& random, MemberSessionTruth& truth, MemberSessionOptions options);

  // Opens a session for `member`. Errors: Unavailable when the Kv fails; Internal when OpenSSL
  // fails.
  Result<OpenedMemberSession> Open(const MemberPrincipal& member);
  // The session of a bearer token. Errors, all Unauthenticated: INVALID_TOKEN (malformed, a
  // console token, or minted by another deployment: no Kv read), SESSION_EXPIRED (idle past
  // the ttl or older than max_age), SESSION_REVOKED (logged out), and MemberSessionTruth's
  // MEMBER_SUSPENDED, SESSION_ENDED, APP_INACTIVE; Unavailable when the Kv or database fails.
  Result<MemberSession> Authenticate(std::string_view token);
  // Ends the session of `token`; once this returns the token never authenticates again.
  // Errors: INVALID_TOKEN as above; Unavailable when the Kv fails.
  Status Logout(std::string_view token);

  const MemberSessionOptions& options() const { return options_; }

 private:
  const crypto::BearerTokens tokens_;
  kv::SlidingSessions sessions_;
  MemberSessionTruth& truth_;
  const MemberSessionOptions options_;
};

// The Kv payload of a member session: "m1|member id|brand id|appid". Exposed for tests.
std::string EncodeMemberPrincipal(const MemberPrincipal& member);
// nullopt when `payload` is not one EncodeMemberPrincipal wrote.
std::optional<MemberPrincipal> DecodeMemberPrincipal(std::string_view payload);

}  // namespace mileage::members
