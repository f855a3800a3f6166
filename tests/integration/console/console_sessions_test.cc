// Sessions and the accounts behind them (docs/API.md "Authentication" and "Staff";
// docs/OPERATIONS.md "Console sessions"): a refresh never undoes a logout; the database, not
// the Kv, decides whether a session stands, so deactivations, password resets and role or
// scope changes end sessions even when the Kv lost the revocation mark; password reset and
// reactivation with their permission checks; a brand always keeps an active brand admin;
// partners are deactivated and reactivated.
#include <atomic>
#include <functional>
#include <latch>
#include <thread>

#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::seconds;

std::string MarkKey(int64_t staff_id) {
  return "console:staff-revoked:" + std::to_string(staff_id);
}

class ConsoleSessionsTest : public ConsoleTest {
 protected:
  // Another instance of the services on the same database and Kv: what a second server
  // process is. Changes made through it never touch this server's in-process cache.
  org::OrgModule& Elsewhere() {
    if (elsewhere_ == nullptr) {
      org::OrgOptions options;
      options.scrypt = crypto::ScryptParams{10, 8, 1};
      elsewhere_ =
          std::make_unique<org::OrgModule>(server_->app().db(), kv(), clock_, elsewhere_random_,
                                           *crypto::DataKey::FromHex(kDataKey), options);
    }
    return *elsewhere_;
  }

  // A new account (created by the operator), returning its id.
  int64_t NewAccount(const std::string& username, const char* role, const char* scope_type,
                     int64_t scope_id) {
    Result<org::Staff> created = org().staff().Create(
        org::Actor::System("test"), org::NewStaff{username, kPassword, role, scope_type, scope_id});
    EXPECT_TRUE(created.ok()) << username << ": " << created.status().ToString();
    return created.ok() ? created->id : 0;
  }

  // A fresh session of `username` (not the cached Token()).
  std::string FreshToken(const std::string& username, const std::string& password = kPassword) {
    Reply login = LoginReply(username, password);
    EXPECT_EQ(login.status, 200) << username << ": " << login.body;
    return login.json.IsObject() && login.json.HasMember("token") ? login.json["token"].GetString()
                                                                  : "";
  }

  // Deletes the account's revocation mark from the Kv, expecting it was there.
  void LoseTheMark(int64_t staff_id) {
    Result<bool> deleted = kv().Delete(MarkKey(staff_id));
    ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
    EXPECT_TRUE(*deleted) << "the change left no mark for staff " << staff_id;
  }

  FakeRandom elsewhere_random_{23};
  std::unique_ptr<org::OrgModule> elsewhere_;
};

TEST_P(ConsoleSessionsTest, ARefreshRacingALogoutNeverRevivesTheSession) {
  org::SessionService& sessions = org().sessions();
  constexpr int kRounds = 120;
  constexpr int kThreads = 6;
  int refused_after_logout = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string address =
        "10.1." + std::to_string(round / 200) + "." + std::to_string(round % 200 + 1);
    std::chrono::seconds retry_after{0};
    Result<org::LoginResult> login = sessions.Login(
        org::LoginRequest{"clerk_a1", kPassword, std::nullopt, address, "race"}, &retry_after);
    ASSERT_TRUE(login.ok()) << login.status().ToString();
    const std::string token = login->token;
    // Past half of the ttl: the next requests refresh the session.
    clock_.Advance(sessions.ttl() / 2 + seconds(1));
    std::latch start(kThreads + 1);
    std::atomic<bool> logged_out{false};
    std::atomic<int> authenticated_after_logout{0};
    std::atomic<int> refusals{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        start.arrive_and_wait();
        for (int i = 0; i < 20; ++i) {
          const bool after = logged_out.load();
          Result<org::Session> session = sessions.Authenticate(token);
          if (after && session.ok()) ++authenticated_after_logout;
          if (after && !session.ok()) ++refusals;
        }
      });
    }
    start.arrive_and_wait();
    const Status out =
        sessions.Logout(org::Actor::ForStaff(login->session.principal, "race", address), token);
    logged_out = true;
    for (std::thread& thread : threads) thread.join();
    ASSERT_TRUE(out.ok()) << out.ToString();
    EXPECT_EQ(authenticated_after_logout.load(), 0) << "round " << round;
    Result<org::Session> later = sessions.Authenticate(token);
    ASSERT_FALSE(later.ok()) << "round " << round << ": a refresh revived the session";
    EXPECT_EQ(later.status().reason(), "SESSION_REVOKED") << "round " << round;
    refused_after_logout += refusals.load();
  }
  EXPECT_GT(refused_after_logout, 0) << "no request ran after a logout: the test proved nothing";
}

// Each change made by another instance ends the session even though the test deletes the
// revocation mark from the Kv: this server trusts what it last read from the database for at
// most the cache bound (5 s), then reads again.
TEST_P(ConsoleSessionsTest, ChangesEndSessionsWithinTheCacheBoundWithoutTheKvMark) {
  const org::Actor op = org::Actor::System("elsewhere");
  struct Case {
    std::string name;
    std::string username;
    int64_t staff_id;
    std::function<Status()> change;
    std::string code;
  };
  const int64_t deactivated =
      NewAccount("case_deactivated", "store_clerk", "store", tree_.store_a1);
  const int64_t reset = NewAccount("case_reset", "analyst", "store", tree_.store_a1);
  const int64_t role = NewAccount("case_role", "analyst", "dealer", tree_.dealer_a);
  const int64_t scope = NewAccount("case_scope", "store_clerk", "store", tree_.store_a1);
  const int64_t at_store = NewAccount("case_store", "store_clerk", "store", tree_.store_a2);
  const int64_t at_dealer = NewAccount("case_dealer", "analyst", "dealer", tree_.dealer_a2);
  org::HierarchyService& h = Elsewhere().hierarchy();
  org::StaffService& s = Elsewhere().staff();
  const std::vector<Case> cases = {
      {"staff deactivation", "case_deactivated", deactivated,
       [&] { return s.Deactivate(op, deactivated).status(); }, "STAFF_DEACTIVATED"},
      {"password reset", "case_reset", reset,
       [&] { return s.ResetPassword(op, reset, "new-pass-word-1").status(); },
       "CREDENTIALS_CHANGED"},
      {"role change", "case_role", role,
       [&] {
         return s.Change(op, role, {"dealer_manager", std::nullopt, 0}).status();
       },
       "CREDENTIALS_CHANGED"},
      {"scope change", "case_scope", scope,
       [&] {
         return s.Change(op, scope, {std::nullopt, "store", tree_.store_a3}).status();
       },
       "CREDENTIALS_CHANGED"},
      {"store deactivation", "case_store", at_store,
       [&] { return h.Deactivate(op, org::NodeType::kStore, tree_.store_a2).status(); },
       "STAFF_DEACTIVATED"},
      {"dealer deactivation", "case_dealer", at_dealer,
       [&] {
         // Deactivation does not cascade: the dealer's store goes first (the scope-change case
         // above moved its clerk to store A3, whose sessions already ended).
         MILEAGE_RETURN_IF_ERROR(h.Deactivate(op, org::NodeType::kStore, tree_.store_a3).status());
         return h.Deactivate(op, org::NodeType::kDealer, tree_.dealer_a2).status();
       },
       "STAFF_DEACTIVATED"},
      {"region deactivation", "region2_manager", tree_.staff["region2_manager"],
       [&] {
         MILEAGE_RETURN_IF_ERROR(h.Deactivate(op, org::NodeType::kStore, tree_.store_b1).status());
         MILEAGE_RETURN_IF_ERROR(h.Deactivate(op, org::NodeType::kDealer, tree_.dealer_b).status());
         return h.Deactivate(op, org::NodeType::kRegion, tree_.region2).status();
       },
       "STAFF_DEACTIVATED"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string token = FreshToken(c.username);
    ASSERT_EQ(Get("/api/console/me", token).status, 200);
    const Status changed = c.change();
    ASSERT_TRUE(changed.ok()) << changed.ToString();
    LoseTheMark(c.staff_id);
    // Within the bound this server still trusts its last read (no database round trip)...
    EXPECT_EQ(Get("/api/console/me", token).status, 200);
    // ...and once it has passed, the database decides.
    clock_.Advance(seconds(5));
    Reply after = Get("/api/console/me", token);
    EXPECT_EQ(after.status, 401) << after.body;
    EXPECT_EQ(after.code(), c.code);
  }
  // The region's other staff lost their sessions too (their store and dealer went first).
  for (const char* username : {"clerk_b1", "dealer_b_manager"}) {
    EXPECT_EQ(LoginReply(username, kPassword).code(), "INVALID_CREDENTIALS") << username;
  }
  // The new password and the new role work.
  EXPECT_EQ(LoginReply("case_reset", "new-pass-word-1").status, 200);
  Reply promoted = LoginReply("case_role", kPassword);
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_STREQ(promoted.json["staff"]["role"].GetString(), "dealer_manager");
}

TEST_P(ConsoleSessionsTest, WithAZeroCacheBoundTheDatabaseDecidesEveryRequest) {
  server::AppOptions options;
  options.session_truth_cache = std::chrono::milliseconds(0);
  StartServer(options);
  const std::string token = FreshToken("clerk_a1");
  ASSERT_EQ(Get("/api/console/me", token).status, 200);
  ASSERT_TRUE(Elsewhere()
                  .staff()
                  .Deactivate(org::Actor::System("elsewhere"), tree_.staff["clerk_a1"])
                  .ok());
  LoseTheMark(tree_.staff["clerk_a1"]);
  Reply after = Get("/api/console/me", token);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.code(), "STAFF_DEACTIVATED");
}

TEST_P(ConsoleSessionsTest, TheInstanceThatMadeAChangeEndsSessionsAtOnce) {
  const std::string token = FreshToken("clerk_a1");
  ASSERT_EQ(Get("/api/console/me", token).status, 200);
  const std::string id = std::to_string(tree_.staff["clerk_a1"]);
  ASSERT_EQ(Post("/api/console/staff/" + id + "/deactivate", Token("dealer_a_manager")).status,
            200);
  LoseTheMark(tree_.staff["clerk_a1"]);
  Reply after = Get("/api/console/me", token);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.code(), "STAFF_DEACTIVATED");
}

TEST_P(ConsoleSessionsTest, PasswordResetEndsSessionsAndIsOnRecord) {
  const std::string clerk = FreshToken("clerk_a1");
  const std::string path =
      "/api/console/staff/" + std::to_string(tree_.staff["clerk_a1"]) + "/password";
  const std::string& manager = Token("dealer_a_manager");
  const std::string& admin = Token("admin");
  const int64_t audit_before = AuditRows();
  Reply reset = Post(path, manager, R"({"password":"fresh-pass-word"})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(reset.json["id"].GetInt64(), tree_.staff["clerk_a1"]);
  EXPECT_EQ(reset.body.find("fresh-pass-word"), std::string::npos);
  Reply old_session = Get("/api/console/me", clerk);
  EXPECT_EQ(old_session.status, 401);
  EXPECT_EQ(old_session.code(), "CREDENTIALS_CHANGED");
  EXPECT_EQ(LoginReply("clerk_a1", kPassword).code(), "INVALID_CREDENTIALS");
  EXPECT_EQ(LoginReply("clerk_a1", "fresh-pass-word").status, 200);
  EXPECT_EQ(AuditRows(), audit_before + 2);  // the reset and the login
  Reply audit = Get("/api/console/audit?page_size=2", admin);
  ASSERT_EQ(audit.status, 200);
  EXPECT_STREQ(audit.json["items"][0]["action"].GetString(), "session.login");
  const auto& record = audit.json["items"][1];
  EXPECT_STREQ(record["action"].GetString(), "staff.password_reset");
  EXPECT_STREQ(record["staff_username"].GetString(), "dealer_a_manager");
  EXPECT_EQ(record["object_id"].GetInt64(), tree_.staff["clerk_a1"]);
  EXPECT_EQ(std::string(record["detail"].GetString()).find("fresh"), std::string::npos);
}

TEST_P(ConsoleSessionsTest, PasswordResetIsRefusedWhereManagementIsAndRunsNoScryptThen) {
  const crypto::PasswordHasher& hasher = org().hasher();
  const std::string& manager = Token("dealer_a_manager");
  const std::string& clerk = Token("clerk_a1");
  auto reset = [&](const std::string& token, const std::string& staff, const std::string& body) {
    return Post("/api/console/staff/" + staff + "/password", token, body);
  };
  const std::string ok_body = R"({"password":"fresh-pass-word"})";
  struct Refusal {
    std::string token, staff, body, code;
    int status;
    int64_t audited;  // denial records
  };
  const std::vector<Refusal> refusals = {
      {manager, std::to_string(tree_.staff["clerk_b1"]), ok_body, "NOT_FOUND", 404, 1},
      {manager, std::to_string(tree_.staff["dealer_a_manager"]), ok_body, "PERMISSION_DENIED", 403,
       1},  // itself
      {manager, std::to_string(tree_.staff["region1_manager"]), ok_body, "NOT_FOUND", 404, 1},
      {clerk, std::to_string(tree_.staff["clerk_a1"]), ok_body, "PERMISSION_DENIED", 403, 1},
      {manager, std::to_string(tree_.staff["clerk_a1"]), R"({"password":"short"})", "WEAK_PASSWORD",
       400, 0},
      {manager, std::to_string(tree_.staff["clerk_a1"]), R"({"password":"x","old":"y"})",
       "UNKNOWN_FIELD", 400, 0},
      {manager, "0", ok_body, "INVALID_ID", 400, 0},
      {manager, "999999", ok_body, "NOT_FOUND", 404, 1},
  };
  for (const Refusal& r : refusals) {
    auto before = RowCounts();
    const uint64_t hashes = hasher.computations();
    Reply reply = reset(r.token, r.staff, r.body);
    EXPECT_EQ(reply.status, r.status) << r.staff << " " << r.body << ": " << reply.body;
    EXPECT_EQ(reply.code(), r.code) << r.staff << " " << r.body;
    EXPECT_EQ(hasher.computations(), hashes) << "no scrypt for a refused reset: " << reply.body;
    before["audit_log"] += r.audited;
    EXPECT_EQ(RowCounts(), before) << r.staff << " " << r.body;
  }
  const uint64_t hashes = hasher.computations();
  EXPECT_EQ(reset(manager, std::to_string(tree_.staff["clerk_a1"]), ok_body).status, 200);
  EXPECT_EQ(hasher.computations(), hashes + 1) << "the counter counts";
}

TEST_P(ConsoleSessionsTest, CreatingStaffRunsNoScryptUntilTheCallerIsAuthorized) {
  const crypto::PasswordHasher& hasher = org().hasher();
  const std::string a1 = std::to_string(tree_.store_a1);
  const std::string b1 = std::to_string(tree_.store_b1);
  auto body = [](const std::string& username, const char* role, const char* type,
                 const std::string& id) {
    return R"({"username":")" + username + R"(","password":"pass-word-123","role":")" + role +
           R"(","scope":{"type":")" + type + R"(","id":)" + id + "}}";
  };
  struct Refusal {
    std::string caller, body;
    int status;
  };
  const std::vector<Refusal> refusals = {
      {"analyst_a", body("new1", "analyst", "store", a1), 403},  // the router: no staff.write
      {"clerk_a1", body("new2", "analyst", "store", a1), 403},
      {"dealer_a_manager", body("new3", "dealer_manager", "dealer", std::to_string(tree_.dealer_a)),
       403},                                                                // its own rank
      {"dealer_a_manager", body("new4", "store_clerk", "store", b1), 404},  // another dealer
      {"dealer_a_manager", body("new5", "store_clerk", "store", "999999"), 404},
  };
  for (const Refusal& r : refusals) {
    const std::string& token = Token(r.caller);
    const auto before = RowCounts();
    const uint64_t hashes = hasher.computations();
    Reply reply = Post("/api/console/staff", token, r.body);
    EXPECT_EQ(reply.status, r.status) << r.caller << " " << r.body << ": " << reply.body;
    EXPECT_EQ(hasher.computations(), hashes) << r.caller << ": scrypt ran before the refusal";
    auto expected = before;
    ++expected["audit_log"];  // the denial
    EXPECT_EQ(RowCounts(), expected) << r.caller << " " << r.body;
  }
  const std::string& manager = Token("dealer_a_manager");
  const uint64_t hashes = hasher.computations();
  EXPECT_EQ(Post("/api/console/staff", manager, body("new6", "store_clerk", "store", a1)).status,
            201);
  EXPECT_EQ(hasher.computations(), hashes + 1);
}

TEST_P(ConsoleSessionsTest, ReactivationLetsTheAccountLogInAgainButNotItsOldSessions) {
  const std::string id = std::to_string(tree_.staff["clerk_a1"]);
  const std::string old_session = FreshToken("clerk_a1");
  const std::string& manager = Token("dealer_a_manager");
  ASSERT_EQ(Post("/api/console/staff/" + id + "/deactivate", manager).status, 200);
  EXPECT_EQ(LoginReply("clerk_a1", kPassword).code(), "INVALID_CREDENTIALS");
  const int64_t audit_before = AuditRows();
  Reply back = Post("/api/console/staff/" + id + "/reactivate", manager);
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_TRUE(back.json["active"].GetBool());
  EXPECT_EQ(AuditRows(), audit_before + 1);
  Reply again = Post("/api/console/staff/" + id + "/reactivate", manager);
  EXPECT_EQ(again.status, 200) << "idempotent";
  EXPECT_EQ(Get("/api/console/me", old_session).status, 401);
  EXPECT_EQ(Get("/api/console/me", FreshToken("clerk_a1")).status, 200);

  // Not outside the caller's scope, not the caller's rank, not under a deactivated store.
  EXPECT_EQ(
      Post("/api/console/staff/" + std::to_string(tree_.staff["clerk_b1"]) + "/reactivate", manager)
          .status,
      404);
  EXPECT_EQ(
      Post("/api/console/staff/" + std::to_string(tree_.staff["dealer_b_manager"]) + "/reactivate",
           Token("region1_manager"))
          .status,
      404);
  EXPECT_EQ(Post("/api/console/staff/" + id + "/reactivate", Token("analyst_a")).status, 403);
  const int64_t a2_clerk = NewAccount("clerk_a2", "store_clerk", "store", tree_.store_a2);
  const std::string a2 = std::to_string(a2_clerk);
  ASSERT_EQ(Post("/api/console/staff/" + a2 + "/deactivate", manager).status, 200);
  ASSERT_EQ(
      Post("/api/console/stores/" + std::to_string(tree_.store_a2) + "/deactivate", manager).status,
      200);
  const auto before = RowCounts();
  Reply blocked = Post("/api/console/staff/" + a2 + "/reactivate", manager);
  EXPECT_EQ(blocked.status, 409) << blocked.body;
  EXPECT_EQ(blocked.code(), "PARENT_INACTIVE");
  EXPECT_EQ(RowCounts(), before);
}

TEST_P(ConsoleSessionsTest, BrandAdminsDeactivateEachOtherButNeverTheLastOne) {
  const int64_t second = NewAccount("admin2", "brand_admin", "brand", tree_.brand);
  const std::string& admin = Token("admin");
  const std::string second_session = FreshToken("admin2");
  Reply gone = Post("/api/console/staff/" + std::to_string(second) + "/deactivate", admin);
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(Get("/api/console/me", second_session).code(), "STAFF_DEACTIVATED");
  // Now "admin" is the last one: nobody may deactivate or demote it, not even the operator.
  const int64_t first = tree_.staff["admin"];
  EXPECT_EQ(Post("/api/console/staff/" + std::to_string(first) + "/deactivate", admin).status, 403)
      << "nobody deactivates themselves";
  Result<org::Staff> last = org().staff().Deactivate(org::Actor::System("cli"), first);
  ASSERT_FALSE(last.ok());
  EXPECT_EQ(last.status().reason(), "LAST_BRAND_ADMIN");
  Result<org::Staff> demoted = org().staff().Change(org::Actor::System("cli"), first,
                                                    {"region_manager", "region", tree_.region1});
  ASSERT_FALSE(demoted.ok());
  EXPECT_EQ(demoted.status().reason(), "LAST_BRAND_ADMIN");
  EXPECT_EQ(Get("/api/console/me", admin).status, 200);
  // Brand admins are made by the operator, not promoted from the console.
  Reply promote =
      Patch("/api/console/staff/" + std::to_string(tree_.staff["region1_manager"]), admin,
            R"({"role":"brand_admin","scope":{"type":"brand","id":)" + std::to_string(tree_.brand) +
                "}}");
  EXPECT_EQ(promote.status, 403) << promote.body;
  // Another brand admin can be reactivated by this one.
  EXPECT_EQ(Post("/api/console/staff/" + std::to_string(second) + "/reactivate", admin).status,
            200);
  // Two admins deactivating each other at once: the database lets only one through.
  for (int round = 0; round < 5; ++round) {
    const org::Actor one = org::Actor::ForStaff(
        org::Principal{first, "admin", org::Role::kBrandAdmin, org::NodePath::Brand(tree_.brand)},
        "r", "a");
    const org::Actor two = org::Actor::ForStaff(
        org::Principal{second, "admin2", org::Role::kBrandAdmin, org::NodePath::Brand(tree_.brand)},
        "r", "a");
    std::latch start(2);
    Result<org::Staff> by_one = InternalError("not run");
    Result<org::Staff> by_two = InternalError("not run");
    std::thread a([&] {
      start.arrive_and_wait();
      by_one = org().staff().Deactivate(one, second);
    });
    std::thread b([&] {
      start.arrive_and_wait();
      by_two = org().staff().Deactivate(two, first);
    });
    a.join();
    b.join();
    EXPECT_NE(by_one.ok(), by_two.ok()) << "round " << round << ": " << by_one.status().ToString()
                                        << " / " << by_two.status().ToString();
    const Result<org::Staff>& refused = by_one.ok() ? by_two : by_one;
    EXPECT_EQ(refused.status().reason(), "LAST_BRAND_ADMIN") << refused.status().ToString();
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    Result<std::vector<db::Row>> active = (*conn)->Query(
        "SELECT COUNT(*) FROM staff WHERE role = 'brand_admin' AND active = 1 AND brand_id = ?",
        {db::Value(tree_.brand)});
    ASSERT_TRUE(active.ok());
    EXPECT_EQ((*active)[0].Int(0), 1) << "round " << round;
    // Back to two for the next round.
    const int64_t inactive = by_one.ok() ? second : first;
    ASSERT_TRUE(org().staff().Reactivate(org::Actor::System("test"), inactive).ok());
  }
}

TEST_P(ConsoleSessionsTest, RoleAndScopeChangesAreCheckedLikeCreation) {
  const std::string& manager = Token("dealer_a_manager");
  const std::string clerk = std::to_string(tree_.staff["clerk_a1"]);
  const std::string session = FreshToken("clerk_a1");
  Reply moved = Patch("/api/console/staff/" + clerk, manager,
                      R"({"scope":{"type":"store","id":)" + std::to_string(tree_.store_a2) + "}}");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json["store_id"].GetInt64(), tree_.store_a2);
  EXPECT_EQ(Get("/api/console/me", session).code(), "CREDENTIALS_CHANGED");
  Reply relogin = LoginReply("clerk_a1", kPassword);
  EXPECT_EQ(relogin.json["staff"]["store_id"].GetInt64(), tree_.store_a2);

  Reply analyst = Patch("/api/console/staff/" + clerk, manager, R"({"role":"analyst"})");
  ASSERT_EQ(analyst.status, 200) << analyst.body;
  EXPECT_STREQ(analyst.json["role"].GetString(), "analyst");

  const auto before = RowCounts();
  struct Bad {
    std::string path, body, code;
    int status;
  };
  const std::vector<Bad> bad = {
      {clerk, "{}", "MISSING_FIELD", 400},
      {clerk, R"({"role":"king"})", "INVALID_ROLE", 400},
      {clerk,
       R"({"role":"store_clerk","scope":{"type":"dealer","id":)" + std::to_string(tree_.dealer_a) +
           "}}",
       "INVALID_SCOPE", 400},
      {clerk, R"({"scope":{"type":"store"}})", "MISSING_FIELD", 400},
      // As it would be: the manager's own rank, another dealer's store.
      {clerk,
       R"({"role":"dealer_manager","scope":{"type":"dealer","id":)" +
           std::to_string(tree_.dealer_a) + "}}",
       "PERMISSION_DENIED", 403},
      {clerk, R"({"scope":{"type":"store","id":)" + std::to_string(tree_.store_b1) + "}}",
       "NOT_FOUND", 404},
      // As it is: outside the manager's dealer.
      {std::to_string(tree_.staff["clerk_b1"]), R"({"role":"analyst"})", "NOT_FOUND", 404},
  };
  int64_t denials = 0;
  for (const Bad& b : bad) {
    Reply reply = Patch("/api/console/staff/" + b.path, manager, b.body);
    EXPECT_EQ(reply.status, b.status) << b.body << ": " << reply.body;
    EXPECT_EQ(reply.code(), b.code) << b.body;
    if (b.status == 403 || b.status == 404) ++denials;
  }
  auto expected = before;
  expected["audit_log"] += denials;
  EXPECT_EQ(RowCounts(), expected);
}

TEST_P(ConsoleSessionsTest, PartnersAreDeactivatedAndReactivatedByBrandAdmins) {
  const std::string& admin = Token("admin");
  Reply created =
      Post("/api/console/partners", admin, R"({"name":"Car wash","category":"carwash"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = std::to_string(created.json["partner"]["id"].GetInt64());
  const std::string key_id = created.json["partner"]["api_key_id"].GetString();
  ASSERT_TRUE(org().partners().Credentials(key_id).ok());

  const int64_t audit_before = AuditRows();
  Reply off = Post("/api/console/partners/" + id + "/deactivate", admin);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_FALSE(off.json["active"].GetBool());
  EXPECT_FALSE(Get("/api/console/partners/" + id, admin).json["active"].GetBool());
  // The partner API refuses its requests (PARTNER_INACTIVE, PartnerApiTest).
  Result<org::PartnerCredentials> inactive = org().partners().Credentials(key_id);
  ASSERT_TRUE(inactive.ok()) << inactive.status().ToString();
  EXPECT_FALSE(inactive->partner.active);
  EXPECT_EQ(Post("/api/console/partners/" + id + "/deactivate", admin).status, 200);
  Reply on = Post("/api/console/partners/" + id + "/reactivate", admin);
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_TRUE(on.json["active"].GetBool());
  Result<org::PartnerCredentials> opened = org().partners().Credentials(key_id);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_TRUE(opened->partner.active);
  ASSERT_EQ(opened->secrets.size(), 1u);
  EXPECT_EQ(opened->secrets[0].secret, created.json["secret"].GetString());
  EXPECT_EQ(AuditRows(), audit_before + 3);
  Reply audit = Get("/api/console/audit?page_size=3", admin);
  EXPECT_STREQ(audit.json["items"][0]["action"].GetString(), "partner.reactivate");
  EXPECT_STREQ(audit.json["items"][2]["action"].GetString(), "partner.deactivate");
  EXPECT_EQ(audit.json["items"][2]["object_id"].GetInt64(), std::stoll(id));

  // An analyst reads partners but may not change them; unknown partners are not found.
  const std::string& analyst = Token("analyst_brand");
  const auto before = RowCounts();
  EXPECT_EQ(Post("/api/console/partners/" + id + "/deactivate", analyst).status, 403);
  EXPECT_EQ(Post("/api/console/partners/999999/deactivate", admin).code(), "NOT_FOUND");
  EXPECT_EQ(Post("/api/console/partners/x/deactivate", admin).code(), "INVALID_ID");
  auto expected = before;
  expected["audit_log"] += 2;  // the analyst's denial and the admin's 404
  EXPECT_EQ(RowCounts(), expected);
  EXPECT_TRUE(org().partners().Credentials(key_id).ok());
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleSessionsTest);

}  // namespace
}  // namespace mileage::testing
