#include "server/admin/settle_command.h"

#include <map>
#include <optional>
#include <ostream>

#include "common/civil_time.h"
#include "common/money.h"
#include "org/validation.h"
#include "points/settlement.h"
#include "server/operator_context.h"

namespace mileage::server {

const char* const kSettleUsage =
    R"(Usage: mileage settle --brand ID --period YYYY-MM [--config FILE]

Closes the partner settlement period YYYY-MM (a Beijing calendar month) of brand ID and prints
its statements: per party (the brand is party 0, partners by id) the points it funded, its net
amount, and one line per counterparty with the points it paid for, the points it is paid for,
the breakage (its expired points, which the brand keeps) and the line's amount in yuan (positive:
the party receives). A period closes only after it has ended, and after the months before it
that have activity; once closed it never changes (running settle again prints it as stored),
and points that move later land in the next period. The console shows the same statements.

Exit status: 0 when the period is closed (now or before), 1 when it cannot be closed (the
message says why), 2 on usage errors.
)";

namespace {

struct SettleArgs {
  std::string config_path;
  std::string brand;
  std::string period;
};

std::optional<std::string> ParseSettleArgs(const std::vector<std::string>& args, SettleArgs* out) {
  std::map<std::string, std::string*> values = {
      {"config", &out->config_path}, {"brand", &out->brand}, {"period", &out->period}};
  std::map<std::string, bool> seen;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) return "unexpected argument " + arg;
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    const size_t equals = name.find('=');
    if (equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }
    auto target = values.find(name);
    if (target == values.end()) return "unknown option --" + name;
    if (!value.has_value()) {
      if (i + 1 >= args.size()) return "--" + name + " needs a value";
      value = args[++i];
    }
    if (seen[name]) return "--" + name + " is given twice";
    seen[name] = true;
    *target->second = *value;
  }
  for (const char* required : {"brand", "period"}) {
    if (values.at(required)->empty()) return std::string("settle needs --") + required;
  }
  return std::nullopt;
}

std::string Yuan(int64_t fen) { return Money::Fen(fen).ToYuanString(); }

void Print(std::ostream& out, const points::SettlementStatement& s) {
  out << "period " << s.period << " closed"
      << (s.already_closed ? " (before; nothing changed)" : "") << ": " << s.lot_uses
      << " lot uses, " << s.points_moved << " points between parties, " << s.point_value_fen_per_100
      << " fen per 100 points, " << Yuan(s.amount_fen) << " yuan changes hands\n";
  for (const points::PartyStatement& party : s.parties) {
    out << "party " << party.party_id << " " << party.name << ": funded " << party.points_funded
        << " points, net " << Yuan(party.net_fen) << " yuan\n";
    for (const points::SettlementLine& line : party.lines) {
      out << "  with " << line.counterparty_id << " " << line.counterparty_name << ": paid "
          << line.points_paid << ", received " << line.points_received << ", breakage "
          << line.breakage_points << " points, amount " << Yuan(line.amount_fen) << " yuan\n";
    }
  }
}

}  // namespace

int RunSettle(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    out << kSettleUsage;
    return 0;
  }
  SettleArgs parsed;
  std::optional<std::string> usage = ParseSettleArgs(args, &parsed);
  Result<int64_t> brand = org::ParseId(parsed.brand, "--brand");
  if (!usage.has_value() && !brand.ok()) usage = brand.status().message();
  if (!usage.has_value() && !civil::ParseMonth(parsed.period).has_value()) {
    usage = "--period must be a month YYYY-MM";
  }
  if (usage.has_value()) {
    err << "mileage settle: " << *usage << "\n\n" << kSettleUsage;
    return 2;
  }
  Result<std::unique_ptr<OperatorContext>> context = OperatorContext::Open(parsed.config_path);
  if (!context.ok()) {
    err << "mileage settle: " << context.status().message() << '\n';
    return 1;
  }
  points::SettlementService settlements((*context)->db(), (*context)->org().authorizer(),
                                        (*context)->org().writer(), (*context)->clock());
  Result<points::SettlementStatement> closed =
      settlements.Close(org::Actor::System("cli"), *brand, parsed.period);
  if (!closed.ok()) {
    err << "mileage settle: " << closed.status().message() << '\n';
    return closed.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  Print(out, *closed);
  return 0;
}

}  // namespace mileage::server
