#pragma once

#include <array>
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

namespace mileage::members {

// Whether a member session still stands, by the database (DESIGN.md section 3: the Kv is a
// cache, not the truth). A session of member M through mini-program A stands while M exists
// and is active, M still holds an openid of A (an identity that moved to another member ends
// the session), and A is an active mini-program.
//
// Two layers, so that a member request usually costs no database round trip:
//  - a revocation mark in the Kv per member ("mp:member-revoked:<id>" = "<Unix ms> <code>"),
//    written after a suspension: every instance sharing the Kv refuses the sessions opened up
//    to that moment at once;
//  - the database rows, read through an in-process cache whose entries live `cache_bound` (a
//    few seconds): when the Kv lost the mark (or the change was made by a process with its own
//    Kv, such as `mileage admin`), an instance still refuses within that bound, and the
//    instance that made the change at once (it forgets its cached entries of the member).
// Owned by the composition root; safe for concurrent use.
class MemberSessionTruth {
 public:
  // `mark_ttl` must outlive any session opened before a mark (the absolute session lifetime).
  MemberSessionTruth(db::Db& db, kv::Kv& kv, const Clock& clock,
                     std::chrono::milliseconds cache_bound, std::chrono::milliseconds mark_ttl)
      : db_(db), kv_(kv), clock_(clock), cache_bound_(cache_bound), mark_ttl_(mark_ttl) {}

  // OK when the session of `member_id` through `appid` opened at `opened_at` still stands.
  // Errors, Unauthenticated: MEMBER_SUSPENDED (suspended now, or the Kv's suspension mark is
  // younger than the session), SESSION_ENDED (the member or its openid of the app is gone, or
  // the Kv's deletion mark is younger than the session), APP_INACTIVE
  // (the app was deactivated or is no longer a mini-program). Unavailable when the Kv or the
  // database fails.
  Status Check(int64_t member_id, std::string_view appid, TimePoint opened_at);
  // After a committed suspension of `member_id`: marks the Kv so that every instance refuses
  // the member's sessions opened until now, and forgets what this instance cached about the
  // member. Unavailable when the Kv fails (the database still ends the sessions within the
  // cache bound).
  Status Revoke(int64_t member_id);
  // After a committed deletion of `member_id`: as Revoke, the sessions refused SESSION_ENDED.
  Status End(int64_t member_id);
  // Forgets what this instance cached about the member (after a reactivation).
  void Forget(int64_t member_id);

  std::chrono::milliseconds cache_bound() const { return cache_bound_; }

 private:
  // Forgets the member and marks the Kv "<now ms> <code>".
  Status WriteMark(int64_t member_id, std::string_view code);
  // What the database says about one member and app.
  struct State {
    bool member_found = false;
    bool active = false;
    bool holds_openid = false;
    bool app_usable = false;
  };
  struct Cached {
    State state;
    TimePoint fetched_at;
  };

  Result<State> Read(int64_t member_id, std::string_view appid);
  // The state from the cache, or from the database when the entry is older than the bound.
  Result<State> StateOf(int64_t member_id, std::string_view appid);

  // The cache is split by member id into shards with a lock each, so that concurrent member
  // requests (the hottest path of the member API) rarely wait for one another.
  struct Shard {
    std::mutex mutex;
    // By member id, then appid; guarded by mutex.
    std::unordered_map<int64_t, std::unordered_map<std::string, Cached>> members;
    uint64_t generation = 0;  // guarded by mutex; counts Forget calls of its members
  };
  static constexpr size_t kShards = 16;
  Shard& ShardOf(int64_t member_id) { return shards_[static_cast<uint64_t>(member_id) % kShards]; }

  db::Db& db_;
  kv::Kv& kv_;
  const Clock& clock_;
  const std::chrono::milliseconds cache_bound_;
  const std::chrono::milliseconds mark_ttl_;
  std::array<Shard, kShards> shards_;
};

}  // namespace mileage::members
