#include "kv/fixed_window.h"

#include <algorithm>
#include <optional>

#include "crypto/digest.h"
#include "crypto/hex.h"
#include "kv/kv_integer.h"

namespace mileage::kv {
namespace {

using std::chrono::milliseconds;

int64_t UnixMillis(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string HashedKey(std::string_view prefix, std::string_view subject) {
  return std::string(prefix) + crypto::HexEncode(crypto::Sha256(subject).substr(0, 16));
}

std::chrono::seconds SecondsUntil(TimePoint now, TimePoint until) {
  const int64_t ms = std::max<int64_t>(UnixMillis(until) - UnixMillis(now), 1);
  return std::chrono::seconds((ms + 999) / 1000);
}

FixedWindow::Window FixedWindow::Current(std::string_view subject) const {
  const int64_t length_ms = std::max<int64_t>(milliseconds(length_).count(), 1);
  const int64_t number = UnixMillis(clock_.Now()) / length_ms;
  return Window{HashedKey(prefix_, subject) + ":" + std::to_string(number),
                TimePoint(milliseconds((number + 1) * length_ms))};
}

Result<FixedWindow::Count> FixedWindow::Add(std::string_view subject, int64_t delta) {
  const Window window = Current(subject);
  MILEAGE_ASSIGN_OR_RETURN(int64_t value, kv_.Increment(window.key, delta, length_));
  return Count{value, window.ends};
}

Result<FixedWindow::Count> FixedWindow::Read(std::string_view subject) {
  const Window window = Current(subject);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_.Get(window.key));
  return Count{value.has_value() ? ParseKvInteger(*value).value_or(0) : 0, window.ends};
}

Status FixedWindow::Clear(std::string_view subject) {
  return kv_.Delete(Current(subject).key).status();
}

Status RateLimitedError(std::string_view what, std::chrono::seconds retry_after) {
  return ResourceExhaustedError("too many " + std::string(what) + "; try again in " +
                                    std::to_string(retry_after.count()) + " s",
                                "RATE_LIMITED");
}

Status FixedWindowLimit::Take(std::string_view subject, std::chrono::seconds* retry_after) {
  const TimePoint now = clock_.Now();
  MILEAGE_ASSIGN_OR_RETURN(FixedWindow::Count count, window_.Add(subject));
  if (count.value <= max_) return Status::Ok();
  *retry_after = SecondsUntil(now, count.ends);
  return RateLimitedError(what_, *retry_after);
}

Status FixedWindowLimit::Check(std::string_view subject, std::chrono::seconds* retry_after) {
  const TimePoint now = clock_.Now();
  MILEAGE_ASSIGN_OR_RETURN(FixedWindow::Count count, window_.Read(subject));
  if (count.value < max_) return Status::Ok();
  *retry_after = SecondsUntil(now, count.ends);
  return RateLimitedError(what_, *retry_after);
}

Status FixedWindowLimit::Count(std::string_view subject) { return window_.Add(subject).status(); }

}  // namespace mileage::kv
