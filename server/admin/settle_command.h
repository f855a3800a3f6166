#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mileage::server {

// The help text of `mileage settle`.
extern const char* const kSettleUsage;

// `mileage settle --brand B --period YYYY-MM [--config FILE]`: closes the brand's settlement
// period (points::SettlementService::Close, as the operator: audited as settlement.close with
// staff "cli") and prints its statements, one block per party; a period closed already is
// printed as stored and nothing changes. `args` are the arguments after "settle". Returns the
// exit status: 0 when the period is closed (now or before), 1 when it cannot be closed (not
// ended yet, an earlier period open, a later one closed, an unknown brand, config or database
// errors; the reason on `err`, nothing written), 2 on a usage error (also a malformed period).
int RunSettle(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace mileage::server
