#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "kv/kv.h"

namespace mileage::kv {

// A session as its Kv entry holds it: the owner's payload, when it was opened and until when
// it stands unless refreshed. A value type.
struct SessionEntry {
  std::string payload;
  TimePoint opened_at;
  TimePoint expires_at;
};

// How long sessions last. A value type.
struct SessionLifetime {
  // Idle lifetime: a session expires `idle_ttl` after it was opened or last refreshed. A
  // request that finds less than half of it left refreshes it (sliding expiry).
  std::chrono::seconds idle_ttl{8 * 3600};
  // Absolute lifetime from opening, however active the session is; 0 = none.
  std::chrono::seconds max_age{0};
};

// The Kv half of bearer-token sessions (console staff, mini-program members): an entry per
// session under a key its owner derives from the token (crypto::BearerTokens), written with
// the remaining lifetime as its Kv ttl; a sliding refresh that replaces the entry with a
// compare-and-set over the value just read, so that it never revives a session logged out
// meanwhile; and a logout that replaces the entry with a revocation mark, so that once Revoke
// returns the session never stands again. The payload is the owner's encoding of who the
// session is for; any bytes. Holds no state of its own; safe for concurrent use.
class SlidingSessions {
 public:
  SlidingSessions(Kv& kv, const Clock& clock, SessionLifetime lifetime)
      : kv_(kv), clock_(clock), lifetime_(lifetime) {}

  // Stores a new session at `key`. Unavailable when the Kv fails.
  Result<SessionEntry> Open(std::string_view key, std::string payload);

  // The session at `key`, refreshed when due. `stands` decides whether the session still
  // stands (the database's word); it runs before any refresh, so a session it refuses is never
  // extended, and its error is returned as is. Errors, Unauthenticated: SESSION_EXPIRED (no
  // entry, an unreadable one, or past its idle or absolute lifetime), SESSION_REVOKED (logged
  // out); `stands`'s errors; Unavailable when the Kv fails or the entry kept changing under
  // the refresh. A refresh that fails on the Kv is skipped (the session keeps its old expiry).
  Result<SessionEntry> Touch(std::string_view key,
                             const std::function<Status(const SessionEntry&)>& stands);

  // Ends the session at `key`: once this returns, Touch never succeeds for it again (a refresh
  // racing it compares against the value it read and loses). Idempotent. Unavailable when the
  // Kv fails.
  Status Revoke(std::string_view key);

  const SessionLifetime& lifetime() const { return lifetime_; }

 private:
  // The expiry a refresh at `now` gives a session opened at `opened_at`.
  TimePoint RefreshedExpiry(TimePoint opened_at, TimePoint now) const;

  Kv& kv_;
  const Clock& clock_;
  const SessionLifetime lifetime_;
};

// The Kv value of an entry: "e1|<expiry Unix ms>|<opened Unix ms>|<payload>". Exposed for tests.
std::string EncodeSessionEntry(const SessionEntry& entry);
// nullopt when `value` is not a value EncodeSessionEntry wrote.
std::optional<SessionEntry> DecodeSessionEntry(std::string_view value);

}  // namespace mileage::kv
