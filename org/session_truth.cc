#include "org/session_truth.h"

#include <charconv>
#include <optional>

namespace mileage::org {
namespace {

constexpr std::string_view kMarkPrefix = "console:staff-revoked:";
constexpr std::string_view kDeactivated = "STAFF_DEACTIVATED";
constexpr std::string_view kChanged = "CREDENTIALS_CHANGED";
// More accounts than any deployment signs in within a few seconds; past it the cache starts
// over rather than grow without bound.
constexpr size_t kMaxCached = 100000;

std::string MarkKey(int64_t staff_id) {
  return std::string(kMarkPrefix) + std::to_string(staff_id);
}

Status Refused(std::string_view code) {
  if (code == kDeactivated) {
    return UnauthenticatedError("the account has been deactivated", std::string(kDeactivated));
  }
  return UnauthenticatedError("the account's password, role or scope changed; log in again",
                              std::string(kChanged));
}

// A mark "<version> <code>"; nullopt for anything else (ignored: the database decides).
struct Mark {
  int64_t version = 0;
  std::string_view code;
};

std::optional<Mark> ParseMark(std::string_view value) {
  const size_t space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  Mark mark;
  const std::string_view digits = value.substr(0, space);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), mark.version);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  mark.code = value.substr(space + 1);
  if (mark.code != kDeactivated && mark.code != kChanged) return std::nullopt;
  return mark;
}

}  // namespace

Status SessionTruth::Check(int64_t staff_id, int64_t credentials_version) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> mark_value, kv_.Get(MarkKey(staff_id)));
  if (mark_value.has_value()) {
    std::optional<Mark> mark = ParseMark(*mark_value);
    if (mark.has_value() && credentials_version < mark->version) return Refused(mark->code);
  }
  MILEAGE_ASSIGN_OR_RETURN(std::optional<StaffAccess> access, Access(staff_id));
  if (!access.has_value() || !access->usable()) return Refused(kDeactivated);
  if (access->credentials_version != credentials_version) return Refused(kChanged);
  return Status::Ok();
}

Status SessionTruth::Revoke(int64_t staff_id, int64_t credentials_version, std::string_view code) {
  Forget(staff_id);
  return kv_.Set(MarkKey(staff_id), std::to_string(credentials_version) + " " + std::string(code),
                 mark_ttl_);
}

Result<std::optional<StaffAccess>> SessionTruth::Access(int64_t staff_id) {
  const TimePoint now = clock_.Now();
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(staff_id);
    if (it != cache_.end() && now - it->second.fetched_at < cache_bound_) return it->second.access;
    generation = generation_;
  }
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<StaffAccess> access,
                           StaffStore(*conn).FindAccess(staff_id));
  std::lock_guard lock(mutex_);
  // A change forgotten while this read ran may not be in what it read: do not keep it.
  if (cache_bound_.count() > 0 && generation == generation_) {
    if (cache_.size() >= kMaxCached) cache_.clear();
    cache_[staff_id] = Cached{access, now};
  }
  return access;
}

void SessionTruth::Forget(int64_t staff_id) {
  std::lock_guard lock(mutex_);
  cache_.erase(staff_id);
  ++generation_;
}

}  // namespace mileage::org
