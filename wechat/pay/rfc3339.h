#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace mileage::wechat::pay {

// Parses the RFC 3339 times WeChat Pay sends ("2018-06-08T10:34:56+08:00", also "Z" and
// fractional seconds), years 1970-2200 (TimePoint's nanoseconds overflow in 2262). nullopt when
// the text is not such a time or a field is out of range.
std::optional<TimePoint> ParseRfc3339(std::string_view text);

// Formats a time the way WeChat Pay does, in China Standard Time: "2018-06-08T10:34:56+08:00"
// (whole seconds).
std::string FormatRfc3339Cst(TimePoint t);

}  // namespace mileage::wechat::pay
