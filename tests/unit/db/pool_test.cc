#include "db/pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "db/db.h"

namespace mileage::db {
namespace {

using std::chrono::milliseconds;

// What the fake connections of one test did, shared by all of them.
struct FakeLog {
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
  std::atomic<int> pings{0};
  std::atomic<int> begins{0};
  std::atomic<int> commits{0};
  std::atomic<int> rollbacks{0};
  std::atomic<bool> ping_fails{false};
  std::atomic<bool> factory_fails{false};
};

class FakeConnection final : public Connection {
 public:
  explicit FakeConnection(FakeLog* log) : log_(log), id_(++log->opened) {}
  ~FakeConnection() override { ++log_->closed; }

  int id() const { return id_; }
  void set_broken() { broken_ = true; }

  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<ExecResult> Exec(std::string_view, std::span<const Value>) override {
    return ExecResult{};
  }
  Result<int64_t> Insert(std::string_view, std::span<const Value>) override {
    return InternalError("not used");
  }
  Result<std::vector<Row>> Query(std::string_view, std::span<const Value>) override {
    return std::vector<Row>{};
  }
  Status ExecScript(std::string_view) override { return Status::Ok(); }
  Status Begin() override {
    ++log_->begins;
    in_transaction_ = true;
    return Status::Ok();
  }
  Status Commit() override {
    ++log_->commits;
    in_transaction_ = false;
    return Status::Ok();
  }
  Status Rollback() override {
    ++log_->rollbacks;
    in_transaction_ = false;
    return Status::Ok();
  }
  bool in_transaction() const override { return in_transaction_; }
  Status Ping() override {
    ++log_->pings;
    if (log_->ping_fails) return UnavailableError("fake: gone");
    return Status::Ok();
  }
  bool broken() const override { return broken_; }

 private:
  FakeLog* log_;
  int id_;
  bool broken_ = false;
  bool in_transaction_ = false;
};

class PoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<ConnectionPool> MakePool(int max_size, milliseconds acquire_timeout,
                                           milliseconds ping_idle_after = milliseconds(3600000)) {
    PoolOptions options;
    options.max_size = max_size;
    options.acquire_timeout = acquire_timeout;
    options.ping_idle_after = ping_idle_after;
    return std::make_unique<ConnectionPool>(
        Dialect::kSqlite, options, [this]() -> Result<std::unique_ptr<Connection>> {
          if (log_.factory_fails) return UnavailableError("fake: refused");
          return std::unique_ptr<Connection>(std::make_unique<FakeConnection>(&log_));
        });
  }

  static int IdOf(const PooledConnection& conn) {
    return static_cast<const FakeConnection*>(conn.get())->id();
  }

  FakeLog log_;
};

TEST_F(PoolTest, OpensLazilyAndReusesAReturnedConnection) {
  auto pool = MakePool(4, milliseconds(1000));
  EXPECT_EQ(pool->Stats().open, 0);
  int first_id = 0;
  {
    Result<PooledConnection> conn = pool->Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    first_id = IdOf(*conn);
    PoolStats stats = pool->Stats();
    EXPECT_EQ(stats.size, 4);
    EXPECT_EQ(stats.open, 1);
    EXPECT_EQ(stats.in_use, 1);
  }
  EXPECT_EQ(pool->Stats().in_use, 0);
  Result<PooledConnection> again = pool->Acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(IdOf(*again), first_id);
  EXPECT_EQ(log_.opened, 1);
}

TEST_F(PoolTest, ExhaustedPoolTimesOutAsUnavailable) {
  auto pool = MakePool(2, milliseconds(50));
  Result<PooledConnection> a = pool->Acquire();
  Result<PooledConnection> b = pool->Acquire();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  Result<PooledConnection> c = pool->Acquire();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnavailable);
  PoolStats stats = pool->Stats();
  EXPECT_EQ(stats.open, 2);
  EXPECT_EQ(stats.waits, 1);
  EXPECT_EQ(stats.timeouts, 1);
  EXPECT_EQ(log_.opened, 2);
}

TEST_F(PoolTest, WaiterGetsTheConnectionReturnedByAnotherThread) {
  auto pool = MakePool(1, milliseconds(60000));
  Result<PooledConnection> held = pool->Acquire();
  ASSERT_TRUE(held.ok());
  const int held_id = IdOf(*held);
  std::atomic<int> got_id{0};
  std::thread waiter([&] {
    Result<PooledConnection> conn = pool->Acquire();
    if (conn.ok()) got_id = IdOf(*conn);
  });
  while (pool->Stats().waits == 0) std::this_thread::yield();
  { PooledConnection release = std::move(held).value(); }
  waiter.join();
  EXPECT_EQ(got_id, held_id);
  EXPECT_EQ(log_.opened, 1);
}

TEST_F(PoolTest, BrokenConnectionIsDroppedAndNeverHandedOutAgain) {
  auto pool = MakePool(2, milliseconds(1000));
  int broken_id = 0;
  {
    Result<PooledConnection> conn = pool->Acquire();
    ASSERT_TRUE(conn.ok());
    broken_id = IdOf(*conn);
    static_cast<FakeConnection*>(conn->get())->set_broken();
  }
  PoolStats stats = pool->Stats();
  EXPECT_EQ(stats.open, 0);
  EXPECT_EQ(stats.replaced, 1);
  EXPECT_EQ(log_.closed, 1);
  Result<PooledConnection> next = pool->Acquire();
  ASSERT_TRUE(next.ok());
  EXPECT_NE(IdOf(*next), broken_id);
}

TEST_F(PoolTest, StaleIdleConnectionIsPingedAndReplacedWhenDead) {
  auto pool = MakePool(2, milliseconds(1000), milliseconds(0));
  int first_id = 0;
  {
    Result<PooledConnection> conn = pool->Acquire();
    ASSERT_TRUE(conn.ok());
    first_id = IdOf(*conn);
  }
  {
    Result<PooledConnection> conn = pool->Acquire();
    ASSERT_TRUE(conn.ok());
    EXPECT_EQ(IdOf(*conn), first_id);
    EXPECT_EQ(log_.pings, 1);
  }
  log_.ping_fails = true;
  Result<PooledConnection> conn = pool->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_NE(IdOf(*conn), first_id);
  EXPECT_EQ(log_.closed, 1);
  EXPECT_EQ(pool->Stats().replaced, 1);
  EXPECT_EQ(pool->Stats().open, 1);
}

TEST_F(PoolTest, RecentlyUsedConnectionIsNotPinged) {
  auto pool = MakePool(2, milliseconds(1000));
  { ASSERT_TRUE(pool->Acquire().ok()); }
  { ASSERT_TRUE(pool->Acquire().ok()); }
  EXPECT_EQ(log_.pings, 0);
}

TEST_F(PoolTest, FactoryFailureIsReturnedAndFreesTheSlot) {
  auto pool = MakePool(1, milliseconds(1000));
  log_.factory_fails = true;
  Result<PooledConnection> conn = pool->Acquire();
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(pool->Stats().open, 0);
  log_.factory_fails = false;
  EXPECT_TRUE(pool->Acquire().ok());
}

TEST_F(PoolTest, CloseRefusesAcquireAndClosesConnectionsAsTheyReturn) {
  auto pool = MakePool(2, milliseconds(1000));
  Result<PooledConnection> held = pool->Acquire();
  ASSERT_TRUE(held.ok());
  { ASSERT_TRUE(pool->Acquire().ok()); }
  pool->Close();
  EXPECT_EQ(log_.closed, 1);
  Result<PooledConnection> refused = pool->Acquire();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  { PooledConnection release = std::move(held).value(); }
  EXPECT_EQ(log_.closed, 2);
  EXPECT_EQ(pool->Stats().open, 0);
}

TEST_F(PoolTest, ReturningRollsBackAnOpenTransaction) {
  auto pool = MakePool(1, milliseconds(1000));
  {
    Result<PooledConnection> conn = pool->Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->Begin().ok());
  }
  EXPECT_EQ(log_.rollbacks, 1);
  Result<PooledConnection> conn = pool->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_FALSE((*conn)->in_transaction());
  EXPECT_EQ(log_.opened, 1);
}

TEST_F(PoolTest, MoveAssignmentReturnsTheConnectionItReplaces) {
  auto pool = MakePool(2, milliseconds(1000));
  Result<PooledConnection> a = pool->Acquire();
  Result<PooledConnection> b = pool->Acquire();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  PooledConnection target = std::move(a).value();
  target = std::move(b).value();
  EXPECT_EQ(pool->Stats().in_use, 1);
}

TEST_F(PoolTest, InTransactionRetriesAbortedAndCommitsOnce) {
  auto pool = MakePool(1, milliseconds(1000));
  int calls = 0;
  Status status = InTransaction(*pool, [&](Connection&) {
    ++calls;
    return calls < 3 ? AbortedError("busy") : Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(log_.begins, 3);
  EXPECT_EQ(log_.rollbacks, 2);
  EXPECT_EQ(log_.commits, 1);
}

TEST_F(PoolTest, InTransactionGivesUpAfterTheLastAttempt) {
  auto pool = MakePool(1, milliseconds(1000));
  int calls = 0;
  Status status = InTransaction(
      *pool,
      [&](Connection&) {
        ++calls;
        return AbortedError("deadlock");
      },
      2);
  EXPECT_EQ(status.code(), StatusCode::kAborted);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(log_.commits, 0);
}

TEST_F(PoolTest, InTransactionDoesNotRetryOtherErrors) {
  auto pool = MakePool(1, milliseconds(1000));
  int calls = 0;
  Status status = InTransaction(*pool, [&](Connection&) {
    ++calls;
    return AlreadyExistsError("duplicate");
  });
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(log_.rollbacks, 1);
  EXPECT_EQ(log_.commits, 0);
}

}  // namespace
}  // namespace mileage::db
