#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "org/types.h"

namespace mileage::org {

// The signed-in staff member a console request acts as, as kept in the session: staff
// accounts never change role or scope, so the session's copy stays true until the account is
// deactivated (which revokes the session). A value type.
struct Principal {
  int64_t staff_id = 0;
  std::string username;
  Role role = Role::kAnalyst;
  NodePath scope;
};

// Who calls a service, and from where: a signed-in staff member, or the operator's
// `mileage admin` command (which holds the config and the data key, and is trusted with
// everything). The request id and client address go into audit records. A value type.
struct Actor {
  std::optional<Principal> staff;
  std::string request_id;
  std::string client_address;

  bool is_system() const { return !staff.has_value(); }

  static Actor ForStaff(Principal principal, std::string request_id, std::string client_address) {
    return Actor{std::move(principal), std::move(request_id), std::move(client_address)};
  }
  // `origin` names the tool, e.g. "cli"; it is recorded as request id and client address.
  static Actor System(const std::string& origin) { return Actor{std::nullopt, origin, origin}; }
};

}  // namespace mileage::org
