#include "org/session_service.h"

#include <optional>

#include "common/log.h"
#include "org/staff_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kRevokedValue = "revoked";
// Authenticate re-reads a session whose refresh lost a race at most this often.
constexpr int kRefreshAttempts = 3;

Status InvalidCredentials() {
  return UnauthenticatedError("username or password is wrong", "INVALID_CREDENTIALS");
}

Status Expired() {
  return UnauthenticatedError("the session has expired; log in again", "SESSION_EXPIRED");
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Result<int64_t> SessionService::LoginBrand(std::optional<int64_t> brand_id) {
  if (brand_id.has_value()) {
    MILEAGE_RETURN_IF_ERROR(ValidateId(*brand_id, "brand_id"));
    return *brand_id;
  }
  const int64_t cached = first_brand_.load(std::memory_order_relaxed);
  if (cached != 0) return cached;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(int64_t first, StaffStore(*conn).FirstBrandId());
  first_brand_.store(first, std::memory_order_relaxed);
  return first;
}

Result<LoginResult> SessionService::Login(const LoginRequest& request,
                                          std::chrono::seconds* retry_after) {
  if (request.password.size() > 1024) {
    return InvalidArgumentError("password must be at most 1024 bytes", "INVALID_FIELD");
  }
  MILEAGE_ASSIGN_OR_RETURN(int64_t brand_id, LoginBrand(request.brand_id));
  // The throttle names the account as typed (lowercased), known or not.
  const std::string account = std::to_string(brand_id) + ":" + Lowercase(request.username);
  MILEAGE_RETURN_IF_ERROR(limiter_.Admit(account, request.client_address, retry_after));

  std::optional<StaffCredentials> found;
  Result<std::string> canonical = NormalizeUsername(request.username);
  if (canonical.ok() && brand_id > 0) {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(found, StaffStore(*conn).FindForLogin(brand_id, *canonical));
  }
  bool matches = false;
  if (found.has_value()) {
    Result<bool> verified = hasher_.Verify(request.password, found->password_hash);
    if (!verified.ok()) {
      MILEAGE_LOG(kError) << "password hash of staff " << found->staff.id
                          << " is unusable: " << verified.status().ToString();
    }
    matches = verified.ok() && *verified;
  } else {
    hasher_.BurnOneHash(request.password);
  }
  if (!matches || !found->access.usable()) {
    MILEAGE_LOG(kInfo) << "console login failed for \"" << (canonical.ok() ? *canonical : "?")
                       << "\" of brand " << brand_id << " from " << request.client_address;
    MILEAGE_RETURN_IF_ERROR(limiter_.RecordFailure(account, request.client_address));
    return InvalidCredentials();
  }
  MILEAGE_RETURN_IF_ERROR(limiter_.RecordSuccess(account, request.client_address));
  return OpenSession(found->staff, found->access.credentials_version, request);
}

Result<LoginResult> SessionService::OpenSession(const Staff& staff, int64_t credentials_version,
                                                const LoginRequest& request) {
  Session session{Principal{staff.id, staff.username, staff.role, staff.scope},
                  clock_.Now() + options_.ttl, credentials_version};
  MILEAGE_ASSIGN_OR_RETURN(MintedToken minted, tokens_.Mint());
  MILEAGE_RETURN_IF_ERROR(kv_.Set(minted.kv_key, EncodeSession(session), options_.ttl));
  Status audited =
      Audit(session.principal, "session.login", request.client_address, request.request_id);
  if (!audited.ok()) {
    // A login that is not on record must not stay usable.
    kv_.Delete(minted.kv_key).status().IgnoreError();
    return audited;
  }
  return LoginResult{std::move(minted.token), std::move(session)};
}

Result<Session> SessionService::Authenticate(std::string_view token) {
  MILEAGE_ASSIGN_OR_RETURN(std::string key, tokens_.KvKeyOf(token));
  for (int attempt = 0; attempt < kRefreshAttempts; ++attempt) {
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
    MILEAGE_RETURN_IF_ERROR(
        truth_.Check(session->principal.staff_id, session->credentials_version));
    if (session->expires_at - now >= options_.ttl / 2) return std::move(*session);
    session->expires_at = now + options_.ttl;
    // Only over the value just read: a logout (or another refresh) in between wins.
    Result<bool> refreshed = kv_.CompareAndSet(key, *value, EncodeSession(*session), options_.ttl);
    if (!refreshed.ok()) {
      // The session stays valid until its old expiry; the next request tries again.
      MILEAGE_LOG(kWarn) << "refreshing a console session failed: "
                         << refreshed.status().ToString();
      return std::move(*session);
    }
    if (*refreshed) return std::move(*session);
  }
  return UnavailableError("the session kept changing while it was refreshed; try again");
}

Status SessionService::Logout(const Actor& actor, std::string_view token) {
  MILEAGE_ASSIGN_OR_RETURN(std::string key, tokens_.KvKeyOf(token));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_.Get(key));
  if (value.has_value() && *value != kRevokedValue) {
    // The mark lasts as long as the session could have (a refresh racing this logout extends
    // it by at most one ttl, and loses to the mark).
    MILEAGE_RETURN_IF_ERROR(kv_.Set(key, kRevokedValue, options_.ttl));
  }
  if (!actor.staff.has_value()) return Status::Ok();
  return Audit(*actor.staff, "session.logout", actor.client_address, actor.request_id);
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
