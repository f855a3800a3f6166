#pragma once

#include <string>

#include "common/config.h"
#include "common/result.h"
#include "members/types.h"
#include "payments/types.h"

namespace mileage::server {

// Reads the JSON config file at `path` over the defaults of Config. Every key is optional;
// unknown keys are refused. A string setting may instead be {"env":"NAME"} (read from the
// environment) or {"file":"PATH"} (the file's content, trailing newline trimmed) so that
// secrets such as database passwords stay out of the file.
// InvalidArgument naming the key for: unreadable file, malformed JSON, unknown key, wrong
// type, out-of-range value, unset environment variable, unreadable secret file.
Result<Config> LoadConfigFile(const std::string& path);

// The same, from JSON text (`origin` names it in messages).
Result<Config> ParseConfig(const std::string& json, const std::string& origin);

// The membership rules of a (validated) config: tiers with their grace period, and points
// expiry.
members::TierPolicy TierPolicyOf(const Config& config);
payments::PaymentPolicy PaymentPolicyOf(const Config& config);

}  // namespace mileage::server
