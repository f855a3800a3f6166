// RapidJSON's contract checks for this project, included first in every translation unit by
// cmake/dependencies.cmake (so every use of RapidJSON sees the same definition).
//
// RapidJSON checks its API contracts (GetString() on a string, operator[] on a member that
// exists, GetArray() on an array) with RAPIDJSON_ASSERT, which defaults to assert(): an abort in
// debug builds and undefined behaviour in release builds. A document of an unexpected shape that
// slips past a type check must do neither, so a broken contract throws JsonContractError
// instead: the HTTP server's last-resort handler answers that request with 500 and logs it, and
// main() catches what escapes a command. Our code never catches it to carry on.
#pragma once

#include <stdexcept>

namespace mileage {

class JsonContractError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace mileage

#define RAPIDJSON_ASSERT(x) \
  ((x) ? static_cast<void>(0) : throw ::mileage::JsonContractError("RapidJSON contract: " #x))
