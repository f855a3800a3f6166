// GroupCommitter on a real SQLite file: shared commits keep each work's all-or-nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "db/transaction_runner.h"
#include "tests/support/test_database.h"

namespace mileage::testing {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = TestDatabase::Open(Backend::kSqlite);
    ASSERT_NE(database_, nullptr);
    ASSERT_TRUE(db::InTransaction(database_->db(), [](db::Connection& conn) {
                  return conn.ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)");
                }).ok());
  }
  int64_t Count(const std::string& where = "1 = 1") {
    return database_->Scalar("SELECT COUNT(*) FROM t WHERE " + where);
  }
  std::unique_ptr<TestDatabase> database_;
};

TEST_F(GroupCommitTest, ConcurrentWorksAllCommit) {
  db::GroupCommitter committer(database_->db());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Status s = committer.Run(
            [&](db::Connection& conn) {
              return conn
                  .Exec("INSERT INTO t (id, v) VALUES (?, ?)",
                        {db::Value(int64_t{t * 1000 + i}), db::Value(int64_t{1})})
                  .status();
            },
            3);
        if (s.ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 800);
  EXPECT_EQ(Count(), 800);
}

TEST_F(GroupCommitTest, AFailingWorkRollsBackAloneInItsBatch) {
  db::GroupCommitter committer(database_->db());
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const int64_t id = t * 1000 + i;
        Status s = committer.Run(
            [&](db::Connection& conn) -> Status {
              MILEAGE_RETURN_IF_ERROR(conn.Exec("INSERT INTO t (id, v) VALUES (?, ?)",
                                                {db::Value(id), db::Value(id % 2)})
                                          .status());
              if (id % 2 == 1) return InvalidArgumentError("odd work fails after writing");
              return Status::Ok();
            },
            3);
        if (!s.ok()) {
          EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
          ++failed;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 160);
  EXPECT_EQ(Count("v = 1"), 0);
  EXPECT_EQ(Count("v = 0"), 160);
}

TEST_F(GroupCommitTest, AbortedWorkIsRetriedWithoutItsFirstWrites) {
  db::GroupCommitter committer(database_->db());
  int attempts = 0;
  Status s = committer.Run(
      [&](db::Connection& conn) -> Status {
        ++attempts;
        MILEAGE_RETURN_IF_ERROR(
            conn.Exec("INSERT INTO t (id, v) VALUES (?, 7)", {db::Value(int64_t{attempts})})
                .status());
        return attempts < 3 ? AbortedError("lost a race") : Status::Ok();
      },
      5);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(Count("v = 7"), 1);
  EXPECT_EQ(Count("id = 3"), 1);
}

TEST_F(GroupCommitTest, GivesUpAfterTheAttempts) {
  db::GroupCommitter committer(database_->db());
  int attempts = 0;
  Status s = committer.Run(
      [&](db::Connection&) {
        ++attempts;
        return AbortedError("always");
      },
      2);
  EXPECT_EQ(s.code(), StatusCode::kAborted);
  EXPECT_EQ(attempts, 2);
}

}  // namespace
}  // namespace mileage::testing
