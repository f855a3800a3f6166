#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/config.h"
#include "db/db.h"
#include "kv/kv.h"

namespace mileage::server {

// Checks a "database" setting without connecting. InvalidArgument saying what is wrong.
Status ValidateDatabaseUrl(const std::string& url);
// Checks a "kv" setting without connecting. InvalidArgument saying what is wrong.
Status ValidateKvUrl(const std::string& url);

// Chooses the driver for config.database and connects once. Errors: InvalidArgument for a bad
// URL, Unavailable when the server or file cannot be reached.
Result<std::unique_ptr<db::Db>> OpenDatabase(const Config& config);
// Chooses the Kv for config.kv (memory, or Redis connected once). Same errors.
Result<std::unique_ptr<kv::Kv>> OpenKv(const Config& config, const Clock& clock);

}  // namespace mileage::server
