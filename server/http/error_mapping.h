#pragma once

#include <string>

#include "common/status.h"

namespace mileage::server {

// The one table from Status codes to HTTP statuses (DESIGN.md section 2).
int HttpStatusFor(StatusCode code);

// {"code":"MACHINE_CODE","message":"..."}: the body of every client error. Internal errors
// never reach the client with their message: it is replaced by a generic one (logged instead).
std::string ErrorBody(const Status& status);

// Serialises code and message as the error JSON object.
std::string ErrorBody(std::string_view code, std::string_view message);

}  // namespace mileage::server
