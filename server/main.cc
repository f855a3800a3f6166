#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "common/log.h"
#include "db/migrate.h"
#include "server/admin/admin_command.h"
#include "server/admin/settle_command.h"
#include "server/app.h"
#include "server/config_loader.h"
#include "server/jobs.h"
#include "server/reconcile_command.h"
#include "server/relay_command.h"
#include "server/sandbox_command.h"
#include "server/stop_signals.h"
#include "server/storage.h"

namespace mileage::server {
namespace {

constexpr const char* kUsage = R"(Usage: mileage <command> [--config FILE]

Commands:
  serve     Migrate the database, then serve HTTP until SIGTERM or SIGINT. On SIGTERM,
            GET /healthz answers 503 for drain_s seconds while the rest is still served;
            then (at once on SIGINT) in-flight requests finish and it exits 0.
  migrate   Apply pending database migrations and exit.
  admin     Operator tools, each printing the new id (mileage admin --help):
              admin create-brand   --name NAME
              admin create-region  --brand ID --name NAME
              admin create-dealer  --region ID --name NAME
              admin create-store   --dealer ID --name NAME
              admin create-user    --username U --role ROLE --scope-type T --scope-id ID
                                   [--password-file FILE]   (else the password is read
                                   from standard input)
              admin add-app        --brand ID --appid A --kind K --name NAME [--secret-file F]
              admin add-miniprogram --brand ID --appid A --secret-file F [--name NAME]
              admin add-merchant   --store ID --mchid M --appid A --apiv3-key-file FILE
                                   --platform-key SERIAL=PEM_FILE [--platform-key ...]
              admin list-apps, deactivate-app, reactivate-app, add-platform-key,
                    retire-platform-key, deactivate-merchant, reactivate-merchant,
                    fetch-platform-certificates (see mileage admin --help)
              admin set-merchant-api-key --merchant M --merchant-key-file PEM
                                   --merchant-serial SERIAL
              admin reset-password --staff ID [--password-file FILE]
              admin deactivate-user | reactivate-user --staff ID
              admin deactivate-partner | reactivate-partner --partner ID
              admin suspend-member | reactivate-member --member ID
  reconcile Compare a merchant's WeChat Pay trade bill of a day with the recorded payments
            (mileage reconcile --help):
              reconcile --merchant MCHID --date YYYY-MM-DD --merchant-key-file PEM
                        --merchant-serial SERIAL [--apply] [--json]
            Exit 0 when they agree, 1 when differences were found, 2 when it could not run.
  settle    Close a brand's partner settlement period (a Beijing month) and print its
            statements (mileage settle --help):
              settle --brand ID --period YYYY-MM
            Exit 0 when the period is closed (now or before), 1 when it cannot be closed.
  sandbox   The WeChat simulator for development and tests (mileage sandbox --help):
              sandbox [--config FILE] [--listen HOST:PORT] [--state-dir DIR]
              sandbox export --mchid M [--state-dir DIR] [--out DIR]
              sandbox pay --amount FEN --openid-code CODE [--sandbox URL]
              sandbox refund --out-trade-no NO [--amount FEN] [--sandbox URL]
  relay     Run only the outbox relay (webhook deliveries, WeChat subscribe messages) until
            SIGTERM or SIGINT, under the relay lease like the relay inside `serve`
            (docs/OPERATIONS.md "Outbox relay", "Subscribe messages").
  jobs      Run the periodic jobs once (tier downgrades after the grace period, points
            expiry, coupon expiry, appointment and maintenance reminders, birthday and
            anniversary care greetings, member tags, segment grants) and print what they did;
            `serve` also runs them every jobs_interval_s. With --job NAME only that one (e.g.
            --job segment_grants, --job member_tags).
  help      Show this text (also --help, -h).

Options:
  --config FILE   JSON config file (see README.md, "Configuration"). Without it the embedded
                  defaults apply: SQLite at var/mileage.db, in-process Kv, 127.0.0.1:8080.

Exit status: 0 on success, 1 when start-up fails (the message says why), 2 on usage errors,
70 on an internal error (a bug; the log says what).
)";

// Exit status when an exception escapes a command (sysexits.h EX_SOFTWARE).
constexpr int kInternalErrorExit = 70;

struct Args {
  std::string command;
  std::string config_path;
  std::string job;  // `jobs --job NAME`: that job only
};

int UsageError(const std::string& message) {
  std::cerr << "mileage: " << message << "\n\n" << kUsage;
  return 2;
}

int Fail(const Status& status) {
  std::cerr << "mileage: " << status.message() << '\n';
  return 1;
}

Result<Config> LoadConfig(const Args& args) {
  Result<Config> config = args.config_path.empty() ? Config() : LoadConfigFile(args.config_path);
  if (!config.ok()) return config;
  LogLevel level = LogLevel::kInfo;
  if (ParseLogLevel(config->log_level, &level)) SetLogLevel(level);
  return config;
}

int RunMigrate(const Args& args) {
  Result<Config> config = LoadConfig(args);
  if (!config.ok()) return Fail(config.status());
  Result<std::unique_ptr<db::Db>> database = OpenDatabase(*config);
  if (!database.ok()) return Fail(database.status());
  SystemClock clock;
  Result<db::MigrateResult> migrated = db::Migrate(**database, clock);
  (*database)->Close();
  if (!migrated.ok()) return Fail(migrated.status());
  for (const std::string& name : migrated->applied)
    std::cout << "mileage: applied " << name << '\n';
  std::cout << "mileage: database is up to date (" << migrated->applied.size() << " applied, "
            << migrated->already_applied << " already applied)\n";
  return 0;
}

// `mileage jobs --job NAME`: the one periodic job NAME, now, recorded in job_runs.
int RunOneJob(db::Db& db, const Config& config, const Clock& clock, const std::string& name) {
  for (const Job& job : MembershipJobs(db, config)) {
    if (job.name != name) continue;
    const int64_t now = UnixSeconds(clock.Now());
    JobRuns runs(db);
    Status started = runs.Start(job.name, now);
    if (!started.ok()) return Fail(started);
    Result<int64_t> done = RunAndRecord(runs, job, now, clock);
    db.Close();
    if (!done.ok()) return Fail(done.status());
    std::cout << "mileage: " << *done << " " << job.unit << '\n';
    return 0;
  }
  db.Close();
  return UsageError("unknown job " + name);
}

int RunJobs(const Args& args) {
  Result<Config> config = LoadConfig(args);
  if (!config.ok()) return Fail(config.status());
  Result<std::unique_ptr<db::Db>> database = OpenDatabase(*config);
  if (!database.ok()) return Fail(database.status());
  SystemClock clock;
  Status migrated = db::Migrate(**database, clock).status();
  if (!migrated.ok()) return Fail(migrated);
  if (!args.job.empty()) return RunOneJob(**database, *config, clock, args.job);
  Result<JobsReport> report = RunMembershipJobs(**database, *config, clock);
  (*database)->Close();
  if (!report.ok()) return Fail(report.status());
  std::cout << "mileage: " << report->members_downgraded << " members downgraded, "
            << report->lots_expired << " points lots expired, " << report->coupons_expired
            << " coupons expired, " << report->appointment_reminders << " appointment reminders, "
            << report->care_greetings << " care greetings, " << report->maintenance_reminders
            << " maintenance reminders, " << report->values_resealed
            << " values re-sealed under the data key, " << report->winback
            << " win-backs and returns, " << report->members_tagged << " members tagged, "
            << report->segment_grant_coupons << " segment grant coupons\n";
  return 0;
}

// Every connection is a file descriptor: lift the soft limit to the hard one (systemd's default
// soft limit of 1024 is below max_connections' default) and say so when it stays too low.
void RaiseOpenFileLimit(const Config& config) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) getrlimit(RLIMIT_NOFILE, &limit);
  }
  // Connections, pooled database and Kv connections, and some to spare.
  const auto wanted = static_cast<rlim_t>(config.max_connections + config.database_pool_size +
                                          config.kv_pool_size + 64);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    MILEAGE_LOG(kWarn) << "the open-file limit is " << limit.rlim_cur << ", below the " << wanted
                       << " that max_connections=" << config.max_connections
                       << " may need (raise LimitNOFILE or lower max_connections)";
  }
}

int RunServe(const Args& args) {
  StopSignals::Block();

  Result<Config> config = LoadConfig(args);
  if (!config.ok()) return Fail(config.status());
  RaiseOpenFileLimit(*config);
  Result<std::unique_ptr<App>> app = App::Create(*config);
  if (!app.ok()) return Fail(app.status());
  Result<int> port = (*app)->Bind();
  if (!port.ok()) return Fail(port.status());

  StopSignals stop_signals([&app](int signal_number) {
    // SIGTERM is the service manager's (and a rolling deploy's) stop: drain first. SIGINT is a
    // developer's Ctrl-C: stop at once.
    const bool drain = signal_number == SIGTERM;
    MILEAGE_LOG(kInfo) << "received " << strsignal(signal_number) << "; "
                       << (drain ? "draining, then " : "") << "finishing in-flight requests";
    if (drain) {
      (*app)->DrainAndStop();
    } else {
      (*app)->Stop();
    }
  });

  MILEAGE_LOG(kInfo) << "listening on http://" << config->listen.host << ':' << *port;
  std::cout << "mileage: listening on http://" << config->listen.host << ':' << *port << std::endl;
  (*app)->Serve();
  MILEAGE_LOG(kInfo) << "stopped";
  return 0;
}

Result<Args> ParseArgs(int argc, char** argv) {
  Args args;
  std::vector<std::string> rest(argv + 1, argv + argc);
  for (size_t i = 0; i < rest.size(); ++i) {
    const std::string& arg = rest[i];
    if (arg == "--help" || arg == "-h" || arg == "help") {
      args.command = "help";
    } else if (arg == "--config") {
      if (i + 1 >= rest.size()) return InvalidArgumentError("--config needs a file");
      args.config_path = rest[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      args.config_path = arg.substr(9);
    } else if (arg == "--job") {
      if (i + 1 >= rest.size()) return InvalidArgumentError("--job needs a job name");
      args.job = rest[++i];
    } else if (!arg.empty() && arg[0] == '-') {
      return InvalidArgumentError("unknown option " + arg);
    } else if (args.command.empty()) {
      args.command = arg;
    } else {
      return InvalidArgumentError("unexpected argument " + arg);
    }
  }
  return args;
}

int Main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "admin") {
    return RunAdmin(std::vector<std::string>(argv + 2, argv + argc), std::cin, std::cout,
                    std::cerr);
  }
  if (argc >= 2 && std::string(argv[1]) == "reconcile") {
    return RunReconcile(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  }
  if (argc >= 2 && std::string(argv[1]) == "settle") {
    return RunSettle(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  }
  if (argc >= 2 && std::string(argv[1]) == "sandbox") {
    return RunSandbox(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
  }
  Result<Args> args = ParseArgs(argc, argv);
  if (!args.ok()) return UsageError(args.status().message());
  if (args->command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (args->command.empty()) return UsageError("no command given");
  if (args->command == "serve") return RunServe(*args);
  if (args->command == "migrate") return RunMigrate(*args);
  if (args->command == "jobs") return RunJobs(*args);
  if (args->command == "relay") {
    Result<Config> config = LoadConfig(*args);
    if (!config.ok()) return Fail(config.status());
    return RunRelayCommand(*config);
  }
  return UsageError("unknown command " + args->command);
}

// std::terminate's last words: an exception escaped a thread, or a noexcept function threw.
[[noreturn]] void LogAndAbort() {
  MILEAGE_LOG(kError) << "terminating: " << DescribeException(std::current_exception());
  std::abort();
}

// The last resort of DESIGN.md section 2: our code does not throw, but a library (a RapidJSON
// contract, cmake/rapidjson_assert.h), bad_alloc or a bug might; the command then ends with
// kInternalErrorExit and a log line instead of an uncaught exception.
int MainGuarded(int argc, char** argv) {
  std::set_terminate(LogAndAbort);
  try {
    return Main(argc, argv);
  } catch (...) {
    const std::string what = DescribeException(std::current_exception());
    MILEAGE_LOG(kError) << "internal error: " << what;
    std::cerr << "mileage: internal error (a bug): " << what << '\n';
    return kInternalErrorExit;
  }
}

}  // namespace
}  // namespace mileage::server

int main(int argc, char** argv) { return mileage::server::MainGuarded(argc, argv); }
