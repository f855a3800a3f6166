#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "kv/kv.h"
#include "wechat/client/api_client.h"

namespace mileage::wechat::client {

// Tuning of AccessTokenProvider. A value type.
struct AccessTokenOptions {
  // Kv keys: <prefix>access_token:<appid> (the token) and <prefix>access_token_lock:<appid>.
  std::string key_prefix = "wechat:";
  // A token with less than this left is refreshed (by one process) while still being used.
  std::chrono::seconds refresh_ahead{300};
  // Lifetime of the refresh lock. The refresher's stable_token call ends (deadline) well
  // before it, so the lock never outlives its holder's work unnoticed.
  std::chrono::milliseconds lock_ttl{10000};
  // How long a caller without any valid token waits for another process's refresh.
  std::chrono::milliseconds wait_for_refresh{12000};
  // How often a waiting caller looks at the Kv again.
  std::chrono::milliseconds poll_interval{25};
};

// The mini-program access token of one appid from `POST /cgi-bin/stable_token`, cached in the
// Kv and shared by every server process: one process refreshes at a time under a Kv lock
// (SetIfAbsent with a TTL, released with DeleteIfEquals), the others read the cached token or,
// when there is none yet, wait briefly for the refresher. A token is refreshed ahead of its
// expiry. Each process keeps one per appid (usually inside MiniProgramClient); it borrows the
// ApiClient, Kv, clock and random source, which must outlive it. Safe for concurrent use.
class AccessTokenProvider {
 public:
  AccessTokenProvider(ApiClient& api, kv::Kv& kv, const Clock& clock, RandomSource& random,
                      std::string appid, std::string secret, AccessTokenOptions options = {});

  // A token valid now. Errors: Unavailable WECHAT_TOKEN_UNAVAILABLE when no token appeared
  // within wait_for_refresh while another process held the lock; the Kv's Unavailable; and, for
  // the process that refreshes, the errors of stable_token (MapErrcode, e.g. FailedPrecondition
  // WECHAT_BAD_CREDENTIALS; ApiClient::Send's Unavailable; Internal WECHAT_BAD_RESPONSE).
  Result<std::string> Get();

  // A token other than `rejected`, which WeChat just refused (40001/42001/40014). Across all
  // processes the first caller refreshes (forcing a new token if stable_token still returns
  // the rejected one); the others pick up its result. Errors as for Get.
  Result<std::string> Replace(std::string_view rejected);

  const std::string& appid() const { return appid_; }

 private:
  struct Token {
    std::string value;
    TimePoint expires_at;
  };
  using SteadyTime = std::chrono::steady_clock::time_point;

  Result<std::optional<Token>> ReadShared();
  Result<std::optional<std::string>> TryLock();
  // Holding the lock: re-reads the Kv (another process may just have refreshed) and returns a
  // token for which `good` holds, else calls stable_token; always releases the lock.
  template <typename Good>
  Result<Token> RefreshLocked(const std::string& owner, SteadyTime acquired, Good good,
                              std::string_view rejected);
  Result<Token> FetchStableToken(bool force_refresh, SteadyTime deadline);
  void Remember(const Token& token);

  ApiClient& api_;
  kv::Kv& kv_;
  const Clock& clock_;
  RandomSource& random_;
  const std::string appid_;
  const std::string secret_;
  const AccessTokenOptions options_;
  const std::string token_key_;
  const std::string lock_key_;
  std::mutex mutex_;
  std::optional<Token> local_;
};

}  // namespace mileage::wechat::client
