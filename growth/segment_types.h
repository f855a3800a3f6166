#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mileage::growth {

// A saved segment (table segments): its filter is kept as canonical JSON (FilterJson).
struct Segment {
  int64_t id = 0;
  int64_t brand_id = 0;
  std::string name;
  std::string filter_json;
  std::optional<int64_t> created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A segment with its live count and the latest daily size the job recorded.
struct SegmentView {
  Segment segment;
  std::optional<int64_t> count;        // live; nullopt in lists
  std::optional<int64_t> latest_size;  // nullopt before the first snapshot
  int64_t latest_day = 0;              // YYYYMMDD of latest_size
};

// A segment's size on one Beijing day (YYYYMMDD).
struct SegmentSize {
  int64_t day = 0;
  int64_t size = 0;
};

inline constexpr std::string_view kGrantRunning = "running";
inline constexpr std::string_view kGrantDone = "done";
inline constexpr std::string_view kGrantFailed = "failed";

// A grant of a stock's coupons to a segment's members (table segment_grants).
struct SegmentGrant {
  int64_t id = 0;
  int64_t brand_id = 0;
  int64_t segment_id = 0;
  int64_t stock_id = 0;
  std::string request_id;
  std::string state;
  int64_t total = 0;
  int64_t granted = 0;
  int64_t skipped = 0;
  int64_t after_member_id = 0;
  std::string detail;
  std::optional<int64_t> created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> finished_at;
};

}  // namespace mileage::growth
