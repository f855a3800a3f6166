#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mileage::server {

// The help text of `mileage sandbox`.
extern const char* const kSandboxUsage;

// `mileage sandbox ...`: serve the WeChat sandbox (default), `export` a merchant's keys from
// its state directory, or make a simulated `pay`ment / `refund` against a running sandbox.
// `args` are the arguments after "sandbox". Returns the exit status: 0 on success, 1 when the
// command fails (the reason on `err`), 2 on a usage error.
int RunSandbox(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace mileage::server
