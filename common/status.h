#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace mileage {

// The canonical error codes of DESIGN.md section 2. server/ maps each to one HTTP status.
enum class StatusCode {
  kOk,
  kInvalidArgument,
  kUnauthenticated,
  kPermissionDenied,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kAborted,
  kResourceExhausted,
  kUnavailable,
  kInternal,
};

// "INVALID_ARGUMENT" etc.; the default machine code of a Status without its own reason.
std::string_view StatusCodeName(StatusCode code);

// The outcome of an operation: a code, a human message and an optional stable machine
// reason (e.g. "COUPON_EXPIRED") shown to clients. Cheap to copy when OK. A value type.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string reason = {})
      : code_(code), message_(std::move(message)), reason_(std::move(reason)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The machine code for clients: the explicit reason, else the code's name.
  std::string_view reason() const;
  // "NOT_FOUND: member 42 not found", for logs and test failure output.
  std::string ToString() const;

  // Silences [[nodiscard]] where dropping an error is deliberate (say why at the call).
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string reason_;
};

inline Status InvalidArgumentError(std::string m, std::string reason = {}) {
  return {StatusCode::kInvalidArgument, std::move(m), std::move(reason)};
}
inline Status UnauthenticatedError(std::string m, std::string reason = {}) {
  return {StatusCode::kUnauthenticated, std::move(m), std::move(reason)};
}
inline Status PermissionDeniedError(std::string m, std::string reason = {}) {
  return {StatusCode::kPermissionDenied, std::move(m), std::move(reason)};
}
inline Status NotFoundError(std::string m, std::string reason = {}) {
  return {StatusCode::kNotFound, std::move(m), std::move(reason)};
}
inline Status AlreadyExistsError(std::string m, std::string reason = {}) {
  return {StatusCode::kAlreadyExists, std::move(m), std::move(reason)};
}
inline Status FailedPreconditionError(std::string m, std::string reason = {}) {
  return {StatusCode::kFailedPrecondition, std::move(m), std::move(reason)};
}
inline Status AbortedError(std::string m, std::string reason = {}) {
  return {StatusCode::kAborted, std::move(m), std::move(reason)};
}
inline Status ResourceExhaustedError(std::string m, std::string reason = {}) {
  return {StatusCode::kResourceExhausted, std::move(m), std::move(reason)};
}
inline Status UnavailableError(std::string m, std::string reason = {}) {
  return {StatusCode::kUnavailable, std::move(m), std::move(reason)};
}
inline Status InternalError(std::string m, std::string reason = {}) {
  return {StatusCode::kInternal, std::move(m), std::move(reason)};
}

}  // namespace mileage

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define MILEAGE_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::mileage::Status mileage_status_ = (expr);        \
    if (!mileage_status_.ok()) return mileage_status_; \
  } while (false)
