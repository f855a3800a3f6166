#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "kv/fixed_window.h"
#include "kv/kv.h"

namespace mileage::org {

// How console logins are throttled (docs/OPERATIONS.md, "Login limits"). Counters are fixed
// windows aligned to the clock (window number = now / window), so a refusal can say when the
// window ends (Retry-After).
struct LoginLimits {
  // Every attempt from one client address, any account: bounds the scrypt work one address
  // can cause.
  int64_t per_address = 50;
  std::chrono::seconds address_window{900};
  // Wrong passwords for one account from one address within `pair_window` before that
  // address must wait for the account: `first_backoff` after the last free one, doubling with
  // each further failure, at most `max_backoff`. A success from the address clears them.
  int64_t free_failures = 5;
  std::chrono::seconds pair_window{3600};
  std::chrono::seconds first_backoff{30};
  std::chrono::seconds max_backoff{900};
  // Wrong passwords for one account from all addresses within `account_window`. Past it, only
  // addresses that logged in to the account within `known_address_ttl` may still try, so a
  // botnet cannot guess on for ever and cannot lock the real user out of their usual address.
  int64_t per_account = 100;
  std::chrono::seconds account_window{3600};
  std::chrono::seconds known_address_ttl{30 * 24 * 3600};
};

// The login throttle: per client address, per (account, address) with growing backoff, and a
// per-account ceiling that exempts addresses the account logged in from recently. Accounts are
// named by the caller ("<brand id>:<lowercase username>", known or not, so that unknown and
// known usernames are throttled alike). State lives in the Kv under hashed keys (no usernames
// or addresses in the Kv). Owned by the SessionService; safe for concurrent use.
class LoginLimiter {
 public:
  LoginLimiter(kv::Kv& kv, const Clock& clock, LoginLimits limits);

  // Before the password is checked: counts the attempt for the address, then refuses it when
  // the address used up its attempts, the address must still wait for this account, or the
  // account is past its ceiling and the address is not one it logged in from recently.
  // Errors: ResourceExhausted RATE_LIMITED with *retry_after set (whole seconds, at least 1);
  // Unavailable when the Kv fails.
  Status Admit(std::string_view account, std::string_view address,
               std::chrono::seconds* retry_after);
  // After a wrong password or an unknown account: counts the failure for the pair and the
  // account and starts the pair's wait once the free failures are used. Unavailable when the
  // Kv fails.
  Status RecordFailure(std::string_view account, std::string_view address);
  // After a successful login: clears the pair's failures and wait and remembers the address as
  // one the account logs in from. Unavailable when the Kv fails.
  Status RecordSuccess(std::string_view account, std::string_view address);

 private:
  kv::Kv& kv_;
  const Clock& clock_;
  const LoginLimits limits_;
  kv::FixedWindowLimit by_address_;
  kv::FixedWindow by_pair_;
  kv::FixedWindow by_account_;
};

}  // namespace mileage::org
