#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/bearer_tokens.h"
#include "crypto/password_hasher.h"
#include "db/db.h"
#include "kv/kv.h"
#include "kv/sliding_sessions.h"
#include "org/audited_writer.h"
#include "org/login_limiter.h"
#include "org/principal.h"
#include "org/session_record.h"
#include "org/session_truth.h"

namespace mileage::org {

// Console session tokens: "mst1." + 256 random bits + a tag (crypto::BearerTokens), stored
// under "console:session:<SHA-256 of the token>".
inline constexpr crypto::BearerTokenKind kConsoleTokens{"mst1.", "mileage/console-session-token/v1",
                                                        "console:session:"};

struct SessionOptions {
  // Idle lifetime: a session expires `ttl` after it was last refreshed. It is refreshed (sliding
  // expiry) by a request that finds less than half of the ttl left.
  std::chrono::seconds ttl{8 * 3600};
  LoginLimits limits;
  // How long an instance may trust what it last read from the database about an account
  // (SessionTruth): the bound on how late a session ends when the Kv lost its revocation mark.
  std::chrono::milliseconds truth_cache{5000};
};

// A login attempt as a client made it.
struct LoginRequest {
  std::string_view username;
  std::string_view password;
  // The account's brand; nullopt for the deployment's first brand (the one created first).
  std::optional<int64_t> brand_id;
  std::string client_address;
  std::string request_id;
};

// What a successful login returns: the token (shown to the client once) and its session.
struct LoginResult {
  std::string token;
  Session session;
};

// Console sign-in: password login, bearer-token authentication and logout. Sessions live in
// the Kv (under the token's hash, with the ttl, refreshed when half of it is gone); whether a
// session still stands is checked against the database through SessionTruth's short cache, so
// a request usually costs no database round trip. Owned by the org module; safe for concurrent
// use.
class SessionService {
 public:
  SessionService(db::Db& db, kv::Kv& kv, const Clock& clock, const crypto::PasswordHasher& hasher,
                 const crypto::BearerTokens& tokens, AuditedWriter& writer, SessionTruth& truth,
                 SessionOptions options)
      : db_(db),
        clock_(clock),
        hasher_(hasher),
        tokens_(tokens),
        writer_(writer),
        truth_(truth),
        limiter_(kv, clock, options.limits),
        sessions_(kv, clock, kv::SessionLifetime{options.ttl, std::chrono::seconds(0)}),
        options_(options) {}

  // Checks the password with one scrypt (one for a dummy hash when the user is unknown, so
  // both take the same time) and opens a session. Errors: ResourceExhausted RATE_LIMITED when
  // the login throttle refuses (LoginLimiter::Admit; *retry_after is set); Unauthenticated
  // INVALID_CREDENTIALS, the same for an unknown brand or user, a wrong password and a
  // deactivated account or scope; InvalidArgument INVALID_FIELD for a password over 1024 bytes,
  // INVALID_ID for a brand id that is not positive; Unavailable when the Kv or database fails.
  // The login is audited.
  Result<LoginResult> Login(const LoginRequest& request, std::chrono::seconds* retry_after);
  // The session of a bearer token: two Kv reads (the session and the account's revocation
  // mark), the account's state from SessionTruth (its cache, or one database read), and a Kv
  // compare-and-set when the sliding expiry is due, so that a refresh never revives a session
  // logged out meanwhile (kv::SlidingSessions). Errors, all Unauthenticated: INVALID_TOKEN
  // (malformed, or minted by another deployment: no Kv read), SESSION_EXPIRED, SESSION_REVOKED
  // (logged out), STAFF_DEACTIVATED, CREDENTIALS_CHANGED (SessionTruth::Check); Unavailable when
  // the Kv or database fails.
  Result<Session> Authenticate(std::string_view token);
  // Revokes the session of `token` (which the caller has just authenticated); once this
  // returns, the token never authenticates again. Audited.
  Status Logout(const Actor& actor, std::string_view token);

  std::chrono::seconds ttl() const { return options_.ttl; }

 private:
  // The brand a login names, or the first brand (0 when there is none).
  Result<int64_t> LoginBrand(std::optional<int64_t> brand_id);
  Result<LoginResult> OpenSession(const Staff& staff, int64_t credentials_version,
                                  const LoginRequest& request);
  Status Audit(const Principal& principal, const char* action, const std::string& client_address,
               const std::string& request_id);

  db::Db& db_;
  const Clock& clock_;
  const crypto::PasswordHasher& hasher_;
  const crypto::BearerTokens& tokens_;
  AuditedWriter& writer_;
  SessionTruth& truth_;
  LoginLimiter limiter_;
  kv::SlidingSessions sessions_;
  const SessionOptions options_;
  // The first brand never changes once it exists (brands are never deleted); 0 = not read yet.
  std::atomic<int64_t> first_brand_{0};
};

}  // namespace mileage::org
