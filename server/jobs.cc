#include "server/jobs.h"

#include <algorithm>

#include "common/log.h"
#include "coupons/expiry_job.h"
#include "db/sql_dialect.h"
#include "members/tier_job.h"
#include "points/expiry_job.h"
#include "server/config_loader.h"

namespace mileage::server {
namespace {

// Members read per scan and lots expired per transaction: short transactions, so payments
// are not held up behind a job.
constexpr int64_t kBatch = 500;
constexpr size_t kMaxDetail = 255;
// After a failed read or claim the scheduler looks again this much later (clock seconds,
// bounded by JobTiming::max_sleep), so that a database outage logs twice a minute, not more.
constexpr int64_t kRetryAfterErrorS = 30;

constexpr std::string_view kTierDowngrades = "tier_downgrades";
constexpr std::string_view kPointsExpiry = "points_expiry";
constexpr std::string_view kCouponExpiry = "coupon_expiry";

JobTiming TimingOf(const Config& config) {
  JobTiming timing;
  timing.interval_s = config.jobs_interval_s;
  return timing;
}

}  // namespace

std::vector<Job> MembershipJobs(db::Db& db, const Config& config) {
  return {
      Job{std::string(kTierDowngrades), "members downgraded",
          [&db, &config](int64_t now) {
            return members::RunTierDowngrades(db, TierPolicyOf(config), now, kBatch);
          }},
      Job{std::string(kPointsExpiry), "points lots expired",
          [&db](int64_t now) { return points::RunPointsExpiry(db, now, kBatch); }},
      Job{std::string(kCouponExpiry), "coupons expired",
          [&db](int64_t now) { return coupons::RunCouponExpiry(db, now, kBatch); }},
  };
}

Result<JobRuns::Record> JobRuns::Read(std::string_view name) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  const std::string key(name);
  // A plain read, so that reading never waits on another process's claim of the row.
  for (int attempt = 0;; ++attempt) {
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        conn->Query("SELECT started_at, finished_at, outcome, detail FROM job_runs WHERE name = ?",
                    {db::Value(key)}));
    if (!rows.empty()) {
      return Record{rows[0].Int(0), rows[0].Int(1), rows[0].Text(2), rows[0].Text(3)};
    }
    if (attempt > 0) return InternalError("job_runs has no row for " + key);
    MILEAGE_RETURN_IF_ERROR(conn->Exec(std::string(db::InsertIgnoreInto(conn->dialect())) +
                                           " job_runs (name, started_at, finished_at, outcome, "
                                           "detail) VALUES (?, 0, 0, '', '')",
                                       {db::Value(key)})
                                .status());
  }
}

Result<bool> JobRuns::Claim(std::string_view name, int64_t seen_started_at, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  // Only one of several UPDATEs that expect the same started_at matches: the first commits
  // (autocommit) and the others, waiting on its row lock, find started_at moved.
  MILEAGE_ASSIGN_OR_RETURN(db::ExecResult updated,
                           conn->Exec("UPDATE job_runs SET started_at = ?, outcome = 'running' "
                                      "WHERE name = ? AND started_at = ? AND started_at < ?",
                                      {db::Value(now), db::Value(std::string(name)),
                                       db::Value(seen_started_at), db::Value(now)}));
  return updated.affected_rows == 1;
}

Status JobRuns::Start(std::string_view name, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(Read(name).status());
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return conn
      ->Exec("UPDATE job_runs SET started_at = ?, outcome = 'running' WHERE name = ?",
             {db::Value(now), db::Value(std::string(name))})
      .status();
}

Status JobRuns::Finish(std::string_view name, int64_t started_at, int64_t finished_at, bool ok,
                       std::string_view detail) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return conn
      ->Exec(
          "UPDATE job_runs SET finished_at = ?, outcome = ?, detail = ? "
          "WHERE name = ? AND started_at = ?",
          {db::Value(finished_at), db::Value(std::string(ok ? "ok" : "failed")),
           db::Value(std::string(detail.substr(0, kMaxDetail))), db::Value(std::string(name)),
           db::Value(started_at)})
      .status();
}

Result<int64_t> RunAndRecord(JobRuns& runs, const Job& job, int64_t now, const Clock& clock) {
  Result<int64_t> done = job.work(now);
  const std::string detail =
      done.ok() ? std::to_string(*done) + " " + job.unit : done.status().ToString();
  if (done.ok()) {
    MILEAGE_LOG(kInfo) << "job " << job.name << ": " << detail;
  } else {
    MILEAGE_LOG(kError) << "job " << job.name << " failed: " << detail;
  }
  Status recorded = runs.Finish(job.name, now, UnixSeconds(clock.Now()), done.ok(), detail);
  if (!recorded.ok()) {
    MILEAGE_LOG(kError) << "job " << job.name
                        << ": recording its end failed: " << recorded.ToString();
  }
  return done;
}

Result<JobsReport> RunMembershipJobs(db::Db& db, const Config& config, const Clock& clock) {
  const int64_t now = UnixSeconds(clock.Now());
  JobRuns runs(db);
  JobsReport report;
  Status first_error;
  for (const Job& job : MembershipJobs(db, config)) {
    Status started = runs.Start(job.name, now);
    Result<int64_t> done =
        started.ok() ? RunAndRecord(runs, job, now, clock) : Result<int64_t>(std::move(started));
    if (!done.ok()) {
      if (first_error.ok()) first_error = done.status();
      continue;
    }
    if (job.name == kTierDowngrades) report.members_downgraded = *done;
    if (job.name == kPointsExpiry) report.lots_expired = *done;
    if (job.name == kCouponExpiry) report.coupons_expired = *done;
  }
  MILEAGE_RETURN_IF_ERROR(first_error);
  return report;
}

JobScheduler::JobScheduler(db::Db& db, const Config& config, const Clock& clock)
    : JobScheduler(db, MembershipJobs(db, config), TimingOf(config), clock) {}

JobScheduler::JobScheduler(db::Db& db, std::vector<Job> jobs, JobTiming timing, const Clock& clock)
    : jobs_(std::move(jobs)), timing_(timing), clock_(clock), runs_(db) {}

void JobScheduler::Start() {
  if (timing_.interval_s <= 0 || thread_.joinable()) return;
  earliest_ = UnixSeconds(clock_.Now()) + timing_.start_delay_s;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      const int64_t now = UnixSeconds(clock_.Now());
      const int64_t next = Pass(now);
      last_pass_.store(now);
      const auto sleep = std::min<std::chrono::milliseconds>(
          std::chrono::seconds(std::max<int64_t>(next - now, 1)), timing_.max_sleep);
      lock.lock();
      wake_.wait_for(lock, sleep, [this] { return stopping_; });
    }
  });
}

int64_t JobScheduler::Pass(int64_t now) {
  int64_t next = now + timing_.interval_s;
  for (const Job& job : jobs_) {
    Result<JobRuns::Record> record = runs_.Read(job.name);
    if (!record.ok()) {
      MILEAGE_LOG(kError) << "job " << job.name
                          << ": reading its last run failed: " << record.status().ToString();
      next = std::min(next, now + kRetryAfterErrorS);
      continue;
    }
    const int64_t due = std::max(record->started_at + timing_.interval_s, earliest_);
    if (now < due) {
      next = std::min(next, due);
      continue;
    }
    Result<bool> claimed = runs_.Claim(job.name, record->started_at, now);
    if (!claimed.ok()) {
      MILEAGE_LOG(kError) << "job " << job.name
                          << ": claiming its run failed: " << claimed.status().ToString();
      next = std::min(next, now + kRetryAfterErrorS);
    } else if (*claimed) {
      RunAndRecord(runs_, job, now, clock_).status().IgnoreError();  // logged and recorded
      // Due again one interval from now, which `next` already allows for.
    } else {
      next = std::min(next, now + 1);  // another process started it: read its start
    }
  }
  return next;
}

void JobScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace mileage::server
