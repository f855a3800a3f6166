#include "kv/sliding_sessions.h"

#include <algorithm>
#include <charconv>

#include "common/log.h"

namespace mileage::kv {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kVersion = "e1|";
constexpr std::string_view kRevokedValue = "revoked";
// Touch re-reads a session whose refresh lost a race at most this often.
constexpr int kRefreshAttempts = 3;

int64_t UnixMillis(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// The decimal integer before the next '|' of `*rest`, consuming both.
bool TakeInt(std::string_view* rest, int64_t* out) {
  const size_t bar = rest->find('|');
  if (bar == std::string_view::npos || bar == 0) return false;
  auto [end, error] = std::from_chars(rest->data(), rest->data() + bar, *out);
  if (error != std::errc() || end != rest->data() + bar) return false;
  rest->remove_prefix(bar + 1);
  return true;
}

Status Expired() {
  return UnauthenticatedError("the session has expired; log in again", "SESSION_EXPIRED");
}

}  // namespace

std::string EncodeSessionEntry(const SessionEntry& entry) {
  std::string out(kVersion);
  out += std::to_string(UnixMillis(entry.expires_at)) + "|";
  out += std::to_string(UnixMillis(entry.opened_at)) + "|";
  out += entry.payload;
  return out;
}

std::optional<SessionEntry> DecodeSessionEntry(std::string_view value) {
  if (!value.starts_with(kVersion)) return std::nullopt;
  value.remove_prefix(kVersion.size());
  int64_t expires_ms = 0;
  int64_t opened_ms = 0;
  if (!TakeInt(&value, &expires_ms) || !TakeInt(&value, &opened_ms)) return std::nullopt;
  return SessionEntry{std::string(value), TimePoint(milliseconds(opened_ms)),
                      TimePoint(milliseconds(expires_ms))};
}

TimePoint SlidingSessions::RefreshedExpiry(TimePoint opened_at, TimePoint now) const {
  const TimePoint idle = now + lifetime_.idle_ttl;
  if (lifetime_.max_age.count() <= 0) return idle;
  return std::min(idle, opened_at + lifetime_.max_age);
}

Result<SessionEntry> SlidingSessions::Open(std::string_view key, std::string payload) {
  const TimePoint now = clock_.Now();
  SessionEntry entry{std::move(payload), now, RefreshedExpiry(now, now)};
  MILEAGE_RETURN_IF_ERROR(
      kv_.Set(key, EncodeSessionEntry(entry),
              std::chrono::duration_cast<milliseconds>(entry.expires_at - now)));
  return entry;
}

Result<SessionEntry> SlidingSessions::Touch(
    std::string_view key, const std::function<Status(const SessionEntry&)>& stands) {
  for (int attempt = 0; attempt < kRefreshAttempts; ++attempt) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_.Get(key));
    if (!value.has_value()) return Expired();
    if (*value == kRevokedValue) {
      return UnauthenticatedError("the session was logged out; log in again", "SESSION_REVOKED");
    }
    std::optional<SessionEntry> entry = DecodeSessionEntry(*value);
    if (!entry.has_value()) {
      MILEAGE_LOG(kWarn) << "unreadable session in the Kv; treating it as expired";
      return Expired();
    }
    const TimePoint now = clock_.Now();
    if (now >= entry->expires_at) return Expired();
    MILEAGE_RETURN_IF_ERROR(stands(*entry));
    if (entry->expires_at - now >= lifetime_.idle_ttl / 2) return std::move(*entry);
    const TimePoint refreshed = RefreshedExpiry(entry->opened_at, now);
    // Near the absolute lifetime there is nothing left to extend.
    if (refreshed <= entry->expires_at) return std::move(*entry);
    SessionEntry next{entry->payload, entry->opened_at, refreshed};
    // Only over the value just read: a logout (or another refresh) in between wins.
    Result<bool> swapped =
        kv_.CompareAndSet(key, *value, EncodeSessionEntry(next),
                          std::chrono::duration_cast<milliseconds>(refreshed - now));
    if (!swapped.ok()) {
      // The session stays valid until its old expiry; the next request tries again.
      MILEAGE_LOG(kWarn) << "refreshing a session failed: " << swapped.status().ToString();
      return std::move(*entry);
    }
    if (*swapped) return next;
  }
  return UnavailableError("the session kept changing while it was refreshed; try again");
}

Status SlidingSessions::Revoke(std::string_view key) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_.Get(key));
  if (!value.has_value() || *value == kRevokedValue) return Status::Ok();
  // The mark outlives any expiry a refresh racing this could have written (at most one idle
  // ttl from now), and such a refresh loses to it anyway.
  return kv_.Set(key, kRevokedValue, lifetime_.idle_ttl);
}

}  // namespace mileage::kv
