#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/password_hasher.h"
#include "db/db.h"
#include "kv/kv.h"
#include "org/audited_writer.h"
#include "org/principal.h"
#include "org/session_record.h"
#include "org/session_tokens.h"

namespace mileage::org {

// Login rate limits: fixed windows counted in the Kv (Increment with a TTL). Every attempt
// counts, successful or not, so that the scrypt work an address or account can cause is bounded.
struct LoginLimits {
  int64_t per_account = 10;
  std::chrono::seconds account_window{900};
  int64_t per_address = 50;
  std::chrono::seconds address_window{900};
};

struct SessionOptions {
  // Idle lifetime: a session expires `ttl` after it was last refreshed. It is refreshed (sliding
  // expiry) by a request that finds less than half of the ttl left.
  std::chrono::seconds ttl{8 * 3600};
  LoginLimits limits;
};

// What a successful login returns: the token (shown to the client once) and its session.
struct LoginResult {
  std::string token;
  Session session;
};

// Console sign-in: password login, bearer-token authentication, logout and revocation of a
// deactivated account's sessions. Sessions live only in the Kv (no database round trip per
// request): under the token's hash, with the ttl, refreshed when half of it is gone. Owned by
// the org module; safe for concurrent use.
class SessionService {
 public:
  SessionService(db::Db& db, kv::Kv& kv, const Clock& clock, const crypto::PasswordHasher& hasher,
                 const SessionTokens& tokens, AuditedWriter& writer, SessionOptions options)
      : db_(db),
        kv_(kv),
        clock_(clock),
        hasher_(hasher),
        tokens_(tokens),
        writer_(writer),
        options_(options) {}

  // Checks the password with one scrypt (one for a dummy hash when the user is unknown, so
  // both take the same time) and opens a session. Errors: ResourceExhausted RATE_LIMITED when
  // the account or the address used up its attempts in the current window; Unauthenticated
  // INVALID_CREDENTIALS, the same for an unknown user, a wrong password and a deactivated
  // account; InvalidArgument INVALID_FIELD for a password over 1024 bytes; Unavailable when the
  // Kv or database fails. The login is audited.
  Result<LoginResult> Login(std::string_view username, std::string_view password,
                            const std::string& client_address, const std::string& request_id);
  // The session of a bearer token: two Kv reads (the session and the account's revocation
  // mark), and a Kv write when the sliding expiry is due. Errors, all Unauthenticated:
  // INVALID_TOKEN (malformed, or minted by another deployment: no Kv read),
  // SESSION_EXPIRED, SESSION_REVOKED (logged out), STAFF_DEACTIVATED; Unavailable when the Kv
  // fails.
  Result<Session> Authenticate(std::string_view token);
  // Revokes the session of `token` (which the caller has just authenticated); later use answers
  // SESSION_REVOKED until the session would have expired. Audited.
  Status Logout(const Actor& actor, std::string_view token);
  // Makes every session of the account answer STAFF_DEACTIVATED from now on (the mark outlives
  // any session opened before it). Unavailable when the Kv fails.
  Status RevokeStaff(int64_t staff_id);

  std::chrono::seconds ttl() const { return options_.ttl; }

 private:
  Status CheckRateLimit(std::string_view username, const std::string& client_address);
  Status Audit(const Principal& principal, const char* action, const std::string& client_address,
               const std::string& request_id);

  db::Db& db_;
  kv::Kv& kv_;
  const Clock& clock_;
  const crypto::PasswordHasher& hasher_;
  const SessionTokens& tokens_;
  AuditedWriter& writer_;
  const SessionOptions options_;
};

}  // namespace mileage::org
