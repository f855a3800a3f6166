#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/result.h"
#include "db/db.h"
#include "kv/kv.h"
#include "org/staff_store.h"

namespace mileage::org {

// Whether a console session still stands, by the database (DESIGN.md section 3: the Kv is a
// cache, not the truth). A session carries the credentials version of its account at login;
// it stands while the account and every node of its scope path are active and the version is
// unchanged. Deactivation, reactivation, a password reset, a role or scope change and the
// deactivation of the scope node raise the version (org/staff_store.h).
//
// Two layers, so that a console request usually costs no database round trip:
//  - a revocation mark in the Kv per account ("console:staff-revoked:<id>" = "<version>
//    <code>"), written after each such change: every instance refuses older sessions at once;
//  - the database row, read through an in-process cache whose entries live `cache_bound` (a
//    few seconds): when the Kv lost the mark, an instance still refuses within that bound, and
//    the instance that made the change at once (it forgets its cached entry).
// Owned by the org module; safe for concurrent use.
class SessionTruth {
 public:
  // `mark_ttl` must outlive any session opened before a mark (the session ttl).
  SessionTruth(db::Db& db, kv::Kv& kv, const Clock& clock, std::chrono::milliseconds cache_bound,
               std::chrono::milliseconds mark_ttl)
      : db_(db), kv_(kv), clock_(clock), cache_bound_(cache_bound), mark_ttl_(mark_ttl) {}

  // OK when a session of `staff_id` opened at `credentials_version` still stands. Errors,
  // Unauthenticated: STAFF_DEACTIVATED (the account or a node of its scope is deactivated, or
  // the account is gone), CREDENTIALS_CHANGED (password reset, role or scope change,
  // reactivation since the login). Unavailable when the Kv or the database fails.
  Status Check(int64_t staff_id, int64_t credentials_version);
  // After a committed change raised the account's version to `credentials_version`: marks the
  // Kv so that every instance refuses older sessions with `code` (STAFF_DEACTIVATED or
  // CREDENTIALS_CHANGED), and forgets the cached entry here. Unavailable when the Kv fails
  // (the database still ends the sessions within the cache bound).
  Status Revoke(int64_t staff_id, int64_t credentials_version, std::string_view code);

  std::chrono::milliseconds cache_bound() const { return cache_bound_; }

 private:
  struct Cached {
    std::optional<StaffAccess> access;  // nullopt: no such account
    TimePoint fetched_at;
  };

  // The account's access from the cache, or from the database when the entry is older than
  // the bound.
  Result<std::optional<StaffAccess>> Access(int64_t staff_id);
  void Forget(int64_t staff_id);

  db::Db& db_;
  kv::Kv& kv_;
  const Clock& clock_;
  const std::chrono::milliseconds cache_bound_;
  const std::chrono::milliseconds mark_ttl_;
  std::mutex mutex_;
  std::unordered_map<int64_t, Cached> cache_;  // guarded by mutex_
  uint64_t generation_ = 0;                    // guarded by mutex_; counts Forget calls
};

}  // namespace mileage::org
