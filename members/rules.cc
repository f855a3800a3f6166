#include "members/rules.h"

#include <set>

#include "members/member_store.h"

namespace mileage::members {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr size_t kMaxTierName = 32;
constexpr int64_t kMaxGraceDays = 3650;

Status PolicyError(std::string message) {
  return InvalidArgumentError("tier policy: " + std::move(message), "INVALID_TIER_POLICY");
}

bool IsTierNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Days since 1970-01-01 to a proleptic Gregorian (year, month 1..12): H. Hinnant's
// civil_from_days, exact for every int64 day count we can meet.
void CivilFromDays(int64_t days, int64_t& year, int64_t& month) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = yoe + era * 400 + (month <= 2 ? 1 : 0);
}

}  // namespace

std::optional<size_t> TierRank(const TierPolicy& policy, std::string_view tier) {
  for (size_t i = 0; i < policy.tiers.size(); ++i) {
    if (policy.tiers[i].name == tier) return i;
  }
  return std::nullopt;
}

Status ValidateTierPolicy(const TierPolicy& policy) {
  if (policy.tiers.empty()) return PolicyError("no tiers");
  std::set<std::string> names;
  for (size_t i = 0; i < policy.tiers.size(); ++i) {
    const TierRule& rule = policy.tiers[i];
    if (rule.name.empty() || rule.name.size() > kMaxTierName) {
      return PolicyError("tier names are 1..32 characters");
    }
    for (char c : rule.name) {
      if (!IsTierNameChar(c)) return PolicyError("tier names use [a-z0-9_-]");
    }
    if (!names.insert(rule.name).second) return PolicyError("tier " + rule.name + " repeats");
    if (rule.min_spend_fen < 0 || rule.min_visits < 0) {
      return PolicyError("tier " + rule.name + " has a negative threshold");
    }
    if (i == 0 && (rule.min_spend_fen != 0 || rule.min_visits != 0)) {
      return PolicyError("the first tier must have zero thresholds");
    }
    if (i > 0 && rule.min_spend_fen == 0 && rule.min_visits == 0) {
      return PolicyError("tier " + rule.name + " needs a positive threshold");
    }
  }
  if (policy.grace_days < 0 || policy.grace_days > kMaxGraceDays) {
    return PolicyError("grace_days must be 0..3650");
  }
  return Status::Ok();
}

size_t QualifiedRank(const TierPolicy& policy, int64_t spend_fen, int64_t visits) {
  size_t rank = 0;
  for (size_t i = 1; i < policy.tiers.size(); ++i) {
    const TierRule& rule = policy.tiers[i];
    const bool by_spend = rule.min_spend_fen > 0 && spend_fen >= rule.min_spend_fen;
    const bool by_visits = rule.min_visits > 0 && visits >= rule.min_visits;
    if (by_spend || by_visits) rank = i;
  }
  return rank;
}

std::string ActivitySummary(int64_t spend_fen, int64_t visits) {
  return "spend " + std::to_string(spend_fen) + " fen, " + std::to_string(visits) +
         " visits in 12 months";
}

int64_t MonthOf(int64_t at) {
  // Floor division, so that times before 1970 land in the right month too.
  const int64_t days =
      at >= 0 ? at / kSecondsPerDay : -((-at + kSecondsPerDay - 1) / kSecondsPerDay);
  int64_t year = 0;
  int64_t month = 0;
  CivilFromDays(days, year, month);
  return year * 100 + month;
}

int64_t MonthsBefore(int64_t yyyymm, int64_t months_back) {
  const int64_t index = (yyyymm / 100) * 12 + (yyyymm % 100 - 1) - months_back;
  const int64_t year = index >= 0 ? index / 12 : -((-index + 11) / 12);
  const int64_t month = index - year * 12 + 1;
  return year * 100 + month;
}

MonthRange RollingWindow(int64_t now) {
  const int64_t last = MonthOf(now);
  return {MonthsBefore(last, kRollingMonths - 1), last};
}

std::string NewMemberNumber(RandomSource& random) {
  // Uniform digits by rejection: bytes >= 250 (or >= 252 for the first digit, which is 1..9)
  // would bias the modulo and are drawn again.
  std::string digits;
  digits.reserve(12);
  uint8_t pool[32];
  while (digits.size() < 11) {
    random.Fill(pool);
    for (uint8_t b : pool) {
      if (digits.size() == 11) break;
      if (digits.empty()) {
        if (b < 252) digits.push_back(static_cast<char>('1' + b % 9));
      } else if (b < 250) {
        digits.push_back(static_cast<char>('0' + b % 10));
      }
    }
  }
  // Luhn: double every second digit counting leftwards from the one next to the check digit.
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  digits.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return digits;
}

bool IsValidMemberNumber(std::string_view number) {
  if (number.size() != 12) return false;
  int sum = 0;
  for (size_t i = 0; i < number.size(); ++i) {
    const char c = number[number.size() - 1 - i];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

}  // namespace mileage::members
