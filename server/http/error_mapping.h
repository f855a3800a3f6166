#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace mileage::server {

// The one table from Status codes to HTTP statuses (DESIGN.md section 2).
int HttpStatusFor(StatusCode code);

// The message a client may see for `status`. Statuses about the server rather than the request
// (Internal, Unavailable, Aborted, and AlreadyExists without a machine code of its own) carry
// driver, SQL or OpenSSL text: they get a fixed message, and the details go to the log.
std::string_view ClientMessage(const Status& status);

// {"code":"MACHINE_CODE","message":ClientMessage(status)}: the body of every client error.
std::string ErrorBody(const Status& status);

// Serialises code and message as the error JSON object.
std::string ErrorBody(std::string_view code, std::string_view message);

}  // namespace mileage::server
