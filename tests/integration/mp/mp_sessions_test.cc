// Member sessions over HTTP: which tokens the member API takes (and the console refuses),
// idle and absolute expiry, logout against concurrent refreshes, suspension with and without
// the Kv's revocation mark, and the MpRouter as the one way in (docs/API.md, "Member API").
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "kv/memory/memory_kv.h"
#include "members/member_accounts.h"
#include "org/org_module.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

class MpSessionsTest : public MpTest {};

TEST_P(MpSessionsTest, StaffAndMemberTokensAreNotInterchangeable) {
  const std::string member = TokenOf("alice");
  const std::string staff = StaffToken();
  ASSERT_FALSE(staff.empty());
  MpReply staff_on_mp = Me(staff);
  EXPECT_EQ(staff_on_mp.status, 401);
  EXPECT_EQ(staff_on_mp.code(), "INVALID_TOKEN");
  EXPECT_EQ(staff_on_mp.Header("WWW-Authenticate"), "Bearer");
  MpReply member_on_console = Send("GET", "/api/console/me", member);
  EXPECT_EQ(member_on_console.status, 401);
  EXPECT_EQ(member_on_console.code(), "INVALID_TOKEN");
  // Each still works where it belongs.
  EXPECT_EQ(Me(member).status, 200);
  EXPECT_EQ(Send("GET", "/api/console/me", staff).status, 200);

  MpReply missing = Me("");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.code(), "MISSING_TOKEN");
  EXPECT_EQ(missing.Header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(missing.Header("Cache-Control"), "no-store");
}

TEST_P(MpSessionsTest, TamperedTokensAreRefused) {
  const std::string token = TokenOf("alice");
  std::string in_random = token;
  in_random[10] = in_random[10] == 'a' ? 'b' : 'a';
  std::string in_tag = token;
  in_tag.back() = in_tag.back() == 'a' ? 'b' : 'a';
  for (const std::string& bad : {in_random, in_tag, token.substr(0, token.size() - 1),
                                 "mst1." + token.substr(5), std::string("mmt1.forged")}) {
    MpReply reply = Me(bad);
    EXPECT_EQ(reply.status, 401) << bad;
    EXPECT_EQ(reply.code(), "INVALID_TOKEN") << bad;
  }
  EXPECT_EQ(Me(token).status, 200);
}

TEST_P(MpSessionsTest, SessionsExpireWhenIdleAndAtTheirAbsoluteLifetime) {
  const std::string idle = TokenOf("alice");
  const std::string busy = TokenOf("bob");
  const TimePoint opened = clock_.Now();
  // A member who opens the mini-program every 80 hours (past half of the 7 days, so each
  // visit extends the session) keeps it going...
  for (int i = 1; i <= 8; ++i) {
    clock_.Advance(hours(80));
    MpReply me = Me(busy);
    ASSERT_EQ(me.status, 200) << "hour " << i * 80 << ": " << me.body;
  }
  // ...until 30 days after the login, however active.
  clock_.Advance(hours(24 * 30) - (clock_.Now() - opened));
  MpReply capped = Me(busy);
  EXPECT_EQ(capped.status, 401);
  EXPECT_EQ(capped.code(), "SESSION_EXPIRED");
  // The idle one expired 7 days after its login.
  MpReply expired = Me(idle);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.code(), "SESSION_EXPIRED");

  const std::string fresh = TokenOf("alice");
  clock_.Advance(hours(24 * 7) - seconds(1));
  EXPECT_EQ(Me(fresh).status, 200) << "within 7 days";
  const std::string other = TokenOf("carol");
  clock_.Advance(hours(24 * 7));
  EXPECT_EQ(Me(other).code(), "SESSION_EXPIRED");
}

// Logout racing refreshes: in each round the session's refresh is due, several clients keep
// calling /me while the member logs out. Once logout has answered 204 the token never works
// again, whatever refresh was in flight.
TEST_P(MpSessionsTest, AfterLogoutTheTokenNeverWorksAgain) {
  constexpr int kRounds = 20;
  constexpr int kClients = 4;
  for (int round = 0; round < kRounds; ++round) {
    const std::string token = TokenOf("alice");
    clock_.Advance(hours(24 * 4));  // past half of the 7 days: the next request refreshes
    std::atomic<bool> logged_out{false};
    std::atomic<bool> stop{false};
    std::atomic<int> answered{0};
    std::atomic<int> violations{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&] {
        std::unique_ptr<httplib::Client> http = server_->Client();
        const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
        while (!stop.load()) {
          const bool after_logout = logged_out.load();
          httplib::Result res = http->Get("/api/mp/me", auth);
          if (res && res->status == 200 && after_logout) violations.fetch_add(1);
          answered.fetch_add(1);
        }
      });
    }
    while (answered.load() == 0) std::this_thread::yield();
    MpReply out = Send("POST", "/api/mp/logout", token);
    EXPECT_EQ(out.status, 204) << out.body;
    logged_out.store(true);
    const int before = answered.load();
    while (answered.load() < before + 2 * kClients) std::this_thread::yield();
    stop.store(true);
    for (std::thread& client : clients) client.join();
    EXPECT_EQ(violations.load(), 0) << "round " << round;
    MpReply after = Me(token);
    EXPECT_EQ(after.status, 401);
    EXPECT_EQ(after.code(), "SESSION_REVOKED");
  }
}

TEST_P(MpSessionsTest, LogoutEndsOnlyThatSession) {
  const std::string phone = TokenOf("alice");
  const std::string tablet = TokenOf("alice");
  EXPECT_EQ(Send("POST", "/api/mp/logout", phone).status, 204);
  EXPECT_EQ(Me(phone).code(), "SESSION_REVOKED");
  EXPECT_EQ(Send("POST", "/api/mp/logout", phone).code(), "SESSION_REVOKED");
  EXPECT_EQ(Me(tablet).status, 200);
}

// Suspension through this server: its accounts service marks the Kv and forgets its cache. With
// the mark deleted (a Kv that lost it), the database still ends the session.
TEST_P(MpSessionsTest, ASuspendedMembersSessionEndsEvenWithoutTheKvMark) {
  MpReply login = Login("alice");
  ASSERT_EQ(login.status, 200);
  const std::string token = login.Text("token");
  const int64_t id = login.json["member"]["id"].GetInt64();
  ASSERT_EQ(Me(token).status, 200);  // the member's standing is cached now
  members::MemberAccounts& accounts = app().member_api().accounts();
  const int64_t audit = Scalar("SELECT COUNT(*) FROM audit_log");
  MustOk(accounts.SetSuspended(org::Actor::System("test"), id, true));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'member.suspend'"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log"), audit + 1);
  const std::string mark = "mp:member-revoked:" + std::to_string(id);
  ASSERT_TRUE(MustOk(app().kv().Get(mark)).has_value()) << "the suspension marks the Kv";
  ASSERT_TRUE(MustOk(app().kv().Delete(mark)));

  MpReply refused = Me(token);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(refused.code(), "MEMBER_SUSPENDED");
  MpReply again = Login("alice");
  EXPECT_EQ(again.status, 403) << again.body;
  EXPECT_EQ(again.code(), "MEMBER_SUSPENDED");

  MustOk(accounts.SetSuspended(org::Actor::System("test"), id, false));
  clock_.Advance(milliseconds(1));
  const std::string after = TokenOf("alice");
  EXPECT_EQ(Me(after).status, 200) << "a reactivated member logs in again";
}

// Suspension by another process (what `mileage admin suspend-member` does: its own Kv, its own
// cache): this server learns it from the database once its cached standing is older than the
// bound (5 s), and the Kv never held a mark.
TEST_P(MpSessionsTest, ASuspensionElsewhereEndsSessionsWithinTheCacheBound) {
  MpReply login = Login("alice");
  ASSERT_EQ(login.status, 200);
  const std::string token = login.Text("token");
  const int64_t id = login.json["member"]["id"].GetInt64();
  ASSERT_EQ(Me(token).status, 200);

  kv::MemoryKv elsewhere_kv(clock_);
  members::MemberSessionTruth elsewhere_truth(app().db(), elsewhere_kv, clock_, milliseconds(0),
                                              hours(24 * 31));
  members::MemberAccounts elsewhere(app().db(), random_, app().org().writer(), elsewhere_truth);
  MustOk(elsewhere.SetSuspended(org::Actor::System("cli"), id, true));
  EXPECT_FALSE(MustOk(app().kv().Get("mp:member-revoked:" + std::to_string(id))).has_value());

  clock_.Advance(seconds(5));
  MpReply refused = Me(token);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(refused.code(), "MEMBER_SUSPENDED");
}

TEST_P(MpSessionsTest, ADeactivatedMiniProgramEndsItsSessions) {
  const std::string token = TokenOf("alice");
  MustOk(app().org().apps().SetActive(org::Actor::System("test"), app_, false));
  clock_.Advance(seconds(5));
  MpReply refused = Me(token);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(refused.code(), "APP_INACTIVE");
  EXPECT_EQ(Login("alice").code(), "APP_INACTIVE");
}

TEST_P(MpSessionsTest, EveryMemberRouteGoesThroughTheMpRouter) {
  std::set<std::pair<std::string, std::string>> through_router;
  for (const server::MpRouteInfo& route : app().member_api().router().routes()) {
    through_router.insert({route.method, route.path_template});
    if (!route.authenticated) {
      EXPECT_EQ(route.method + " " + route.path_template, "POST /api/mp/login")
          << "only login may skip authentication";
    }
  }
  int mp_routes = 0;
  for (const server::RouteInfo& route : app().http().routes()) {
    if (route.path_template.rfind("/api/mp/", 0) != 0) continue;
    ++mp_routes;
    EXPECT_EQ(through_router.count({route.method, route.path_template}), 1u)
        << route.method << " " << route.path_template
        << " was registered without the MpRouter (no member authentication)";
  }
  EXPECT_EQ(mp_routes, static_cast<int>(through_router.size()));
  EXPECT_GE(mp_routes, 3);
}

TEST_P(MpSessionsTest, EveryAuthenticatedRouteRefusesBadTokensBeforeItsHandler) {
  const std::string staff = StaffToken();
  const std::string member = TokenOf("alice");
  ASSERT_EQ(Send("POST", "/api/mp/logout", member).status, 204);
  const auto before = Written();
  for (const server::MpRouteInfo& route : app().member_api().router().routes()) {
    if (!route.authenticated) continue;
    std::string path = route.path_template;
    for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{')) {
      path.replace(open, path.find('}', open) - open + 1, "1");
    }
    const struct {
      std::string token;
      const char* code;
    } cases[] = {{"", "MISSING_TOKEN"},
                 {"mmt1.forged", "INVALID_TOKEN"},
                 {staff, "INVALID_TOKEN"},
                 {member, "SESSION_REVOKED"}};
    for (const auto& c : cases) {
      MpReply reply = Send(route.method, path, c.token, "{}");
      EXPECT_EQ(reply.status, 401) << route.method << " " << path << ": " << reply.body;
      EXPECT_EQ(reply.code(), c.code) << route.method << " " << path;
    }
  }
  EXPECT_EQ(Written(), before);
}

MILEAGE_MP_TEST_SUITE(MpSessionsTest);

}  // namespace
}  // namespace mileage::testing
