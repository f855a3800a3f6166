#include "members/member_session_truth.h"

#include <charconv>

#include "members/member_store.h"
#include "org/brand_app_store.h"

namespace mileage::members {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kMarkPrefix = "mp:member-revoked:";
constexpr std::string_view kSuspended = "MEMBER_SUSPENDED";
constexpr std::string_view kSessionEnded = "SESSION_ENDED";
// Members per cache shard: more than any deployment serves within a few seconds; past it the
// shard starts over rather than grow without bound.
constexpr size_t kMaxCachedPerShard = 10000;

std::string MarkKey(int64_t member_id) {
  return std::string(kMarkPrefix) + std::to_string(member_id);
}

int64_t UnixMillis(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

Status Suspended() {
  return UnauthenticatedError("the member is suspended", std::string(kSuspended));
}

Status SessionEnded() {
  return UnauthenticatedError("the member or its WeChat identity is gone; log in again",
                              std::string(kSessionEnded));
}

// A mark "<Unix ms> <code>": when, and which refusal it stands for.
struct Mark {
  int64_t at = 0;
  bool ended = false;  // SESSION_ENDED (a deletion), else MEMBER_SUSPENDED
};

// The mark of a Kv value; nullopt for anything else (ignored: the database decides).
std::optional<Mark> ParseMark(std::string_view value) {
  const size_t space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view code = value.substr(space + 1);
  if (code != kSuspended && code != kSessionEnded) return std::nullopt;
  int64_t ms = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + space, ms);
  if (error != std::errc() || end != value.data() + space) return std::nullopt;
  return Mark{ms, code == kSessionEnded};
}

}  // namespace

Status MemberSessionTruth::Check(int64_t member_id, std::string_view appid, TimePoint opened_at) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> mark, kv_.Get(MarkKey(member_id)));
  if (mark.has_value()) {
    std::optional<Mark> marked = ParseMark(*mark);
    if (marked.has_value() && UnixMillis(opened_at) <= marked->at) {
      return marked->ended ? SessionEnded() : Suspended();
    }
  }
  MILEAGE_ASSIGN_OR_RETURN(State state, StateOf(member_id, appid));
  if (!state.member_found || !state.holds_openid) return SessionEnded();
  if (!state.active) return Suspended();
  if (!state.app_usable) {
    return UnauthenticatedError("the mini-program was deactivated", "APP_INACTIVE");
  }
  return Status::Ok();
}

void MemberSessionTruth::Forget(int64_t member_id) {
  Shard& shard = ShardOf(member_id);
  std::lock_guard lock(shard.mutex);
  shard.members.erase(member_id);
  ++shard.generation;
}

Status MemberSessionTruth::Revoke(int64_t member_id) { return WriteMark(member_id, kSuspended); }

Status MemberSessionTruth::End(int64_t member_id) { return WriteMark(member_id, kSessionEnded); }

Status MemberSessionTruth::WriteMark(int64_t member_id, std::string_view code) {
  Forget(member_id);
  return kv_.Set(MarkKey(member_id),
                 std::to_string(UnixMillis(clock_.Now())) + " " + std::string(code), mark_ttl_);
}

Result<MemberSessionTruth::State> MemberSessionTruth::Read(int64_t member_id,
                                                           std::string_view appid) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  State state;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<MemberStanding> standing,
                           MemberStore::Standing(*conn, member_id, appid));
  if (standing.has_value()) {
    state.member_found = true;
    state.active = standing->status == "active";
    state.holds_openid = standing->holds_openid;
  }
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::SealedBrandApp> app,
                           org::BrandAppStore(*conn).FindByAppid(appid));
  state.app_usable = app.has_value() && app->app.active &&
                     app->app.kind == org::AppKind::kMiniprogram &&
                     (!standing.has_value() || app->app.brand_id == standing->brand_id);
  return state;
}

Result<MemberSessionTruth::State> MemberSessionTruth::StateOf(int64_t member_id,
                                                              std::string_view appid) {
  const TimePoint now = clock_.Now();
  Shard& shard = ShardOf(member_id);
  uint64_t generation = 0;
  {
    std::lock_guard lock(shard.mutex);
    auto member = shard.members.find(member_id);
    if (member != shard.members.end()) {
      auto app = member->second.find(std::string(appid));
      if (app != member->second.end() && now - app->second.fetched_at < cache_bound_) {
        return app->second.state;
      }
    }
    generation = shard.generation;
  }
  MILEAGE_ASSIGN_OR_RETURN(State state, Read(member_id, appid));
  std::lock_guard lock(shard.mutex);
  // A change forgotten while this read ran may not be in what it read: do not keep it.
  if (cache_bound_.count() > 0 && generation == shard.generation) {
    if (shard.members.size() >= kMaxCachedPerShard) shard.members.clear();
    shard.members[member_id][std::string(appid)] = Cached{state, now};
  }
  return state;
}

}  // namespace mileage::members
