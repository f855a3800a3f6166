// Login limits over HTTP (docs/API.md "POST /api/console/login", docs/OPERATIONS.md "Login
// limits"): an address that guesses wrong waits longer and longer for that account while the
// real user logs in from elsewhere; an account under attack from many addresses stays open
// to the addresses it logs in from; the client address comes from trusted proxies only; and
// usernames are per brand, so one brand never learns another's.
#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::seconds;

constexpr const char* kWrong = "wrong-password-1";

class ConsoleLoginTest : public ConsoleTest {
 protected:
  // Limits small enough to reach in a test; the other limits stay out of the way.
  static org::LoginLimits Limits() {
    org::LoginLimits limits;
    limits.per_address = 1000;
    limits.free_failures = 3;
    limits.first_backoff = seconds(30);
    limits.max_backoff = seconds(120);
    limits.per_account = 1000;
    return limits;
  }

  // The Retry-After of a 429 (-1 when absent or not a number).
  static int64_t RetryAfter(const httplib::Headers& headers) {
    auto it = headers.find("Retry-After");
    if (it == headers.end() || it->second.empty()) return -1;
    for (char c : it->second) {
      if (c < '0' || c > '9') return -1;
    }
    return std::stoll(it->second);
  }

  int64_t NowSeconds() const { return UnixSeconds(clock_.Now()); }

  // Expects a 429 RATE_LIMITED with Retry-After `seconds`.
  void ExpectLimited(const std::string& from, const std::string& username,
                     const std::string& password, int64_t retry_after) {
    httplib::Headers headers;
    Reply reply = LoginFrom(from, username, password, std::nullopt, &headers);
    EXPECT_EQ(reply.status, 429) << from << " " << username << ": " << reply.body;
    EXPECT_EQ(reply.code(), "RATE_LIMITED") << reply.body;
    EXPECT_EQ(RetryAfter(headers), retry_after) << from << " " << username;
  }
};

TEST_P(ConsoleLoginTest, WrongPasswordsFromOneAddressLockOnlyThatAddressWithGrowingWaits) {
  StartServer(Limits());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(LoginFrom("127.0.0.2", "clerk_a1", kWrong).code(), "INVALID_CREDENTIALS") << i;
  }
  // The attacker's address waits 30 s, even with the right password, which it cannot tell.
  ExpectLimited("127.0.0.2", "clerk_a1", kWrong, 30);
  ExpectLimited("127.0.0.2", "clerk_a1", kPassword, 30);
  ExpectLimited("127.0.0.2", "CLERK_A1", kPassword, 30);  // the account, not the spelling
  // The real user, elsewhere, is not affected.
  Reply real = LoginFrom("127.0.0.3", "clerk_a1", kPassword);
  ASSERT_EQ(real.status, 200) << real.body;
  ASSERT_EQ(Get("/api/console/me", real.json["token"].GetString()).status, 200);
  // Nor are other accounts from the attacker's address.
  EXPECT_EQ(LoginFrom("127.0.0.2", "clerk_b1", kPassword).status, 200);

  // Each further failure doubles the wait: 60 s, then 120 s (the cap), then 120 s again.
  clock_.Advance(seconds(29));
  ExpectLimited("127.0.0.2", "clerk_a1", kWrong, 1);
  clock_.Advance(seconds(1));
  EXPECT_EQ(LoginFrom("127.0.0.2", "clerk_a1", kWrong).code(), "INVALID_CREDENTIALS");
  ExpectLimited("127.0.0.2", "clerk_a1", kWrong, 60);
  clock_.Advance(seconds(60));
  EXPECT_EQ(LoginFrom("127.0.0.2", "clerk_a1", kWrong).code(), "INVALID_CREDENTIALS");
  ExpectLimited("127.0.0.2", "clerk_a1", kWrong, 120);
  clock_.Advance(seconds(120));
  EXPECT_EQ(LoginFrom("127.0.0.2", "clerk_a1", kWrong).code(), "INVALID_CREDENTIALS");
  ExpectLimited("127.0.0.2", "clerk_a1", kWrong, 120);

  // A success after the wait clears the address's failures: the next mistake is free again.
  clock_.Advance(seconds(120));
  EXPECT_EQ(LoginFrom("127.0.0.2", "clerk_a1", kPassword).status, 200);
  EXPECT_EQ(LoginFrom("127.0.0.2", "clerk_a1", kWrong).code(), "INVALID_CREDENTIALS");
  EXPECT_EQ(LoginFrom("127.0.0.2", "clerk_a1", kPassword).status, 200);
}

TEST_P(ConsoleLoginTest, UnknownUsernamesAreThrottledLikeKnownOnes) {
  StartServer(Limits());
  for (const char* username : {"nobody_here", "clerk_a1"}) {
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(LoginFrom("127.0.0.2", username, kWrong).code(), "INVALID_CREDENTIALS");
    }
    ExpectLimited("127.0.0.2", username, kWrong, 30);
  }
}

TEST_P(ConsoleLoginTest, AnAccountPastItsCeilingStaysOpenToTheAddressesItLogsInFrom) {
  org::LoginLimits limits = Limits();
  limits.per_account = 5;
  limits.account_window = seconds(3600);
  StartServer(limits);
  ASSERT_EQ(LoginFrom("127.0.0.3", "clerk_a1", kPassword).status, 200);  // the user's address
  // A botnet: one guess from each of many addresses, no address reaching its own limit.
  for (int host = 10; host < 15; ++host) {
    EXPECT_EQ(LoginFrom("127.0.0." + std::to_string(host), "clerk_a1", kWrong).code(),
              "INVALID_CREDENTIALS");
  }
  // The ceiling is reached: new addresses wait until the hour ends, right password or not.
  const int64_t hour_left = 3600 - NowSeconds() % 3600;
  ExpectLimited("127.0.0.15", "clerk_a1", kWrong, hour_left);
  ExpectLimited("127.0.0.16", "clerk_a1", kPassword, hour_left);
  // The real user's address still logs in, and other accounts are not affected.
  EXPECT_EQ(LoginFrom("127.0.0.3", "clerk_a1", kPassword).status, 200);
  EXPECT_EQ(LoginFrom("127.0.0.15", "clerk_b1", kPassword).status, 200);
  // The next hour is a new window.
  clock_.Advance(seconds(hour_left));
  EXPECT_EQ(LoginFrom("127.0.0.16", "clerk_a1", kPassword).status, 200);
}

TEST_P(ConsoleLoginTest, EveryAttemptFromAnAddressCountsAgainstItsLimit) {
  org::LoginLimits limits = Limits();
  limits.per_address = 3;
  limits.address_window = seconds(900);
  StartServer(limits);
  EXPECT_EQ(LoginFrom("127.0.0.2", "clerk_a1", kPassword).status, 200);
  EXPECT_EQ(LoginFrom("127.0.0.2", "clerk_b1", kWrong).status, 401);
  EXPECT_EQ(LoginFrom("127.0.0.2", "nobody_here", kWrong).status, 401);
  const int64_t window_left = 900 - NowSeconds() % 900;
  ExpectLimited("127.0.0.2", "analyst_a", kPassword, window_left);
  EXPECT_EQ(LoginFrom("127.0.0.3", "analyst_a", kPassword).status, 200);
  clock_.Advance(seconds(window_left));
  EXPECT_EQ(LoginFrom("127.0.0.2", "analyst_a", kPassword).status, 200);
}

TEST_P(ConsoleLoginTest, TheClientAddressComesFromTrustedProxiesOnly) {
  config_.trusted_proxies = {"127.0.0.4"};
  StartServer(Limits());
  const std::string admin = Token("admin");  // before the logins the audit check looks at
  const auto via_proxy = [](const std::string& client) {
    return httplib::Headers{{"X-Forwarded-For", client}};
  };
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        LoginFrom("127.0.0.4", "clerk_a1", kWrong, std::nullopt, nullptr, via_proxy("198.51.100.7"))
            .status,
        401);
  }
  httplib::Headers headers;
  Reply limited = LoginFrom("127.0.0.4", "clerk_a1", kPassword, std::nullopt, &headers,
                            via_proxy("198.51.100.7"));
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(RetryAfter(headers), 30);
  // Another client behind the same proxy is another address.
  Reply other = LoginFrom("127.0.0.4", "clerk_a1", kPassword, std::nullopt, nullptr,
                          via_proxy("198.51.100.8"));
  ASSERT_EQ(other.status, 200) << other.body;
  // A client that is not a proxy cannot borrow an address by sending the header.
  EXPECT_EQ(LoginFrom("127.0.0.5", "clerk_a1", kPassword, std::nullopt, nullptr,
                      via_proxy("198.51.100.7"))
                .status,
            200);
  // The audit log names the address the proxy saw.
  Reply audit = Get("/api/console/audit?page_size=2", admin);
  ASSERT_EQ(audit.status, 200) << audit.body;
  ASSERT_EQ(audit.json["items"].Size(), 2u);
  EXPECT_STREQ(audit.json["items"][0]["action"].GetString(), "session.login");
  EXPECT_STREQ(audit.json["items"][0]["client_address"].GetString(), "127.0.0.5");
  EXPECT_STREQ(audit.json["items"][1]["action"].GetString(), "session.login");
  EXPECT_STREQ(audit.json["items"][1]["client_address"].GetString(), "198.51.100.8");
}

TEST_P(ConsoleLoginTest, UsernamesArePerBrandAndNeverRevealAnotherBrands) {
  const org::Actor op = org::Actor::System("test");
  Result<org::Node> brand2 = org().hierarchy().CreateBrand(op, "Brand 2");
  ASSERT_TRUE(brand2.ok()) << brand2.status().ToString();
  const int64_t b2 = brand2->path.id();
  Result<org::Staff> admin2 = org().staff().Create(
      op, org::NewStaff{"admin", "other-pass-word", "brand_admin", "brand", b2});
  ASSERT_TRUE(admin2.ok()) << admin2.status().ToString();

  // The same username in two brands: the login names its brand (default: the first brand).
  Reply first = LoginFrom("127.0.0.2", "admin", kPassword);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json["staff"]["id"].GetInt64(), tree_.staff["admin"]);
  Reply second = LoginFrom("127.0.0.2", "admin", "other-pass-word", b2);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json["staff"]["id"].GetInt64(), admin2->id);
  EXPECT_EQ(second.json["staff"]["brand_id"].GetInt64(), b2);
  // Each password opens only its own brand's account; an unknown brand is a wrong login.
  EXPECT_EQ(LoginFrom("127.0.0.2", "admin", "other-pass-word").code(), "INVALID_CREDENTIALS");
  EXPECT_EQ(LoginFrom("127.0.0.2", "admin", kPassword, b2).code(), "INVALID_CREDENTIALS");
  EXPECT_EQ(LoginFrom("127.0.0.2", "admin", kPassword, 999999).code(), "INVALID_CREDENTIALS");
  EXPECT_EQ(
      Post("/api/console/login", "", R"({"username":"admin","password":"x","brand_id":0})").code(),
      "INVALID_ID");
  EXPECT_EQ(Post("/api/console/login", "", R"({"username":"admin","password":"x","brand_id":"1"})")
                .code(),
            "INVALID_ID");

  // Brand 2's admin creates every username brand 1 uses: nothing says they exist elsewhere.
  const std::string token2 = second.json["token"].GetString();
  Reply region = Post("/api/console/regions", token2, R"({"name":"R"})");
  ASSERT_EQ(region.status, 201) << region.body;
  const std::string region_id = std::to_string(region.json["id"].GetInt64());
  for (const auto& [username, id] : tree_.staff) {
    if (username == "admin") continue;
    Reply created =
        Post("/api/console/staff", token2,
             R"({"username":")" + username +
                 R"(","password":"pass-word-789","role":"analyst","scope":{"type":"region","id":)" +
                 region_id + "}}");
    EXPECT_EQ(created.status, 201) << username << ": " << created.body;
  }
  // Within a brand a name is taken once (and saying so tells the brand nothing new).
  Reply taken = Post("/api/console/staff", token2,
                     R"({"username":"clerk_a1","password":"pass-word-789","role":"analyst",)"
                     R"("scope":{"type":"region","id":)" +
                         region_id + "}}");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(taken.code(), "USERNAME_EXISTS");
  // Brand 1's accounts are untouched and still log in by default.
  EXPECT_EQ(LoginFrom("127.0.0.3", "clerk_a1", kPassword).status, 200);
  EXPECT_EQ(LoginFrom("127.0.0.3", "clerk_a1", "pass-word-789", b2).status, 200);
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleLoginTest);

}  // namespace
}  // namespace mileage::testing
