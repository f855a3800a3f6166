// FindOrEnroll under concurrency: many transactions enrolling the same payers at once must
// leave exactly one member per payer, and every caller must get that member.

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/random.h"
#include "tests/contract/members/members_fixture.h"
#include "tests/support/together.h"

namespace mileage::members {
namespace {

using testing::Backend;

class EnrollmentRaceTest : public MembersTest {
 protected:
  // Runs FindOrEnroll for `payers` from `threads` threads at once (each thread walks all the
  // payers, starting at a different one), through db::InTransaction with its default retries
  // as the payment flow does. Returns member ids by [thread][payer].
  std::vector<std::vector<int64_t>> Race(const std::vector<std::string>& payers, int threads) {
    std::vector<std::vector<int64_t>> ids(threads, std::vector<int64_t>(payers.size(), 0));
    std::vector<std::string> errors(threads);
    std::atomic<int> created{0};
    OsRandom random;  // shared: safe for concurrent use
    testing::RunTogether(threads, [&](int t) {
      for (size_t k = 0; k < payers.size(); ++k) {
        const size_t p = (k + static_cast<size_t>(t) * 7) % payers.size();
        Status status = db::InTransaction(db(), [&](db::Connection& conn) {
          MemberStore store(conn, random);
          MILEAGE_ASSIGN_OR_RETURN(
              Enrollment e, store.FindOrEnroll(Payer(payers[p]), "silver", "wechat_pay", 7, kNow));
          ids[t][p] = e.member.id;
          if (e.created) created.fetch_add(1);
          return Status::Ok();
        });
        if (!status.ok() && errors[t].empty()) errors[t] = payers[p] + ": " + status.ToString();
      }
    });
    for (int t = 0; t < threads; ++t) EXPECT_EQ(errors[t], "") << "thread " << t;
    // Every committed enrollment is one member; a rolled-back attempt may have said created.
    EXPECT_GE(created.load(), static_cast<int>(payers.size()));
    return ids;
  }

  void ExpectOneMemberPerPayer(const std::vector<std::string>& payers,
                               const std::vector<std::vector<int64_t>>& ids) {
    std::set<int64_t> distinct;
    for (size_t p = 0; p < payers.size(); ++p) {
      const int64_t first = ids[0][p];
      EXPECT_GT(first, 0) << payers[p];
      for (size_t t = 1; t < ids.size(); ++t) {
        EXPECT_EQ(ids[t][p], first) << payers[p] << " thread " << t;
      }
      distinct.insert(first);
    }
    EXPECT_EQ(distinct.size(), payers.size());
    const int64_t n = static_cast<int64_t>(payers.size());
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM members"), n);
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM member_identities"), n);
    EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT number) FROM members"), n);
    for (size_t p = 0; p < payers.size(); ++p) {
      EXPECT_EQ(QueryInt("SELECT member_id FROM member_identities WHERE value = ?",
                         {db::Value(payers[p])}),
                ids[0][p])
          << payers[p];
    }
  }
};

TEST_P(EnrollmentRaceTest, SixteenThreadsOnePayerMakeOneMember) {
  if (db_ == nullptr) return;
  const std::vector<std::string> payers = {"o_contended_payer"};
  const std::vector<std::vector<int64_t>> ids = Race(payers, 16);
  ExpectOneMemberPerPayer(payers, ids);
}

TEST_P(EnrollmentRaceTest, FiftyPayersEightThreadsMakeFiftyMembers) {
  if (db_ == nullptr) return;
  std::vector<std::string> payers;
  for (int i = 0; i < 50; ++i) payers.push_back("o_payer_" + std::to_string(i));
  const std::vector<std::vector<int64_t>> ids = Race(payers, 8);
  ExpectOneMemberPerPayer(payers, ids);
}

INSTANTIATE_TEST_SUITE_P(Backends, EnrollmentRaceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

}  // namespace
}  // namespace mileage::members
