#include "growth/winback_types.h"

#include "common/civil_time.h"

namespace mileage::growth {

members::DriftCut CutOf(const WinbackSettings& settings, int64_t now) {
  constexpr int64_t kDay = 86400;
  members::DriftCut cut;
  cut.brand_id = settings.brand_id;
  cut.visited_by = now - settings.drift_days * kDay;
  cut.long_visited_by = now - settings.post_warranty_days * kDay;
  cut.bought_by =
      civil::FormatDate(civil::AddMonths(civil::BeijingDate(now), -12 * settings.warranty_years));
  return cut;
}

}  // namespace mileage::growth
