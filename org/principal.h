#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "org/types.h"

namespace mileage::org {

// The signed-in staff member a console request acts as, as kept in the session. A role or
// scope change raises the account's credentials version, which ends the session
// (org/session_truth.h), so the session's copy stays true while the session lasts. A value
// type.
struct Principal {
  int64_t staff_id = 0;
  std::string username;
  Role role = Role::kAnalyst;
  NodePath scope;
};

// Who calls a service, and from where: a signed-in staff member (ForStaff), or the operator's
// `mileage admin` command (System: it holds the config and the data key and is trusted with
// everything). Being the system is an explicit flag: a default-constructed Actor is neither
// and is refused by every authorization check. The request id and client address go into
// audit records. A value type.
struct Actor {
  std::optional<Principal> staff;
  std::string request_id;
  std::string client_address;
  bool system = false;

  bool is_system() const { return system; }

  static Actor ForStaff(Principal principal, std::string request_id, std::string client_address) {
    return Actor{std::move(principal), std::move(request_id), std::move(client_address), false};
  }
  // `origin` names the tool, e.g. "cli"; it is recorded as request id and client address.
  static Actor System(const std::string& origin) {
    return Actor{std::nullopt, origin, origin, true};
  }
};

}  // namespace mileage::org
