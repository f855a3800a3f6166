#pragma once

#include <cstddef>
#include <string>

#include "common/random.h"

namespace mileage::crypto {

// `length` characters drawn uniformly from [0-9A-Za-z] (rejection sampling, no modulo bias):
// the nonces WeChat Pay uses in headers, Authorization and encrypted resources.
std::string RandomAlphanumeric(RandomSource& random, size_t length);

}  // namespace mileage::crypto
