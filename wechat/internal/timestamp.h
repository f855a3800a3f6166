#pragma once

#include <cstdint>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace mileage::wechat::internal {

// Checks a decimal Unix-seconds header value against `now`.
// InvalidArgument WECHATPAY_BAD_TIMESTAMP (not 1-12 decimal digits);
// Unauthenticated WECHATPAY_STALE_TIMESTAMP (more than `max_skew_seconds` from now).
Status CheckTimestamp(std::string_view timestamp, TimePoint now, int64_t max_skew_seconds);

}  // namespace mileage::wechat::internal
