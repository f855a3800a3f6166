#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "common/config.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::server {

// What one run of the membership jobs did.
struct JobsReport {
  int64_t members_downgraded = 0;
  int64_t lots_expired = 0;
};

// The periodic membership jobs, once, at `now`: tier downgrades after the grace period
// (members::RunTierDowngrades) and points expiry (points::RunPointsExpiry), with the tiers of
// `config`. Each job commits in short transactions, so a failure keeps the work before it.
// Errors: the first job's error (the second still runs).
Result<JobsReport> RunMembershipJobs(db::Db& db, const Config& config, int64_t now);

// Runs RunMembershipJobs every config.jobs_interval_s on its own thread while `serve` runs
// (0 = never). Owned by the App; Stop() (or the destructor) ends the thread before the
// database closes.
class JobScheduler {
 public:
  JobScheduler(db::Db& db, const Config& config, const Clock& clock)
      : db_(db), config_(config), clock_(clock) {}
  ~JobScheduler() { Stop(); }
  JobScheduler(const JobScheduler&) = delete;
  JobScheduler& operator=(const JobScheduler&) = delete;

  void Start();
  void Stop();

 private:
  db::Db& db_;
  const Config& config_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mileage::server
