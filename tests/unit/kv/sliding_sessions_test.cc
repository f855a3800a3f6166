// kv::SlidingSessions, the Kv half of console and member sessions: idle and absolute expiry,
// the sliding refresh, the owner's veto before a refresh, and a logout that no refresh undoes.
#include "kv/sliding_sessions.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "common/testing/fake_clock.h"
#include "kv/memory/memory_kv.h"

namespace mileage::kv {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Status Stands(const SessionEntry&) { return Status::Ok(); }

class SlidingSessionsTest : public ::testing::Test {
 protected:
  // The value stored at `key`, or "" when there is none.
  std::string Stored(std::string_view key) {
    Result<std::optional<std::string>> value = kv_.Get(key);
    EXPECT_TRUE(value.ok());
    return value.ok() && value->has_value() ? **value : "";
  }

  testing::FakeClock clock_;
  MemoryKv memory_{clock_};
  Kv& kv_ = memory_;
  SlidingSessions sessions_{kv_, clock_, SessionLifetime{hours(8), hours(24)}};
};

TEST_F(SlidingSessionsTest, AnOpenedSessionStandsForItsIdleTtl) {
  const TimePoint opened = clock_.Now();
  Result<SessionEntry> entry = sessions_.Open("s:1", "alice|7");
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->opened_at, opened);
  EXPECT_EQ(entry->expires_at, opened + hours(8));

  Result<SessionEntry> touched = sessions_.Touch("s:1", Stands);
  ASSERT_TRUE(touched.ok()) << touched.status().ToString();
  EXPECT_EQ(touched->payload, "alice|7");
  EXPECT_EQ(touched->expires_at, opened + hours(8));

  clock_.Advance(hours(8));
  EXPECT_EQ(sessions_.Touch("s:1", Stands).status().reason(), "SESSION_EXPIRED");
  EXPECT_EQ(Stored("s:1"), "") << "the Kv entry expires with the session";
}

TEST_F(SlidingSessionsTest, ARequestPastHalfTheTtlExtendsIt) {
  const TimePoint opened = clock_.Now();
  ASSERT_TRUE(sessions_.Open("s:1", "p").ok());
  clock_.Advance(hours(4) - seconds(1));
  EXPECT_EQ(sessions_.Touch("s:1", Stands)->expires_at, opened + hours(8)) << "not due yet";
  clock_.Advance(seconds(2));
  const TimePoint now = clock_.Now();
  EXPECT_EQ(sessions_.Touch("s:1", Stands)->expires_at, now + hours(8));
  clock_.Advance(hours(7));
  EXPECT_TRUE(sessions_.Touch("s:1", Stands).ok()) << "alive past the first expiry";
  EXPECT_NE(Stored("s:1"), "");
}

TEST_F(SlidingSessionsTest, NoRefreshOutlivesTheAbsoluteLifetime) {
  const TimePoint opened = clock_.Now();
  ASSERT_TRUE(sessions_.Open("s:1", "p").ok());
  // Used every 5 hours: each use past half of the 8 h refreshes, until the 24 h cap.
  for (int i = 1; i <= 4; ++i) {
    clock_.Advance(hours(5));
    Result<SessionEntry> touched = sessions_.Touch("s:1", Stands);
    ASSERT_TRUE(touched.ok()) << i << ": " << touched.status().ToString();
    EXPECT_LE(touched->expires_at, opened + hours(24));
    EXPECT_EQ(touched->opened_at, opened);
  }
  clock_.Advance(hours(4));  // 24 h after opening
  EXPECT_EQ(sessions_.Touch("s:1", Stands).status().reason(), "SESSION_EXPIRED");
}

TEST_F(SlidingSessionsTest, TheOwnersVetoIsReturnedAndNothingIsExtended) {
  const TimePoint opened = clock_.Now();
  ASSERT_TRUE(sessions_.Open("s:1", "p").ok());
  clock_.Advance(hours(5));
  Result<SessionEntry> refused = sessions_.Touch("s:1", [](const SessionEntry& entry) {
    EXPECT_EQ(entry.payload, "p");
    return UnauthenticatedError("no", "MEMBER_SUSPENDED");
  });
  EXPECT_EQ(refused.status().reason(), "MEMBER_SUSPENDED");
  std::optional<SessionEntry> stored = DecodeSessionEntry(Stored("s:1"));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->expires_at, opened + hours(8)) << "a refused session is never extended";
}

TEST_F(SlidingSessionsTest, RevokedSessionsStayRevoked) {
  ASSERT_TRUE(sessions_.Open("s:1", "p").ok());
  ASSERT_TRUE(sessions_.Revoke("s:1").ok());
  EXPECT_EQ(sessions_.Touch("s:1", Stands).status().reason(), "SESSION_REVOKED");
  ASSERT_TRUE(sessions_.Revoke("s:1").ok()) << "idempotent";
  EXPECT_EQ(sessions_.Touch("s:1", Stands).status().reason(), "SESSION_REVOKED");
  ASSERT_TRUE(sessions_.Revoke("s:unknown").ok());
  EXPECT_EQ(Stored("s:unknown"), "") << "nothing to revoke, nothing written";
  EXPECT_EQ(sessions_.Touch("s:unknown", Stands).status().reason(), "SESSION_EXPIRED");
}

TEST_F(SlidingSessionsTest, UnreadableEntriesAreExpired) {
  for (const char* value : {"", "e1|", "e1|x|1|p", "e1|1|x|p", "e2|1|1|p", "s2|1|brand_admin"}) {
    ASSERT_TRUE(kv_.Set("s:odd", value, hours(1)).ok());
    EXPECT_EQ(sessions_.Touch("s:odd", Stands).status().reason(), "SESSION_EXPIRED") << value;
  }
}

TEST_F(SlidingSessionsTest, EntriesRoundTripAnyPayload) {
  const SessionEntry entry{"m1|7|3|wx|with|bars", TimePoint(std::chrono::milliseconds(1234)),
                           TimePoint(std::chrono::milliseconds(98765))};
  const std::string value = EncodeSessionEntry(entry);
  EXPECT_EQ(value, "e1|98765|1234|m1|7|3|wx|with|bars");
  std::optional<SessionEntry> decoded = DecodeSessionEntry(value);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->payload, entry.payload);
  EXPECT_EQ(decoded->opened_at, entry.opened_at);
  EXPECT_EQ(decoded->expires_at, entry.expires_at);
}

// Logout racing refreshes: requests keep touching a session whose refresh is due while another
// thread logs it out. Once Revoke has returned, no Touch that starts afterwards succeeds.
TEST_F(SlidingSessionsTest, ALogoutRacingRefreshesAlwaysWins) {
  constexpr int kRounds = 200;
  constexpr int kThreads = 4;
  for (int round = 0; round < kRounds; ++round) {
    const std::string key = "s:" + std::to_string(round);
    ASSERT_TRUE(sessions_.Open(key, "p").ok());
    clock_.Advance(hours(5));  // past half of the 8 h: the next touch refreshes
    std::atomic<bool> revoked{false};
    std::atomic<bool> stop{false};
    std::atomic<int> touched{0};
    std::atomic<int> violations{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        while (!stop.load()) {
          const bool after_revoke = revoked.load();
          Result<SessionEntry> entry = sessions_.Touch(key, Stands);
          if (entry.ok() && after_revoke) violations.fetch_add(1);
          touched.fetch_add(1);
        }
      });
    }
    while (touched.load() == 0) std::this_thread::yield();  // the refresh has happened
    ASSERT_TRUE(sessions_.Revoke(key).ok());
    revoked.store(true);
    const int before = touched.load();
    while (touched.load() < before + 2 * kThreads) std::this_thread::yield();
    stop.store(true);
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(violations.load(), 0) << "round " << round;
    EXPECT_EQ(sessions_.Touch(key, Stands).status().reason(), "SESSION_REVOKED");
  }
}

}  // namespace
}  // namespace mileage::kv
