#pragma once

#include <vector>

#include "common/config.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/data_key.h"

namespace mileage::server {

// The data key of this deployment. config.data_key when set. Otherwise, with a SQLite database
// file, the key kept in "data.key" beside that file (var/data.key by default), generated from
// `random` on first start with mode 0600 and announced in the log; with an in-memory SQLite
// database, a random key for this process only (logged as a warning). Errors: InvalidArgument
// when no key is configured for a MySQL database (instances sharing a database must share the
// key) or data.key does not hold 64 hex digits; Unavailable when data.key cannot be read or
// written.
Result<crypto::DataKey> ResolveDataKey(const Config& config, RandomSource& random);

// The keys of config.previous_data_keys (a data key rotation: sealed values that name one of
// them still open; new values use the primary key). InvalidArgument INVALID_CONFIG naming the
// entry (never its text) when one is not 64 hex digits.
Result<std::vector<crypto::DataKey>> PreviousDataKeys(const Config& config);

}  // namespace mileage::server
