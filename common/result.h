#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "common/status.h"

namespace mileage {

// Either a value of T or a non-OK Status. Accessing the value of an error is a bug (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "a Result made from a Status must carry an error");
    if (status_.ok()) status_ = InternalError("Result constructed from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mileage

#define MILEAGE_CONCAT_INNER_(a, b) a##b
#define MILEAGE_CONCAT_(a, b) MILEAGE_CONCAT_INNER_(a, b)

// `MILEAGE_ASSIGN_OR_RETURN(auto x, Compute());` declares x from the value of a Result, or
// returns its Status from the enclosing function.
#define MILEAGE_ASSIGN_OR_RETURN(lhs, expr) \
  MILEAGE_ASSIGN_OR_RETURN_IMPL_(MILEAGE_CONCAT_(mileage_result_, __LINE__), lhs, expr)
#define MILEAGE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
