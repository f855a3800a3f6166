#include "growth/rfm.h"

namespace mileage::growth {
namespace {

constexpr int64_t kMaxBound = 1'000'000'000'000;

bool Ascending(const std::array<int64_t, 4>& bounds, int64_t lowest) {
  if (bounds[0] < lowest) return false;
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (bounds[i] > kMaxBound) return false;
    if (i > 0 && bounds[i] <= bounds[i - 1]) return false;
  }
  return true;
}

// 1 + how many of the bounds `value` reaches.
int ScoreUp(const std::array<int64_t, 4>& bounds, int64_t value) {
  int score = 1;
  for (int64_t bound : bounds) {
    if (value >= bound) ++score;
  }
  return score;
}

}  // namespace

Status ValidateThresholds(const RfmThresholds& t) {
  if (!Ascending(t.recency_days, 0) || !Ascending(t.visits, 1) || !Ascending(t.spend_fen, 1)) {
    return InvalidArgumentError(
        "each of recency_days, visits and spend_fen needs 4 strictly ascending bounds (recency "
        "from 0, visits and spend from 1, at most 10^12)",
        "INVALID_THRESHOLDS");
  }
  return Status::Ok();
}

int RecencyScore(const RfmThresholds& t, std::optional<int64_t> recency_days) {
  if (!recency_days.has_value()) return 1;
  int score = 5;
  for (int64_t bound : t.recency_days) {
    if (*recency_days <= bound) return score;
    --score;
  }
  return 1;
}

int FrequencyScore(const RfmThresholds& t, int64_t visits) { return ScoreUp(t.visits, visits); }

int MonetaryScore(const RfmThresholds& t, int64_t spend_fen) {
  return ScoreUp(t.spend_fen, spend_fen);
}

std::optional<int64_t> RecencyDays(std::optional<int64_t> last_visit_at, int64_t now) {
  if (!last_visit_at.has_value()) return std::nullopt;
  if (*last_visit_at >= now) return 0;
  return (now - *last_visit_at) / 86400;
}

std::string VehicleAgeBucket(const std::optional<std::string>& purchase_date,
                             const civil::Date& today) {
  if (!purchase_date.has_value()) return "unknown";
  const std::optional<civil::Date> bought = civil::ParseDate(*purchase_date);
  if (!bought.has_value()) return "unknown";
  int64_t years = today.year - bought->year;
  if (today.month < bought->month || (today.month == bought->month && today.day < bought->day)) {
    --years;
  }
  if (years < 1) return "0_1";
  if (years < 3) return "1_3";
  if (years < 5) return "3_5";
  if (years < 8) return "5_8";
  return "8_plus";
}

}  // namespace mileage::growth
