#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mileage::server {

// The help text of `mileage admin`.
extern const char* const kAdminUsage;

// `mileage admin <command> [--config FILE] [options]`: the operator's tools: bootstrap
// (create-brand, create-region, create-dealer, create-store, create-user), apps (add-app,
// list-apps, deactivate-app, reactivate-app), merchants (add-merchant, add-platform-key,
// retire-platform-key, deactivate-merchant, reactivate-merchant, fetch-platform-certificates)
// and accounts (reset-password, deactivate-user, reactivate-user, deactivate-partner,
// reactivate-partner). Each migrates the database first, acts as the trusted operator (audited
// with staff "cli"), and prints the new or acted-on object's id alone on `out` (list-apps and
// fetch-platform-certificates print one line per item). A password is read from
// --password-file or else from `in`, never from the arguments. `args` are the arguments after
// "admin". Returns the exit status: 0 on success, 1 when the command fails (the reason on
// `err`), 2 on a usage error.
int RunAdmin(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
             std::ostream& err);

}  // namespace mileage::server
