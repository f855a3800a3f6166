#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "common/status.h"
#include "db/db.h"

namespace mileage::db {

// The work of one transaction: statements on `conn`, which is inside a transaction. OK to
// commit; any error rolls back what this work wrote (Aborted: the runner retries it).
using TransactionWork = std::function<Status(Connection&)>;

// Runs transactions. Implementations decide how many share a commit. Safe for concurrent use.
class TransactionRunner {
 public:
  virtual ~TransactionRunner() = default;
  // Runs `work` until it commits or fails with something other than Aborted, at most
  // `attempts` times; returns OK only after the commit that holds the work's writes.
  virtual Status Run(const TransactionWork& work, int attempts) = 0;
};

// One transaction per Run (db::InTransaction): for MySQL/MariaDB, whose InnoDB already shares
// one log flush among concurrent commits.
class SeparateTransactions final : public TransactionRunner {
 public:
  explicit SeparateTransactions(Db& db) : db_(db) {}
  Status Run(const TransactionWork& work, int attempts) override;

 private:
  Db& db_;
};

// Group commit for SQLite, where writers are serialized and every commit pays an fsync
// (synchronous=FULL): concurrent Run calls queue, and one writer thread runs up to
// `max_batch` of them in one transaction, each inside its own SAVEPOINT (a work that fails is
// rolled back alone), then commits once and wakes them all. A failed COMMIT fails every work of
// the batch, so nobody is told "committed" for writes that were not. Aborted works are retried
// in a later batch. Owns its thread; stop it (destructor) before the Db closes.
class GroupCommitter final : public TransactionRunner {
 public:
  GroupCommitter(Db& db, int max_batch = 128);
  ~GroupCommitter() override;
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  Status Run(const TransactionWork& work, int attempts) override;

 private:
  struct Pending {
    const TransactionWork* work = nullptr;
    Status result;
    bool done = false;
  };
  void Loop();
  // Runs one batch on one transaction and sets each entry's result.
  void RunBatch(std::vector<Pending*>& batch);

  Db& db_;
  const int max_batch_;
  std::mutex mu_;
  std::condition_variable queued_;
  std::condition_variable finished_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace mileage::db
