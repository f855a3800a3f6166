#include "wechat/internal/timestamp.h"

#include "wechat/reasons.h"

namespace mileage::wechat::internal {

Status CheckTimestamp(std::string_view timestamp, TimePoint now, int64_t max_skew_seconds) {
  constexpr size_t kMaxDigits = 12;
  if (timestamp.empty() || timestamp.size() > kMaxDigits) {
    return InvalidArgumentError("timestamp is not a Unix time", reason::kBadTimestamp);
  }
  int64_t seconds = 0;
  for (char c : timestamp) {
    if (c < '0' || c > '9') {
      return InvalidArgumentError("timestamp is not a Unix time", reason::kBadTimestamp);
    }
    seconds = seconds * 10 + (c - '0');
  }
  int64_t skew = UnixSeconds(now) - seconds;
  if (skew > max_skew_seconds || skew < -max_skew_seconds) {
    return UnauthenticatedError(
        "timestamp is more than " + std::to_string(max_skew_seconds) + " s from now",
        reason::kStaleTimestamp);
  }
  return Status::Ok();
}

}  // namespace mileage::wechat::internal
