#include "db/transaction_runner.h"

#include <chrono>
#include <vector>

namespace mileage::db {

Status SeparateTransactions::Run(const TransactionWork& work, int attempts) {
  return InTransaction(db_, work, attempts);
}

GroupCommitter::GroupCommitter(Db& db, int max_batch)
    : db_(db), max_batch_(max_batch), writer_([this] { Loop(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queued_.notify_all();
  writer_.join();
}

Status GroupCommitter::Run(const TransactionWork& work, int attempts) {
  for (int attempt = 1;; ++attempt) {
    Pending pending;
    pending.work = &work;
    {
      std::unique_lock lock(mu_);
      if (stopping_) return UnavailableError("the database writer is stopping");
      queue_.push_back(&pending);
      queued_.notify_one();
      finished_.wait(lock, [&] { return pending.done; });
    }
    if (pending.result.code() != StatusCode::kAborted || attempt >= attempts) {
      return pending.result;
    }
  }
}

void GroupCommitter::Loop() {
  std::vector<Pending*> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    {
      std::lock_guard lock(mu_);
      for (Pending* p : batch) p->done = true;
    }
    finished_.notify_all();
    batch.clear();
  }
}

void GroupCommitter::RunBatch(std::vector<Pending*>& batch) {
  auto fail_all = [&](const Status& status) {
    for (Pending* p : batch) p->result = status;
  };
  Result<PooledConnection> acquired = db_.Acquire();
  if (!acquired.ok()) return fail_all(acquired.status());
  Connection& conn = **acquired;
  if (Status begun = conn.Begin(); !begun.ok()) return fail_all(begun);
  for (Pending* p : batch) {
    Status status = conn.Exec("SAVEPOINT work").status();
    if (status.ok()) status = (*p->work)(conn);
    if (status.ok()) {
      status = conn.Exec("RELEASE SAVEPOINT work").status();
    } else if (conn.in_transaction() && !conn.broken()) {
      // Undo this work only; the others of the batch keep their writes.
      Status undone = conn.Exec("ROLLBACK TO SAVEPOINT work").status();
      if (undone.ok()) undone = conn.Exec("RELEASE SAVEPOINT work").status();
      if (!undone.ok()) {
        conn.Rollback().IgnoreError();
        return fail_all(undone);
      }
    }
    p->result = status;
  }
  if (Status committed = conn.Commit(); !committed.ok()) {
    conn.Rollback().IgnoreError();
    // Works that failed on their own keep their error; the rest lost their writes.
    for (Pending* p : batch) {
      if (p->result.ok()) p->result = committed;
    }
  }
}

}  // namespace mileage::db
