#include "org/login_limiter.h"

#include <algorithm>
#include <optional>

#include "crypto/digest.h"
#include "crypto/hex.h"
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

// Keys hold a hash, so that the Kv holds no usernames or addresses and keys stay short.
std::string Hashed(std::string_view prefix, std::string_view subject) {
  return std::string(prefix) + crypto::HexEncode(crypto::Sha256(subject).substr(0, 16));
}

// An account and an address as one subject (a newline appears in neither).
std::string Pair(std::string_view account, std::string_view address) {
  return std::string(account) + "\n" + std::string(address);
}

int64_t UnixMillis(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// Whole seconds from now until `until`, rounded up, at least 1.
seconds SecondsUntil(TimePoint now, TimePoint until) {
  const int64_t ms = std::max<int64_t>(UnixMillis(until) - UnixMillis(now), 1);
  return seconds((ms + 999) / 1000);
}

Status Limited(seconds retry_after) {
  return ResourceExhaustedError(
      "too many login attempts; try again in " + std::to_string(retry_after.count()) + " s",
      "RATE_LIMITED");
}

// The integer a counter key holds; 0 when absent or not an integer.
Result<int64_t> CounterValue(kv::Kv& kv, const std::string& key) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> value, kv.Get(key));
  if (!value.has_value()) return int64_t{0};
  return kv::ParseKvInteger(*value).value_or(0);
}

}  // namespace

LoginLimiter::Window LoginLimiter::WindowOf(std::string_view prefix, std::string_view subject,
                                            seconds length) const {
  const int64_t length_ms = std::max<int64_t>(milliseconds(length).count(), 1);
  const int64_t number = UnixMillis(clock_.Now()) / length_ms;
  return Window{Hashed(prefix, subject) + ":" + std::to_string(number),
                TimePoint(milliseconds((number + 1) * length_ms))};
}

Status LoginLimiter::Admit(std::string_view account, std::string_view address,
                           seconds* retry_after) {
  const TimePoint now = clock_.Now();
  const Window by_address = WindowOf(kAddressPrefix, address, limits_.address_window);
  MILEAGE_ASSIGN_OR_RETURN(int64_t attempts,
                           kv_.Increment(by_address.key, 1, limits_.address_window));
  if (attempts > limits_.per_address) {
    *retry_after = SecondsUntil(now, by_address.ends);
    return Limited(*retry_after);
  }

  const std::string pair = Pair(account, address);
  MILEAGE_ASSIGN_OR_RETURN(int64_t wait_until_ms, CounterValue(kv_, Hashed(kWaitPrefix, pair)));
  const TimePoint wait_until{milliseconds(wait_until_ms)};
  if (wait_until > now) {
    *retry_after = SecondsUntil(now, wait_until);
    return Limited(*retry_after);
  }

  const Window by_account = WindowOf(kAccountPrefix, account, limits_.account_window);
  MILEAGE_ASSIGN_OR_RETURN(int64_t failures, CounterValue(kv_, by_account.key));
  if (failures >= limits_.per_account) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> known, kv_.Get(Hashed(kKnownPrefix, pair)));
    if (!known.has_value()) {
      *retry_after = SecondsUntil(now, by_account.ends);
      return Limited(*retry_after);
    }
  }
  return Status::Ok();
}

Status LoginLimiter::RecordFailure(std::string_view account, std::string_view address) {
  const std::string pair = Pair(account, address);
  const Window by_account = WindowOf(kAccountPrefix, account, limits_.account_window);
  MILEAGE_RETURN_IF_ERROR(kv_.Increment(by_account.key, 1, limits_.account_window).status());
  const Window by_pair = WindowOf(kPairPrefix, pair, limits_.pair_window);
  MILEAGE_ASSIGN_OR_RETURN(int64_t failures, kv_.Increment(by_pair.key, 1, limits_.pair_window));
  if (failures < limits_.free_failures) return Status::Ok();
  // The wait doubles with each failure past the free ones (capped before the shift overflows).
  const int64_t doublings = std::min<int64_t>(failures - limits_.free_failures, 30);
  const seconds wait =
      std::min<seconds>(limits_.first_backoff * (int64_t{1} << doublings), limits_.max_backoff);
  const TimePoint until = clock_.Now() + wait;
  return kv_.Set(Hashed(kWaitPrefix, pair), std::to_string(UnixMillis(until)), wait);
}

Status LoginLimiter::RecordSuccess(std::string_view account, std::string_view address) {
  const std::string pair = Pair(account, address);
  MILEAGE_RETURN_IF_ERROR(
      kv_.Delete(WindowOf(kPairPrefix, pair, limits_.pair_window).key).status());
  MILEAGE_RETURN_IF_ERROR(kv_.Delete(Hashed(kWaitPrefix, pair)).status());
  return kv_.Set(Hashed(kKnownPrefix, pair), "1", limits_.known_address_ttl);
}

}  // namespace mileage::org
