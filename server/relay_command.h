#pragma once

#include "common/config.h"

namespace mileage::server {

// `mileage relay --config FILE`: migrates the database, then runs only the outbox relay
// (RelayRunner, under the relay lease, so that it can run beside `serve` nodes and other relay
// processes) until SIGTERM or SIGINT, then releases the lease. No HTTP. Returns the exit status:
// 0 after a signal, 1 when start-up fails (the reason on stderr; also when relay_poll_ms is 0).
int RunRelayCommand(const Config& config);

}  // namespace mileage::server
