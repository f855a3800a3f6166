#include "members/rules.h"

#include <set>

#include "common/civil_time.h"
#include "members/member_store.h"

namespace mileage::members {
namespace {

constexpr size_t kMaxTierName = 32;
constexpr int64_t kMaxGraceDays = 3650;

Status PolicyError(std::string message) {
  return InvalidArgumentError("tier policy: " + std::move(message), "INVALID_TIER_POLICY");
}

bool IsTierNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
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

TierProgress ProgressToNextTier(const TierPolicy& policy, std::string_view current_tier,
                                int64_t spend_fen, int64_t visits) {
  TierProgress out;
  out.current = std::string(current_tier);
  const std::optional<size_t> rank = TierRank(policy, current_tier);
  if (!rank.has_value() || *rank + 1 >= policy.tiers.size()) return out;
  const TierRule& next = policy.tiers[*rank + 1];
  out.next = next.name;
  auto left = [](int64_t threshold, int64_t have) -> std::optional<int64_t> {
    if (threshold <= 0) return std::nullopt;  // not a criterion of the tier
    return have >= threshold ? 0 : threshold - have;
  };
  out.spend_fen_to_next = left(next.min_spend_fen, spend_fen);
  out.visits_to_next = left(next.min_visits, visits);
  return out;
}

std::string ActivitySummary(int64_t spend_fen, int64_t visits) {
  return "spend " + std::to_string(spend_fen) + " fen, " + std::to_string(visits) +
         " visits in 12 months";
}

MonthRange RollingWindow(int64_t now) {
  const int64_t last = civil::BeijingMonth(now);
  return {civil::MonthsBefore(last, kRollingMonths - 1), last};
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
