#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::org {

// A staff account with its stored password hash, for login.
struct StaffCredentials {
  Staff staff;
  std::string password_hash;
};

// The SQL of the staff table on one connection. Lives for one use of its connection; not safe
// for concurrent use. Errors: the db::Connection errors.
class StaffStore {
 public:
  explicit StaffStore(db::Connection& conn) : conn_(conn) {}

  // Inserts the account (username already canonical); returns its id. AlreadyExists
  // USERNAME_EXISTS when the username is taken.
  Result<int64_t> Insert(const Staff& staff, std::string_view password_hash);
  Result<std::optional<Staff>> Find(int64_t id, bool lock = false);
  Result<std::optional<StaffCredentials>> FindByUsername(std::string_view username);
  Status SetInactive(int64_t id, int64_t now);
  // A page of the accounts whose scope lies in the subtree of `scope`, id order.
  Result<PageOf<Staff>> List(const NodePath& scope, const PageRequest& page);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::org
