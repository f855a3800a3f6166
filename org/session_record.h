#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "org/principal.h"

namespace mileage::org {

// A console session: who is signed in, until when, and the account's credentials version at
// login (a session outlives no change of it: org/session_truth.h). A value type.
struct Session {
  Principal principal;
  TimePoint expires_at;
  int64_t credentials_version = 0;
};

// The payload of a console session's Kv entry (kv::SlidingSessions keeps the times): "s3|staff
// id|role|scope type|brand|region|dealer|store|credentials version|username". Usernames never
// contain '|' (org/validation.h). Values of the earlier formats ("s1", "s2", stored without the
// entry header) do not decode: such sessions end and their users log in again.
std::string EncodeSession(const Principal& principal, int64_t credentials_version);
// The session of a payload EncodeSession wrote (expires_at left unset); nullopt for anything
// else.
std::optional<Session> DecodeSession(std::string_view payload);

}  // namespace mileage::org
