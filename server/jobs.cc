#include "server/jobs.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>

#include "care/greeting_job.h"
#include "care/maintenance_job.h"
#include "care/reminder_job.h"
#include "common/log.h"
#include "coupons/expiry_job.h"
#include "db/sql_dialect.h"
#include "growth/winback_job.h"
#include "growth/grant_job.h"
#include "growth/tag_job.h"
#include "members/tier_job.h"
#include "points/expiry_job.h"
#include "privacy/key_rotation.h"
#include "server/config_loader.h"
#include "server/data_key_source.h"
#include "server/console/segment_json.h"

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
constexpr std::string_view kAppointmentReminders = "appointment_reminders";
constexpr std::string_view kCareGreetings = "care_greetings";
// Members greeted per transaction: each may issue a coupon, which holds the stock's counters
// until commit.
constexpr int64_t kGreetingBatch = 100;
constexpr std::string_view kMaintenanceReminders = "maintenance_reminders";
constexpr std::string_view kDataKeyReseal = "data_key_reseal";

// The data key rotation's re-sealing (privacy::KeyRotation) with the keys of `config`, built on
// the job's first run (a bad key fails that run, not the scheduler) and kept for later ones.
class ResealJob {
 public:
  ResealJob(db::Db& db, const Config& config) : db_(db), config_(config) {}

  Result<int64_t> Run(const db::Fence& fence) {
    // No rotation configured: nothing to do, and no key to resolve.
    if (config_.previous_data_keys.empty()) return 0;
    std::lock_guard lock(mu_);
    if (rotation_ == nullptr) {
      OsRandom random;
      MILEAGE_ASSIGN_OR_RETURN(crypto::DataKey primary, ResolveDataKey(config_, random));
      MILEAGE_ASSIGN_OR_RETURN(std::vector<crypto::DataKey> previous, PreviousDataKeys(config_));
      rotation_ = std::make_unique<privacy::KeyRotation>(db_, primary, previous);
    }
    MILEAGE_ASSIGN_OR_RETURN(org::ResealProgress done, rotation_->Run(kBatch, fence));
    return done.resealed;
  }

 private:
  db::Db& db_;
  const Config& config_;
  std::mutex mu_;                                   // one pass at a time through this job object
  std::unique_ptr<privacy::KeyRotation> rotation_;  // guarded by mu_
};

constexpr std::string_view kWinback = "winback";
constexpr std::string_view kMemberTags = "member_tags";
constexpr std::string_view kSegmentGrants = "segment_grants";
// Members tagged per transaction: a page costs a fixed number of statements.
constexpr int64_t kTagBatch = 1000;
// Members granted per transaction: each coupon holds the stock's counters until commit.
constexpr int64_t kSegmentGrantBatch = 500;

JobTiming TimingOf(const Config& config) {
  JobTiming timing;
  timing.interval_s = config.jobs_interval_s;
  return timing;
}

// `timing` with max_sleep at most a third of the lease's TTL (at least 1 ms).
JobTiming BoundedByLease(JobTiming timing, const std::optional<LeaseSettings>& lease) {
  if (lease.has_value()) {
    const auto third = std::chrono::milliseconds(lease->ttl_s * 1000 / 3);
    timing.max_sleep = std::max(std::chrono::milliseconds(1), std::min(timing.max_sleep, third));
  }
  return timing;
}

LeaseSettings LeaseOf(const Config& config) {
  return LeaseSettings{config.node_id.empty() ? DefaultNodeId() : config.node_id,
                       config.job_lease_ttl_s};
}

}  // namespace

Job SegmentGrantsJob(db::Db& db, const Config& config) {
  return Job{
      std::string(kSegmentGrants), "segment grant coupons",
      [&db, &config, random = std::make_shared<OsRandom>()](int64_t now, const db::Fence& fence) {
        return growth::RunSegmentGrants(db, TierPolicyOf(config), *random, now, kSegmentGrantBatch,
                                        fence);
      }};
}

std::vector<Job> MembershipJobs(db::Db& db, const Config& config) {
  return {
      Job{std::string(kTierDowngrades), "members downgraded",
          [&db, &config](int64_t now, const db::Fence& fence) {
            return members::RunTierDowngrades(db, TierPolicyOf(config), now, kBatch, fence);
          }},
      Job{std::string(kPointsExpiry), "points lots expired",
          [&db](int64_t now, const db::Fence& fence) {
            return points::RunPointsExpiry(db, now, kBatch, fence);
          }},
      Job{std::string(kCouponExpiry), "coupons expired",
          [&db](int64_t now, const db::Fence& fence) {
            return coupons::RunCouponExpiry(db, now, kBatch, fence);
          }},
      Job{std::string(kAppointmentReminders), "appointment reminders",
          [&db](int64_t now, const db::Fence& fence) {
            return care::RunAppointmentReminders(db, now, kBatch, fence);
          }},
      Job{std::string(kCareGreetings), "care greetings",
          [&db, &config, random = std::make_shared<OsRandom>()](int64_t now,
                                                                const db::Fence& fence) {
            return care::RunCareGreetings(db, TierPolicyOf(config), *random, now, kGreetingBatch,
                                          fence);
          }},
      Job{std::string(kMaintenanceReminders), "maintenance reminders",
          [&db](int64_t now, const db::Fence& fence) {
            return care::RunMaintenanceReminders(db, now, kBatch, fence);
          }},
      Job{std::string(kDataKeyReseal), "values re-sealed",
          [job = std::make_shared<ResealJob>(db, config)](int64_t, const db::Fence& fence) {
            return job->Run(fence);
          }},
      Job{std::string(kWinback), "win-backs written and returns recorded",
          [&db, &config, random = std::make_shared<OsRandom>()](
              int64_t now, const db::Fence& fence) -> Result<int64_t> {
            // Members won back per transaction: each may issue a coupon, as greetings do.
            MILEAGE_ASSIGN_OR_RETURN(
                growth::WinbackRun run,
                growth::RunWinback(db, TierPolicyOf(config), *random, now, kGreetingBatch, fence));
            return run.granted + run.returned;
          }},
      Job{std::string(kMemberTags), "members tagged",
          [&db](int64_t now, const db::Fence& fence) {
            return growth::RunTagRefresh(db, ParseFilterText, now, kTagBatch, fence);
          }},
      SegmentGrantsJob(db, config),
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

Result<std::optional<int64_t>> JobLease::Acquire(int64_t now) {
  std::optional<int64_t> token;
  bool matched = false;
  // The UPDATE takes the row's lock first and the read follows under it: no lock upgrade for
  // racing nodes to deadlock on.
  const Status done = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    token.reset();
    // token is assigned first: MySQL evaluates SET left to right, so the CASE must read the
    // holder before it changes (SQLite reads the old row throughout).
    MILEAGE_ASSIGN_OR_RETURN(
        db::ExecResult taken,
        conn.Exec("UPDATE job_leases SET token = CASE WHEN holder = ? AND expires_at > ? "
                  "THEN token ELSE token + 1 END, holder = ?, expires_at = ? "
                  "WHERE name = ? AND (holder = ? OR expires_at <= ?)",
                  {db::Value(holder_), db::Value(now), db::Value(holder_), db::Value(now + ttl_s_),
                   db::Value(name_), db::Value(holder_), db::Value(now)}));
    matched = taken.affected_rows == 1;
    if (!matched) return Status::Ok();
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        conn.Query("SELECT token FROM job_leases WHERE name = ? AND holder = ?",
                   {db::Value(name_), db::Value(holder_)}));
    if (rows.size() != 1) return InternalError("job_leases lost the row just taken");
    token = rows[0].Int(0);
    return Status::Ok();
  });
  MILEAGE_RETURN_IF_ERROR(done);
  if (matched) return token;
  // No row matched: another holder's lease runs, or the lease was never taken. The first
  // taker inserts it with token 1; of racing first takers the key lets one in.
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult inserted,
      conn->Exec(std::string(db::InsertIgnoreInto(conn->dialect())) +
                     " job_leases (name, holder, token, expires_at) VALUES (?, ?, 1, ?)",
                 {db::Value(name_), db::Value(holder_), db::Value(now + ttl_s_)}));
  if (inserted.affected_rows == 1) return std::optional<int64_t>(1);
  return std::optional<int64_t>();
}

Status JobLease::Fence(db::Connection& conn, int64_t token, int64_t now) const {
  // The connection is opened with CLIENT_FOUND_ROWS on MySQL: a matched row counts even when
  // expires_at does not change.
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult held,
      conn.Exec("UPDATE job_leases SET expires_at = ? "
                "WHERE name = ? AND holder = ? AND token = ? AND expires_at > ?",
                {db::Value(now + ttl_s_), db::Value(name_), db::Value(holder_), db::Value(token),
                 db::Value(now)}));
  if (held.affected_rows != 1) {
    return FailedPreconditionError("the job lease " + name_ + " was lost", "LEASE_LOST");
  }
  return Status::Ok();
}

Status JobLease::Release(int64_t token) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return conn
      ->Exec("UPDATE job_leases SET expires_at = 0 WHERE name = ? AND holder = ? AND token = ?",
             {db::Value(name_), db::Value(holder_), db::Value(token)})
      .status();
}

std::string DefaultNodeId() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
    std::snprintf(host, sizeof(host), "localhost");
  }
  return std::string(host) + ":" + std::to_string(getpid());
}

Result<int64_t> RunAndRecord(JobRuns& runs, const Job& job, int64_t now, const Clock& clock,
                             const db::Fence& fence) {
  Result<int64_t> done = job.work(now, fence);
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
    if (job.name == kAppointmentReminders) report.appointment_reminders = *done;
    if (job.name == kCareGreetings) report.care_greetings = *done;
    if (job.name == kMaintenanceReminders) report.maintenance_reminders = *done;
    if (job.name == kDataKeyReseal) report.values_resealed = *done;
    if (job.name == kWinback) report.winback = *done;
    if (job.name == kMemberTags) report.members_tagged = *done;
    if (job.name == kSegmentGrants) report.segment_grant_coupons = *done;
  }
  MILEAGE_RETURN_IF_ERROR(first_error);
  return report;
}

JobScheduler::JobScheduler(db::Db& db, const Config& config, const Clock& clock)
    : JobScheduler(db, MembershipJobs(db, config), TimingOf(config), clock, LeaseOf(config)) {}

JobScheduler::JobScheduler(db::Db& db, std::vector<Job> jobs, JobTiming timing, const Clock& clock,
                           std::optional<LeaseSettings> lease)
    : jobs_(std::move(jobs)), timing_(BoundedByLease(timing, lease)), clock_(clock), runs_(db) {
  if (lease.has_value()) {
    lease_.emplace(db, std::string(kJobsLeaseName), std::move(lease->holder), lease->ttl_s);
  }
}

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

bool JobScheduler::HoldLease(int64_t now, db::Fence& fence) {
  if (!lease_.has_value()) return true;
  Result<std::optional<int64_t>> held = lease_->Acquire(now);
  if (!held.ok()) {
    MILEAGE_LOG(kError) << "jobs: taking the lease failed: " << held.status().ToString();
    return false;
  }
  const int64_t token = held->value_or(0);
  const int64_t before = lease_token_.exchange(token);
  if (token != before && token != 0) {
    MILEAGE_LOG(kInfo) << "jobs: " << lease_->holder() << " holds the lease (token " << token
                       << ")";
  } else if (token == 0 && before != 0) {
    MILEAGE_LOG(kWarn) << "jobs: " << lease_->holder() << " lost the lease to another node";
  }
  if (token == 0) return false;
  fence = [this, token](db::Connection& conn) {
    return lease_->Fence(conn, token, UnixSeconds(clock_.Now()));
  };
  return true;
}

int64_t JobScheduler::Pass(int64_t now) {
  int64_t next = now + timing_.interval_s;
  db::Fence fence;
  // Another node's lease: look again after max_sleep, which is below its TTL.
  if (!HoldLease(now, fence)) return next;
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
    // Renewed before each claim: a job that ran long may have let the lease go, and a claim
    // made without it would move the slot from under the node that holds it now.
    if (lease_.has_value() && !HoldLease(UnixSeconds(clock_.Now()), fence)) return next;
    Result<bool> claimed = runs_.Claim(job.name, record->started_at, now);
    if (!claimed.ok()) {
      MILEAGE_LOG(kError) << "job " << job.name
                          << ": claiming its run failed: " << claimed.status().ToString();
      next = std::min(next, now + kRetryAfterErrorS);
    } else if (*claimed) {
      RunAndRecord(runs_, job, now, clock_, fence).status().IgnoreError();  // logged, recorded
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
  const int64_t token = lease_token_.exchange(0);
  if (lease_.has_value() && token != 0) {
    Status released = lease_->Release(token);
    if (!released.ok()) {
      MILEAGE_LOG(kError) << "jobs: releasing the lease failed (another node takes it when it "
                          << "expires): " << released.ToString();
    }
  }
}

}  // namespace mileage::server
