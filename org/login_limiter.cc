#include "org/login_limiter.h"

#include <algorithm>
#include <optional>

#include "kv/kv_integer.h"

namespace mileage::org {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::string_view kAddressPrefix = "console:login-address:";
constexpr std::string_view kPairPrefix = "console:login-pair:";
constexpr std::string_view kWaitPrefix = "console:login-wait:";
constexpr std::string_view kAccountPrefix = "console:login-account:";
constexpr std::string_view kKnownPrefix = "console:login-known:";

// An account and an address as one subject (a newline appears in neither).
std::string Pair(std::string_view account, std::string_view address) {
  return std::string(account) + "\n" + std::string(address);
}

int64_t UnixMillis(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

constexpr std::string_view kLimited = "login attempts";

Status Limited(seconds retry_after) { return kv::RateLimitedError(kLimited, retry_after); }

// The integer a key holds; 0 when absent or not an integer.
Result<int64_t> IntegerAt(kv::Kv& kv, const std::string& key) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> value, kv.Get(key));
  if (!value.has_value()) return int64_t{0};
  return kv::ParseKvInteger(*value).value_or(0);
}

}  // namespace

LoginLimiter::LoginLimiter(kv::Kv& kv, const Clock& clock, LoginLimits limits)
    : kv_(kv),
      clock_(clock),
      limits_(limits),
      by_address_(kv, clock, std::string(kAddressPrefix), limits.per_address, limits.address_window,
                  std::string(kLimited)),
      by_pair_(kv, clock, std::string(kPairPrefix), limits.pair_window),
      by_account_(kv, clock, std::string(kAccountPrefix), limits.account_window) {}

Status LoginLimiter::Admit(std::string_view account, std::string_view address,
                           seconds* retry_after) {
  const TimePoint now = clock_.Now();
  MILEAGE_RETURN_IF_ERROR(by_address_.Take(address, retry_after));

  const std::string pair = Pair(account, address);
  MILEAGE_ASSIGN_OR_RETURN(int64_t wait_until_ms, IntegerAt(kv_, kv::HashedKey(kWaitPrefix, pair)));
  const TimePoint wait_until{milliseconds(wait_until_ms)};
  if (wait_until > now) {
    *retry_after = kv::SecondsUntil(now, wait_until);
    return Limited(*retry_after);
  }

  MILEAGE_ASSIGN_OR_RETURN(kv::FixedWindow::Count failures, by_account_.Read(account));
  if (failures.value >= limits_.per_account) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> known,
                             kv_.Get(kv::HashedKey(kKnownPrefix, pair)));
    if (!known.has_value()) {
      *retry_after = kv::SecondsUntil(now, failures.ends);
      return Limited(*retry_after);
    }
  }
  return Status::Ok();
}

Status LoginLimiter::RecordFailure(std::string_view account, std::string_view address) {
  const std::string pair = Pair(account, address);
  MILEAGE_RETURN_IF_ERROR(by_account_.Add(account).status());
  MILEAGE_ASSIGN_OR_RETURN(kv::FixedWindow::Count failures, by_pair_.Add(pair));
  if (failures.value < limits_.free_failures) return Status::Ok();
  // The wait doubles with each failure past the free ones (capped before the shift overflows).
  const int64_t doublings = std::min<int64_t>(failures.value - limits_.free_failures, 30);
  const seconds wait =
      std::min<seconds>(limits_.first_backoff * (int64_t{1} << doublings), limits_.max_backoff);
  const TimePoint until = clock_.Now() + wait;
  return kv_.Set(kv::HashedKey(kWaitPrefix, pair), std::to_string(UnixMillis(until)), wait);
}

Status LoginLimiter::RecordSuccess(std::string_view account, std::string_view address) {
  const std::string pair = Pair(account, address);
  MILEAGE_RETURN_IF_ERROR(by_pair_.Clear(pair));
  MILEAGE_RETURN_IF_ERROR(kv_.Delete(kv::HashedKey(kWaitPrefix, pair)).status());
  return kv_.Set(kv::HashedKey(kKnownPrefix, pair), "1", limits_.known_address_ttl);
}

}  // namespace mileage::org
