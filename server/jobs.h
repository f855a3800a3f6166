#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/config.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::server {

// One periodic job: its name (its row in job_runs) and its work at `now` (Unix seconds),
// which returns how many things it changed, named by `unit` in the record and the log. The
// work checks `fence` first in each of its transactions (a scheduler's lease; empty when run by
// hand) and stops with the fence's error. It must be safe to run again for the same `now` and
// concurrently with itself: a run that outlives its interval may meet the next one.
struct Job {
  std::string name;
  std::string unit;
  std::function<Result<int64_t>(int64_t now, const db::Fence& fence)> work;
};

// The periodic jobs with the tiers and points expiry of `config` (which must outlive
// them): "tier_downgrades" (members::RunTierDowngrades), "points_expiry"
// (points::RunPointsExpiry), "coupon_expiry" (coupons::RunCouponExpiry) and
// "appointment_reminders" (care::RunAppointmentReminders), "care_greetings"
// (care::RunCareGreetings, with its own OsRandom for coupon codes) and
// "maintenance_reminders" (care::RunMaintenanceReminders), "data_key_reseal" (the data key
// rotation's re-sealing, privacy::KeyRotation; nothing without previous_data_keys), "winback"
// (growth::RunWinback, with its own OsRandom; its count is win-backs plus returns),
// "member_tags" (growth::RunTagRefresh) and "segment_grants" (SegmentGrantsJob), each
// committing in
// short transactions so that payments, claims and redemptions are not held up and a failure
// keeps the work before it.
std::vector<Job> MembershipJobs(db::Db& db, const Config& config);
// "segment_grants" (growth::RunSegmentGrants with the tier policy of `config`, which must outlive
// it, and its own OsRandom): one of MembershipJobs, and also run every
// config.segment_grant_interval_s by a scheduler of its own so that a grant starts soon.
Job SegmentGrantsJob(db::Db& db, const Config& config);

// The job_runs table (migration 0008): each job's last start, finish and outcome. Holds no
// state of its own; safe for concurrent use, the database decides races.
class JobRuns {
 public:
  struct Record {
    int64_t started_at = 0;  // 0: never started
    int64_t finished_at = 0;
    std::string outcome;  // "" never ran, "running", "ok", "failed"
    std::string detail;   // what the last finished run did, or its error
  };

  explicit JobRuns(db::Db& db) : db_(db) {}

  // The job's record; a job never seen before gets its row (all zero) first. Errors: the db's.
  Result<Record> Read(std::string_view name);
  // Claims the run that follows the start `seen_started_at` (what Read returned) for a start
  // at `now` > seen_started_at: one conditional UPDATE that moves started_at from the value
  // read, so that of two processes that read the same record, exactly one wins. True when
  // this caller won, false when another claimed first. This is a first step towards the
  // multi-node JobLease: with the lease only its holder claims, and the claim still keeps a
  // run by hand (`mileage jobs`) and a scheduler apart in one slot. Errors: the db's.
  Result<bool> Claim(std::string_view name, int64_t seen_started_at, int64_t now);
  // Records a start at `now` whatever the record says (`mileage jobs`, run by hand).
  Status Start(std::string_view name, int64_t now);
  // Records how the run that started at `started_at` ended; leaves the record alone when
  // another run has started since. `detail` is cut to 255 bytes. Errors: the db's.
  Status Finish(std::string_view name, int64_t started_at, int64_t finished_at, bool ok,
                std::string_view detail);

 private:
  db::Db& db_;
};

// The lease (migration 0026, table job_leases) that makes one node of several run the periodic
// jobs. A node takes it, or renews it, with one conditional UPDATE that matches when the lease
// is free, expired or already its own (the very first taker inserts the row, token 1); taking
// it from another holder or after it expired adds one to its token (the fencing token). Every
// transaction of a job run under the lease first runs Fence, a conditional UPDATE on (name,
// holder, token, unexpired) that also renews it and must match one row: so a holder that was
// paused past its expiry writes nothing once another node took over (and on MariaDB the row
// lock Fence holds until commit keeps a takeover waiting until that transaction ends). Times
// are the caller's clock: nodes' clocks must agree to well within the TTL (NTP). Holds no
// state; safe for concurrent use, the database decides races.
class JobLease {
 public:
  // `holder` is the node's id (config node_id, at most 128 bytes); `ttl_s` > 0.
  JobLease(db::Db& db, std::string name, std::string holder, int64_t ttl_s)
      : db_(db), name_(std::move(name)), holder_(std::move(holder)), ttl_s_(ttl_s) {}

  // Takes or renews the lease at `now` until now + ttl: its token when this holder has it,
  // nullopt when another holder's lease runs past `now`. Errors: the db's.
  Result<std::optional<int64_t>> Acquire(int64_t now);
  // Inside the caller's transaction on `conn`: renews the lease to now + ttl when this holder
  // still has it with `token` unexpired at `now`. FailedPrecondition LEASE_LOST otherwise
  // (the caller rolls back); the db's errors.
  Status Fence(db::Connection& conn, int64_t token, int64_t now) const;
  // Ends the lease at once (expires_at = 0) when this holder still has it with `token`, so
  // that another node takes it at its next look. Errors: the db's.
  Status Release(int64_t token);

  const std::string& holder() const { return holder_; }

 private:
  db::Db& db_;
  const std::string name_;
  const std::string holder_;
  const int64_t ttl_s_;
};

// The name of the periodic jobs' lease in job_leases.
inline constexpr std::string_view kJobsLeaseName = "periodic_jobs";

// The default node_id: <hostname>:<pid>.
std::string DefaultNodeId();

// Runs `job` at `now` under `fence` and records how it ended in `runs` (whose start the caller
// recorded, with Claim or Start, at `now`), logging the outcome with `clock`'s time. Returns
// the work's result; a failure to record is logged, not returned.
Result<int64_t> RunAndRecord(JobRuns& runs, const Job& job, int64_t now, const Clock& clock,
                             const db::Fence& fence = {});

// What one run of the periodic jobs did.
struct JobsReport {
  int64_t members_downgraded = 0;
  int64_t lots_expired = 0;
  int64_t coupons_expired = 0;
  int64_t appointment_reminders = 0;
  int64_t care_greetings = 0;
  int64_t maintenance_reminders = 0;
  int64_t values_resealed = 0;
  int64_t winback = 0;  // win-backs written and returns recorded
  int64_t members_tagged = 0;
  int64_t segment_grant_coupons = 0;
};

// The periodic jobs (MembershipJobs) once, now by `clock`, as `mileage jobs` runs them: every job
// runs, whatever its schedule, and each run is recorded in job_runs, so that a scheduler counts its
// next run from it. Errors: the first job's error (the others still run).
Result<JobsReport> RunMembershipJobs(db::Db& db, const Config& config, const Clock& clock);

// When a JobScheduler runs its jobs.
struct JobTiming {
  // Between two starts of one job; the scheduler does nothing when it is not positive.
  int64_t interval_s = 3600;
  // An overdue job waits this long after Start(), so that start-up stays quick.
  int64_t start_delay_s = 10;
  // The longest the thread sleeps (real time) before it looks at the clock and the records
  // again: bounds how late a job starts after the clock jumps or another process ran it. With
  // a lease the scheduler sleeps at most a third of its TTL, so that it renews the lease well
  // before expiry and takes it over at most ttl/3 after it expired.
  std::chrono::milliseconds max_sleep = std::chrono::seconds(30);
};

// Who a scheduler is among several nodes: the lease's holder and TTL (config node_id,
// job_lease_ttl_s).
struct LeaseSettings {
  std::string holder;
  int64_t ttl_s = 30;
};

// Runs periodic jobs on its own thread while `serve` runs. A job is due one interval after
// its last start recorded in job_runs, by this process, another one or `mileage jobs`, so
// restarts do not reset the schedule: a service restarted more often than the interval still
// runs each job once per interval, and a job that became due while nothing ran (or that
// never ran) runs start_delay_s after Start(). With LeaseSettings the scheduler runs jobs only
// while it holds the JobLease kJobsLeaseName (taken or renewed at each look, and renewed by
// every fenced transaction), so that of several nodes one runs the jobs; another takes over
// within ttl + ttl/3 after the holder dies, and at its next look after the holder's Stop(),
// which releases the lease. Each run is also claimed in job_runs (JobRuns::Claim), so that two
// processes never both run a job for the same slot. Times come from `clock`; the thread's
// sleeps are real time. Owned by the App; Stop() (or the destructor) waits for a running job,
// ends the thread and releases the lease before the database closes. Start (once) and Stop are
// for one thread at a time; last_pass() and lease_token() are safe from any thread.
class JobScheduler {
 public:
  // The periodic jobs (MembershipJobs) every config.jobs_interval_s (0 = never) under the lease
  // of config.node_id (DefaultNodeId() when empty) and job_lease_ttl_s; `config` must outlive
  // it.
  JobScheduler(db::Db& db, const Config& config, const Clock& clock);
  // Without `lease` every scheduler runs what it claims (one node, or tests of the claim).
  JobScheduler(db::Db& db, std::vector<Job> jobs, JobTiming timing, const Clock& clock,
               std::optional<LeaseSettings> lease = std::nullopt);
  ~JobScheduler() { Stop(); }
  JobScheduler(const JobScheduler&) = delete;
  JobScheduler& operator=(const JobScheduler&) = delete;

  void Start();
  void Stop();

  // The clock time (Unix seconds) of the scheduler's latest look at its jobs, taken before
  // it ran the ones due then and published after they finished; 0 before the first.
  int64_t last_pass() const { return last_pass_.load(); }
  // The token of the lease this scheduler holds since its latest look; 0 when it holds none.
  int64_t lease_token() const { return lease_token_.load(); }

 private:
  // Takes or renews the lease at `now` (always true without one): whether this node may run
  // jobs now, with `fence` set to the check each of their transactions makes.
  bool HoldLease(int64_t now, db::Fence& fence);
  // Runs each job due at `now` that this process claims; returns when a job is due next.
  int64_t Pass(int64_t now);

  const std::vector<Job> jobs_;
  const JobTiming timing_;
  std::optional<JobLease> lease_;
  std::atomic<int64_t> lease_token_{0};
  const Clock& clock_;
  JobRuns runs_;
  int64_t earliest_ = 0;  // Start() plus the start delay; set before the thread starts
  std::atomic<int64_t> last_pass_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mileage::server
