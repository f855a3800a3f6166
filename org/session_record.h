#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "org/principal.h"

namespace mileage::org {

// A console session as kept in the Kv: who is signed in and until when. A value type.
struct Session {
  Principal principal;
  TimePoint expires_at;
};

// The Kv value of a session: "s1|staff id|role|scope type|brand|region|dealer|store|expiry in
// Unix milliseconds|username". Usernames never contain '|' (org/validation.h).
std::string EncodeSession(const Session& session);
// nullopt when `value` is not a value EncodeSession wrote.
std::optional<Session> DecodeSession(std::string_view value);

}  // namespace mileage::org
