#include "org/session_service.h"

#include <optional>

#include "common/log.h"
#include "org/staff_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

Status InvalidCredentials() {
  return UnauthenticatedError("username or password is wrong", "INVALID_CREDENTIALS");
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
  const Principal principal{staff.id, staff.username, staff.role, staff.scope};
  MILEAGE_ASSIGN_OR_RETURN(crypto::MintedToken minted, tokens_.Mint());
  MILEAGE_ASSIGN_OR_RETURN(
      kv::SessionEntry entry,
      sessions_.Open(minted.kv_key, EncodeSession(principal, credentials_version)));
  Status audited = Audit(principal, "session.login", request.client_address, request.request_id);
  if (!audited.ok()) {
    // A login that is not on record must not stay usable.
    sessions_.Revoke(minted.kv_key).IgnoreError();
    return audited;
  }
  return LoginResult{std::move(minted.token),
                     Session{principal, entry.expires_at, credentials_version}};
}

Result<Session> SessionService::Authenticate(std::string_view token) {
  MILEAGE_ASSIGN_OR_RETURN(std::string key, tokens_.KvKeyOf(token));
  std::optional<Session> session;
  MILEAGE_ASSIGN_OR_RETURN(
      kv::SessionEntry entry, sessions_.Touch(key, [&](const kv::SessionEntry& read) {
        session = DecodeSession(read.payload);
        if (!session.has_value()) {
          MILEAGE_LOG(kWarn) << "unreadable console session in the Kv; treating it as expired";
          return UnauthenticatedError("the session has expired; log in again", "SESSION_EXPIRED");
        }
        return truth_.Check(session->principal.staff_id, session->credentials_version);
      }));
  session->expires_at = entry.expires_at;
  return std::move(*session);
}

Status SessionService::Logout(const Actor& actor, std::string_view token) {
  MILEAGE_ASSIGN_OR_RETURN(std::string key, tokens_.KvKeyOf(token));
  MILEAGE_RETURN_IF_ERROR(sessions_.Revoke(key));
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
