#include "server/jobs.h"

#include <chrono>

#include "common/log.h"
#include "members/tier_job.h"
#include "points/expiry_job.h"
#include "server/config_loader.h"

namespace mileage::server {
namespace {

// Members read per scan and lots expired per transaction: short transactions, so payments
// are not held up behind a job.
constexpr int64_t kBatch = 500;

}  // namespace

Result<JobsReport> RunMembershipJobs(db::Db& db, const Config& config, int64_t now) {
  JobsReport report;
  Result<int64_t> downgraded = members::RunTierDowngrades(db, TierPolicyOf(config), now, kBatch);
  if (downgraded.ok()) report.members_downgraded = *downgraded;
  Result<int64_t> expired = points::RunPointsExpiry(db, now, kBatch);
  if (expired.ok()) report.lots_expired = *expired;
  MILEAGE_RETURN_IF_ERROR(downgraded.status());
  MILEAGE_RETURN_IF_ERROR(expired.status());
  return report;
}

void JobScheduler::Start() {
  if (config_.jobs_interval_s <= 0 || thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    // The first run waits one interval too: start-up stays quick and restarts do not re-run.
    while (!wake_.wait_for(lock, std::chrono::seconds(config_.jobs_interval_s),
                           [this] { return stopping_; })) {
      lock.unlock();
      Result<JobsReport> report = RunMembershipJobs(db_, config_, UnixSeconds(clock_.Now()));
      if (!report.ok()) {
        MILEAGE_LOG(kError) << "membership jobs failed: " << report.status().ToString();
      } else if (report->members_downgraded > 0 || report->lots_expired > 0) {
        MILEAGE_LOG(kInfo) << "membership jobs: " << report->members_downgraded
                           << " members downgraded, " << report->lots_expired
                           << " points lots expired";
      }
      lock.lock();
    }
  });
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
