#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "org/principal.h"

namespace mileage::org {

// A console session as kept in the Kv: who is signed in, until when, and the account's
// credentials version at login (a session outlives no change of it: org/session_truth.h). A
// value type.
struct Session {
  Principal principal;
  TimePoint expires_at;
  int64_t credentials_version = 0;
};

// The Kv value of a session: "s2|staff id|role|scope type|brand|region|dealer|store|expiry in
// Unix milliseconds|credentials version|username". Usernames never contain '|'
// (org/validation.h). Values of the earlier "s1" format (no version) do not decode: such
// sessions end and their users log in again.
std::string EncodeSession(const Session& session);
// nullopt when `value` is not a value EncodeSession wrote.
std::optional<Session> DecodeSession(std::string_view value);

}  // namespace mileage::org
