#include "wechat/client/access_token_provider.h"

#include <rapidjson/document.h>

#include <thread>

#include "common/log.h"
#include "wechat/client/error_mapping.h"
#include "wechat/client/json_writer.h"
#include "wechat/client/reasons.h"
#include "wechat/internal/json_reader.h"

namespace mileage::wechat::client {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Kv value: "<expires_at unix ms>:<token>".
std::string EncodeToken(std::string_view token, TimePoint expires_at) {
  auto ms = std::chrono::duration_cast<milliseconds>(expires_at.time_since_epoch()).count();
  return std::to_string(ms) + ":" + std::string(token);
}

bool DecodeToken(std::string_view text, std::string* token, TimePoint* expires_at) {
  size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon > 18 || colon + 1 == text.size()) {
    return false;
  }
  int64_t ms = 0;
  for (char c : text.substr(0, colon)) {
    if (c < '0' || c > '9') return false;
    ms = ms * 10 + (c - '0');
  }
  *expires_at = TimePoint(std::chrono::duration_cast<TimePoint::duration>(milliseconds(ms)));
  token->assign(text.substr(colon + 1));
  return true;
}

}  // namespace

AccessTokenProvider::AccessTokenProvider(ApiClient& api, kv::Kv& kv, const Clock& clock,
                                         RandomSource& random, std::string appid,
                                         std::string secret, AccessTokenOptions options)
    : api_(api),
      kv_(kv),
      clock_(clock),
      random_(random),
      appid_(std::move(appid)),
      secret_(std::move(secret)),
      options_(std::move(options)),
      token_key_(options_.key_prefix + "access_token:" + appid_),
      lock_key_(options_.key_prefix + "access_token_lock:" + appid_) {}

void AccessTokenProvider::Remember(const Token& token) {
  std::lock_guard lock(mutex_);
  local_ = token;
}

Result<std::optional<AccessTokenProvider::Token>> AccessTokenProvider::ReadShared() {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> text, kv_.Get(token_key_));
  if (!text) return std::optional<Token>();
  Token token;
  if (!DecodeToken(*text, &token.value, &token.expires_at)) {
    MILEAGE_LOG(kWarn) << "ignoring a malformed cached access token for " << appid_;
    return std::optional<Token>();
  }
  return std::optional<Token>(std::move(token));
}

Result<std::optional<std::string>> AccessTokenProvider::TryLock() {
  std::string owner = RandomHex(random_, 16);
  MILEAGE_ASSIGN_OR_RETURN(bool acquired, kv_.SetIfAbsent(lock_key_, owner, options_.lock_ttl));
  if (!acquired) return std::optional<std::string>();
  return std::optional<std::string>(std::move(owner));
}

Result<AccessTokenProvider::Token> AccessTokenProvider::FetchStableToken(bool force_refresh,
                                                                         SteadyTime deadline) {
  JsonWriter body;
  body.BeginObject();
  body.String("grant_type", "client_credential");
  body.String("appid", appid_);
  body.String("secret", secret_);
  body.Bool("force_refresh", force_refresh);
  body.EndObject();
  HttpCall call;
  call.host = Host::kApi;
  call.method = "POST";
  call.target = "/cgi-bin/stable_token";
  call.body = body.Take();
  // Without force_refresh stable_token answers the current token again: safe to repeat.
  call.idempotency = force_refresh ? Idempotency::kNotIdempotent : Idempotency::kIdempotent;
  call.deadline = deadline;
  TimePoint asked_at = clock_.Now();
  MILEAGE_ASSIGN_OR_RETURN(HttpReply reply, api_.Send(call));
  rapidjson::Document doc;
  if (reply.status != 200 || !internal::ParseJsonObject(reply.body, doc)) {
    return InternalError("stable_token: unexpected HTTP " + std::to_string(reply.status),
                         reason::kBadResponse);
  }
  internal::ObjectReader reader(doc);
  int64_t errcode = 0;
  if (auto it = doc.FindMember("errcode"); it != doc.MemberEnd() && it->value.IsInt64()) {
    errcode = it->value.GetInt64();
  }
  if (errcode != 0) return MapErrcode(errcode, reader.OptionalString("errmsg"), "stable_token");
  Token token;
  token.value = reader.RequiredString("access_token");
  int64_t expires_in = reader.RequiredNonNegative("expires_in");
  if (!reader.ok() || token.value.empty() || expires_in <= 0) {
    return InternalError("stable_token: " + (reader.ok() ? "empty token" : reader.error()),
                         reason::kBadResponse);
  }
  token.expires_at = asked_at + std::chrono::seconds(expires_in);
  return token;
}

template <typename Good>
Result<AccessTokenProvider::Token> AccessTokenProvider::RefreshLocked(const std::string& owner,
                                                                      SteadyTime acquired,
                                                                      Good good,
                                                                      std::string_view rejected) {
  // Finish the HTTP work while at least a fifth of the lock's lifetime remains.
  SteadyTime deadline = acquired + options_.lock_ttl - options_.lock_ttl / 5;
  Result<Token> result = [&]() -> Result<Token> {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Token> shared, ReadShared());
    if (shared && good(*shared)) return *shared;
    MILEAGE_ASSIGN_OR_RETURN(Token fresh, FetchStableToken(false, deadline));
    if (!rejected.empty() && fresh.value == rejected) {
      MILEAGE_LOG(kInfo) << "stable_token returned the rejected token for " << appid_
                         << "; forcing a new one";
      MILEAGE_ASSIGN_OR_RETURN(fresh, FetchStableToken(true, deadline));
    }
    auto ttl = std::chrono::duration_cast<milliseconds>(fresh.expires_at - clock_.Now());
    if (ttl.count() > 0) {
      Status stored = kv_.Set(token_key_, EncodeToken(fresh.value, fresh.expires_at), ttl);
      if (!stored.ok()) {
        MILEAGE_LOG(kWarn) << "cannot cache the access token of " << appid_ << ": "
                           << stored.ToString();
      }
    }
    return fresh;
  }();
  Result<bool> released = kv_.DeleteIfEquals(lock_key_, owner);
  if (!released.ok()) {
    MILEAGE_LOG(kWarn) << "cannot release the token lock of " << appid_
                       << " (it expires by itself): " << released.status().ToString();
  }
  if (result.ok()) Remember(*result);
  return result;
}

Result<std::string> AccessTokenProvider::Get() {
  {
    std::lock_guard lock(mutex_);
    if (local_ && local_->expires_at - clock_.Now() > options_.refresh_ahead) return local_->value;
  }
  auto fresh_enough = [this](const Token& t) {
    return t.expires_at - clock_.Now() > options_.refresh_ahead;
  };
  const SteadyTime wait_until = SteadyClock::now() + options_.wait_for_refresh;
  while (true) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Token> shared, ReadShared());
    if (shared && fresh_enough(*shared)) {
      Remember(*shared);
      return shared->value;
    }
    // A token in its refresh-ahead window still works while someone refreshes it.
    bool usable = shared && shared->expires_at > clock_.Now();
    SteadyTime acquired = SteadyClock::now();
    MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> owner, TryLock());
    if (owner) {
      Result<Token> refreshed = RefreshLocked(*owner, acquired, fresh_enough, {});
      if (refreshed.ok()) return refreshed->value;
      if (!usable) return refreshed.status();
      MILEAGE_LOG(kWarn) << "refreshing the access token of " << appid_
                         << " ahead of expiry failed; using the current one: "
                         << refreshed.status().ToString();
      return shared->value;
    }
    if (usable) return shared->value;
    if (SteadyClock::now() >= wait_until) {
      return UnavailableError("no access token for " + appid_ + " appeared while another " +
                                  "process was refreshing it",
                              reason::kTokenUnavailable);
    }
    std::this_thread::sleep_for(options_.poll_interval);
  }
}

Result<std::string> AccessTokenProvider::Replace(std::string_view rejected) {
  {
    std::lock_guard lock(mutex_);
    if (local_ && local_->value == rejected) local_.reset();
  }
  std::string rejected_copy(rejected);
  auto replaced = [this, &rejected_copy](const Token& t) {
    return t.value != rejected_copy && t.expires_at > clock_.Now();
  };
  const SteadyTime wait_until = SteadyClock::now() + options_.wait_for_refresh;
  while (true) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Token> shared, ReadShared());
    if (shared && replaced(*shared)) {
      Remember(*shared);
      return shared->value;
    }
    SteadyTime acquired = SteadyClock::now();
    MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> owner, TryLock());
    if (owner) {
      MILEAGE_ASSIGN_OR_RETURN(Token token,
                               RefreshLocked(*owner, acquired, replaced, rejected_copy));
      return token.value;
    }
    if (SteadyClock::now() >= wait_until) {
      return UnavailableError("no new access token for " + appid_ + " appeared while another " +
                                  "process was refreshing it",
                              reason::kTokenUnavailable);
    }
    std::this_thread::sleep_for(options_.poll_interval);
  }
}

}  // namespace mileage::wechat::client
