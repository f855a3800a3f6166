#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
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
// work must be safe to run again for the same `now` and concurrently with itself: a run that
// outlives its interval may meet the next one.
struct Job {
  std::string name;
  std::string unit;
  std::function<Result<int64_t>(int64_t now)> work;
};

// The periodic jobs with the tiers and points expiry of `config` (which must outlive
// them): "tier_downgrades" (members::RunTierDowngrades), "points_expiry"
// (points::RunPointsExpiry) and "coupon_expiry" (coupons::RunCouponExpiry), each committing in
// short transactions so that payments, claims and redemptions are not held up and a failure
// keeps the work before it.
std::vector<Job> MembershipJobs(db::Db& db, const Config& config);

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
  // multi-node job lease a later issue builds: it keeps two nodes from starting one run, but
  // a run that dies leaves no lease to take over before the next interval. Errors: the db's.
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

// Runs `job` at `now` and records how it ended in `runs` (whose start the caller recorded,
// with Claim or Start, at `now`), logging the outcome with `clock`'s time. Returns the
// work's result; a failure to record is logged, not returned.
Result<int64_t> RunAndRecord(JobRuns& runs, const Job& job, int64_t now, const Clock& clock);

// What one run of the periodic jobs did.
struct JobsReport {
  int64_t members_downgraded = 0;
  int64_t lots_expired = 0;
  int64_t coupons_expired = 0;
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
  // again: bounds how late a job starts after the clock jumps or another process ran it.
  std::chrono::milliseconds max_sleep = std::chrono::seconds(30);
};

// Runs periodic jobs on its own thread while `serve` runs. A job is due one interval after
// its last start recorded in job_runs, by this process, another one or `mileage jobs`, so
// restarts do not reset the schedule: a service restarted more often than the interval still
// runs each job once per interval, and a job that became due while nothing ran (or that
// never ran) runs start_delay_s after Start(). Each run is claimed in the database first
// (JobRuns::Claim), so that two processes on one database never both run a job for the same
// slot. Times come from `clock`; the thread's sleeps are real time. Owned by the App;
// Stop() (or the destructor) waits for a running job and ends the thread before the database
// closes. Start (once) and Stop are for the owner's thread; last_pass() is safe from any
// thread.
class JobScheduler {
 public:
  // The periodic jobs (MembershipJobs) every config.jobs_interval_s (0 = never); `config` must
  // outlive it.
  JobScheduler(db::Db& db, const Config& config, const Clock& clock);
  JobScheduler(db::Db& db, std::vector<Job> jobs, JobTiming timing, const Clock& clock);
  ~JobScheduler() { Stop(); }
  JobScheduler(const JobScheduler&) = delete;
  JobScheduler& operator=(const JobScheduler&) = delete;

  void Start();
  void Stop();

  // The clock time (Unix seconds) of the scheduler's latest look at its jobs, taken before
  // it ran the ones due then and published after they finished; 0 before the first.
  int64_t last_pass() const { return last_pass_.load(); }

 private:
  // Runs each job due at `now` that this process claims; returns when a job is due next.
  int64_t Pass(int64_t now);

  const std::vector<Job> jobs_;
  const JobTiming timing_;
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
