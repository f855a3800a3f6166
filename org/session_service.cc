#include "org/session_service.h"

#include <optional>

#include "common/log.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "org/staff_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kRevokedValue = "revoked";
constexpr std::string_view kStaffRevokedPrefix = "console:staff-revoked:";
constexpr std::string_view kAccountLimitPrefix = "console:login-account:";
constexpr std::string_view kAddressLimitPrefix = "console:login-address:";

Status InvalidCredentials() {
  return UnauthenticatedError("username or password is wrong", "INVALID_CREDENTIALS");
}

Status Expired() {
  return UnauthenticatedError("the session has expired; log in again", "SESSION_EXPIRED");
}

std::string StaffRevokedKey(int64_t staff_id) {
  return std::string(kStaffRevokedPrefix) + std::to_string(staff_id);
}

// Rate-limit keys hold a hash, so that the Kv holds no usernames and keys stay short.
std::string LimitKey(std::string_view prefix, std::string_view subject) {
  return std::string(prefix) + crypto::HexEncode(crypto::Sha256(subject).substr(0, 16));
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Status SessionService::CheckRateLimit(std::string_view username,
                                      const std::string& client_address) {
  const LoginLimits& limits = options_.limits;
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t by_address,
      kv_.Increment(LimitKey(kAddressLimitPrefix, client_address), 1, limits.address_window));
  MILEAGE_ASSIGN_OR_RETURN(
      int64_t by_account,
      kv_.Increment(LimitKey(kAccountLimitPrefix, Lowercase(username)), 1, limits.account_window));
  if (by_address > limits.per_address || by_account > limits.per_account) {
    return ResourceExhaustedError("too many login attempts; try again later", "RATE_LIMITED");
  }
  return Status::Ok();
}

Result<LoginResult> SessionService::Login(std::string_view username, std::string_view password,
                                          const std::string& client_address,
                                          const std::string& request_id) {
  if (password.size() > 1024) {
    return InvalidArgumentError("password must be at most 1024 bytes", "INVALID_FIELD");
  }
  MILEAGE_RETURN_IF_ERROR(CheckRateLimit(username, client_address));

  std::optional<StaffCredentials> found;
  Result<std::string> canonical = NormalizeUsername(username);
  if (canonical.ok()) {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(found, StaffStore(*conn).FindByUsername(*canonical));
  }
  bool matches = false;
  if (found.has_value()) {
    Result<bool> verified = hasher_.Verify(password, found->password_hash);
    if (!verified.ok()) {
      MILEAGE_LOG(kError) << "password hash of staff " << found->staff.id
                          << " is unusable: " << verified.status().ToString();
    }
    matches = verified.ok() && *verified;
  } else {
    hasher_.BurnOneHash(password);
  }
  if (!matches || !found->staff.active) {
    MILEAGE_LOG(kInfo) << "console login failed for \"" << (canonical.ok() ? *canonical : "?")
                       << "\" from " << client_address;
    return InvalidCredentials();
  }

  const Staff& staff = found->staff;
  Session session{Principal{staff.id, staff.username, staff.role, staff.scope},
                  clock_.Now() + options_.ttl};
  MILEAGE_ASSIGN_OR_RETURN(MintedToken minted, tokens_.Mint());
  MILEAGE_RETURN_IF_ERROR(kv_.Set(minted.kv_key, EncodeSession(session), options_.ttl));
  Status audited = Audit(session.principal, "session.login", client_address, request_id);
  if (!audited.ok()) {
    // A login that is not on record must not stay usable.
    kv_.Delete(minted.kv_key).status().IgnoreError();
    return audited;
  }
  return LoginResult{std::move(minted.token), std::move(session)};
}

Result<Session> SessionService::Authenticate(std::string_view token) {
  MILEAGE_ASSIGN_OR_RETURN(std::string key, tokens_.KvKeyOf(token));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_.Get(key));
  if (!value.has_value()) return Expired();
  if (*value == kRevokedValue) {
    return UnauthenticatedError("the session was logged out; log in again", "SESSION_REVOKED");
  }
  std::optional<Session> session = DecodeSession(*value);
  if (!session.has_value()) {
    MILEAGE_LOG(kWarn) << "unreadable console session in the Kv; treating it as expired";
    return Expired();
  }
  const TimePoint now = clock_.Now();
  if (now >= session->expires_at) return Expired();
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> revoked,
                           kv_.Get(StaffRevokedKey(session->principal.staff_id)));
  if (revoked.has_value()) {
    return UnauthenticatedError("the account has been deactivated", "STAFF_DEACTIVATED");
  }
  if (session->expires_at - now < options_.ttl / 2) {
    session->expires_at = now + options_.ttl;
    Status refreshed = kv_.Set(key, EncodeSession(*session), options_.ttl);
    if (!refreshed.ok()) {
      // The session stays valid until its old expiry; the next request tries again.
      MILEAGE_LOG(kWarn) << "refreshing a console session failed: " << refreshed.ToString();
    }
  }
  return std::move(*session);
}

Status SessionService::Logout(const Actor& actor, std::string_view token) {
  MILEAGE_ASSIGN_OR_RETURN(std::string key, tokens_.KvKeyOf(token));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_.Get(key));
  std::optional<Session> session;
  if (value.has_value()) session = DecodeSession(*value);
  if (session.has_value()) {
    const auto left = std::chrono::duration_cast<milliseconds>(session->expires_at - clock_.Now());
    if (left.count() > 0) MILEAGE_RETURN_IF_ERROR(kv_.Set(key, kRevokedValue, left));
  }
  if (!actor.staff.has_value()) return Status::Ok();
  return Audit(*actor.staff, "session.logout", actor.client_address, actor.request_id);
}

Status SessionService::RevokeStaff(int64_t staff_id) {
  // Sessions opened before this mark last at most one ttl without a refresh, and refreshing
  // checks the mark, so it only needs to outlive one ttl.
  return kv_.Set(StaffRevokedKey(staff_id), "1",
                 std::chrono::duration_cast<milliseconds>(options_.ttl + std::chrono::minutes(1)));
}

Status SessionService::Audit(const Principal& principal, const char* action,
                             const std::string& client_address, const std::string& request_id) {
  AuditRecord base;
  base.action = action;
  base.object_type = "staff";
  base.object_id = principal.staff_id;
  return writer_.Run(Actor::ForStaff(principal, request_id, client_address), base,
                     [](db::Connection&, AuditRecord&) { return Status::Ok(); });
}

}  // namespace mileage::org
