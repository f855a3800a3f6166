#include "growth/feedback_types.h"

namespace mileage::growth {

std::string_view VisitKindName(VisitKind kind) {
  return kind == VisitKind::kPayment ? "payment" : "redemption";
}

std::optional<VisitKind> ParseVisitKind(std::string_view name) {
  if (name == "payment") return VisitKind::kPayment;
  if (name == "redemption") return VisitKind::kRedemption;
  return std::nullopt;
}

std::string_view FollowUpStateName(FollowUpState state) {
  switch (state) {
    case FollowUpState::kOpen:
      return "open";
    case FollowUpState::kContacted:
      return "contacted";
    case FollowUpState::kResolved:
      return "resolved";
  }
  return "open";
}

std::optional<FollowUpState> ParseFollowUpState(std::string_view name) {
  if (name == "open") return FollowUpState::kOpen;
  if (name == "contacted") return FollowUpState::kContacted;
  if (name == "resolved") return FollowUpState::kResolved;
  return std::nullopt;
}

bool FollowUpMoveAllowed(FollowUpState from, FollowUpState to) {
  return static_cast<int>(to) > static_cast<int>(from);
}

void NpsCounts::Add(const NpsCounts& other) {
  promoters += other.promoters;
  passives += other.passives;
  detractors += other.detractors;
}

std::optional<int64_t> NetPromoterScore(const NpsCounts& counts) {
  const int64_t total = counts.responses();
  if (total == 0) return std::nullopt;
  const int64_t numerator = 100 * (counts.promoters - counts.detractors);
  const int64_t magnitude = numerator < 0 ? -numerator : numerator;
  const int64_t rounded = (2 * magnitude + total) / (2 * total);
  return numerator < 0 ? -rounded : rounded;
}

std::string_view NpsBucketName(NpsBucket bucket) {
  return bucket == NpsBucket::kWeek ? "week" : "month";
}

std::optional<NpsBucket> ParseNpsBucket(std::string_view name) {
  if (name == "week") return NpsBucket::kWeek;
  if (name == "month") return NpsBucket::kMonth;
  return std::nullopt;
}

std::string_view NpsGroupName(NpsGroup group) {
  return group == NpsGroup::kStore ? "store" : "dealer";
}

std::optional<NpsGroup> ParseNpsGroup(std::string_view name) {
  if (name == "store") return NpsGroup::kStore;
  if (name == "dealer") return NpsGroup::kDealer;
  return std::nullopt;
}

int64_t BucketStart(NpsBucket bucket, int64_t day) {
  const civil::Date date = civil::CivilFromDays(day);
  if (bucket == NpsBucket::kWeek) return day - (civil::IsoWeekday(date) - 1);
  return civil::DaysFromCivil(civil::Date{date.year, date.month, 1});
}

int64_t NextBucketStart(NpsBucket bucket, int64_t start) {
  if (bucket == NpsBucket::kWeek) return start + 7;
  return civil::DaysFromCivil(civil::AddMonths(civil::CivilFromDays(start), 1));
}

}  // namespace mileage::growth
