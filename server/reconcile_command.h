#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mileage::server {

// The help text of `mileage reconcile`.
extern const char* const kReconcileUsage;

// `mileage reconcile --merchant MCHID --date YYYY-MM-DD --merchant-key-file PEM
// --merchant-serial SERIAL [--config FILE] [--apply] [--json]`: downloads the merchant's WeChat
// Pay trade bill of that Beijing day (from config wechat_pay_base_url, signed with the
// merchant's API key, answers verified with its registered platform keys), compares it with
// the recorded payments and refunds, and prints the differences (text, or one JSON object with
// --json). With --apply, the payments and refunds the bill shows and Mileage missed are applied
// as their notifications would have been. `args` are the arguments after "reconcile". Returns
// the exit status: 0 when the bill and Mileage agree, 1 when differences were found (also when
// --apply then applied them), 2 when it could not reconcile (usage, bad date, unreadable key,
// unknown merchant, config or database errors, a failed bill download), with the reason on
// `err` and nothing written.
int RunReconcile(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace mileage::server
