#pragma once

#include <cstdlib>
#include <string>

namespace mileage::testing {

// The URL of an external test server from the environment (set by scripts/test), e.g.
// MILEAGE_TEST_MYSQL_URL or MILEAGE_TEST_REDIS_URL. When it is missing the suite must not pass
// silently: it fails, unless MILEAGE_TEST_ALLOW_SKIP=1 says the developer chose to skip.
// Returns "" when skipping is allowed.
inline std::string ExternalServerUrl(const char* env_name, bool* skip) {
  const char* url = std::getenv(env_name);
  *skip = false;
  if (url != nullptr && *url != '\0') return url;
  const char* allow = std::getenv("MILEAGE_TEST_ALLOW_SKIP");
  *skip = allow != nullptr && std::string(allow) == "1";
  return "";
}

}  // namespace mileage::testing
