// The signed partner API (docs/API.md "Partner API") and the console's partner secret rotation,
// over HTTP against a real server, on SQLite (in-process Kv) and MariaDB + Redis. Requests are
// signed here from the doc's rule with the crypto primitives, not with org/partner_signature.h.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "tests/integration/console/partner_fixture.h"

namespace mileage::testing {
namespace {

using PartnerApiTest = PartnerTest;

TEST_P(PartnerApiTest, ASignedRequestGetsThePartnerAndNoSecret) {
  const TestPartner p = CreatePartner("Park Co");
  Reply me = SendSigned(Call(p, p.secret));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["id"].GetInt64(), p.id);
  EXPECT_STREQ(me.json["name"].GetString(), "Park Co");
  EXPECT_STREQ(me.json["category"].GetString(), "parking");
  EXPECT_EQ(me.json["brand_id"].GetInt64(), tree_.brand);
  EXPECT_EQ(me.json["api_key_id"].GetString(), p.key);
  EXPECT_EQ(me.body.find(p.secret), std::string::npos);

  // A body is signed as sent; the server saw exactly those bytes.
  const std::string body = R"({"request_id":"r-1","amount_fen":35000})";
  Reply checked =
      SendSigned(Call(p, p.secret, "POST", "/api/partner/v1/signature-check?x=1", body));
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_EQ(checked.json["partner_id"].GetInt64(), p.id);
  EXPECT_EQ(checked.json["body_bytes"].GetInt64(), static_cast<int64_t>(body.size()));
  EXPECT_EQ(checked.json["body_sha256"].GetString(), crypto::HexEncode(crypto::Sha256(body)));
}

TEST_P(PartnerApiTest, MissingAndMalformedHeadersAreRefusedBeforeAnyLookup) {
  const TestPartner p = CreatePartner("Park Co");
  const SignedCall good = Call(p, p.secret);
  for (std::string SignedCall::*field :
       {&SignedCall::key, &SignedCall::timestamp, &SignedCall::nonce, &SignedCall::signature}) {
    SignedCall missing = good;
    missing.*field = "";
    ExpectRefused(missing, "MISSING_SIGNATURE_HEADER", "a missing header");
  }
  struct Bad {
    std::string SignedCall::*field;
    std::string value;
  };
  const std::vector<Bad> bad = {
      {&SignedCall::key, "pk_0123"},
      {&SignedCall::key, "pk_0123456789ABCDEF"},
      {&SignedCall::key, "sk_0123456789abcdef"},
      {&SignedCall::timestamp, "-1"},
      {&SignedCall::timestamp, "17672256.00"},
      {&SignedCall::timestamp, "1234567890123"},
      {&SignedCall::nonce, "short-nonce"},
      {&SignedCall::nonce, std::string(65, 'a')},
      {&SignedCall::nonce, "nonce with spaces!!"},
      {&SignedCall::signature, crypto::AsciiUpper(good.signature)},
      {&SignedCall::signature, good.signature.substr(1)},
  };
  for (const Bad& b : bad) {
    SignedCall call = good;
    call.*(b.field) = b.value;
    ExpectRefused(call, "MALFORMED_SIGNATURE_HEADER", b.value);
  }
  // A header sent twice.
  const auto before = RowCounts();
  Reply twice = SendSigned(good, {{"Mileage-Nonce", "another-nonce-0001"}});
  EXPECT_EQ(twice.status, 401);
  EXPECT_EQ(twice.code(), "MALFORMED_SIGNATURE_HEADER");
  EXPECT_EQ(RowCounts(), before);
  // None of these spent the nonce.
  EXPECT_EQ(SendSigned(good).status, 200);
}

TEST_P(PartnerApiTest, TimestampsMoreThanFiveMinutesAwayAreRefused) {
  const TestPartner p = CreatePartner("Park Co");
  const int64_t now = UnixSeconds(clock_.Now());
  for (int64_t offset : {-301, 301, -100000, 100000}) {
    SignedCall c = Call(p, p.secret);
    c.timestamp = std::to_string(now + offset);
    c.signature = Signature(p.secret, c);
    ExpectRefused(c, "TIMESTAMP_SKEW", "offset " + std::to_string(offset));
  }
  for (int64_t offset : {-300, 300}) {
    SignedCall c = Call(p, p.secret);
    c.timestamp = std::to_string(now + offset);
    c.signature = Signature(p.secret, c);
    EXPECT_EQ(SendSigned(c).status, 200) << "offset " << offset;
  }
}

TEST_P(PartnerApiTest, AChangedRequestOrAnotherKeyIsRefused) {
  const TestPartner p = CreatePartner("Park Co");
  const TestPartner other = CreatePartner("Other Co");
  const std::string body = R"({"amount_fen":100})";
  const SignedCall signed_post =
      Call(p, p.secret, "POST", "/api/partner/v1/signature-check?a=1&b=2", body);
  SignedCall tampered = signed_post;
  tampered.body = R"({"amount_fen":900})";
  ExpectRefused(tampered, "SIGNATURE_INVALID", "tampered body");
  tampered = signed_post;
  tampered.target = "/api/partner/v1/signature-check?a=1&b=3";
  ExpectRefused(tampered, "SIGNATURE_INVALID", "tampered query");
  tampered.target = "/api/partner/v1/signature-check?b=2&a=1";
  ExpectRefused(tampered, "SIGNATURE_INVALID", "reordered query");
  // A signature made for another path, sent to this one.
  SignedCall path = Call(p, p.secret, "GET", "/api/partner/v1/reports");
  path.target = "/api/partner/v1/me";
  ExpectRefused(path, "SIGNATURE_INVALID", "tampered path");
  SignedCall timestamp = Call(p, p.secret);
  timestamp.timestamp = std::to_string(std::stoll(timestamp.timestamp) - 1);
  ExpectRefused(timestamp, "SIGNATURE_INVALID", "a changed timestamp");
  ExpectRefused(Call(p, other.secret), "SIGNATURE_INVALID", "another partner's secret");
  SignedCall unknown = Call(p, p.secret);
  unknown.key = "pk_00000000000000ff";
  unknown.signature = Signature(p.secret, unknown);
  ExpectRefused(unknown, "UNKNOWN_KEY", "an unknown key");
  // The untouched request still passes: nothing above spent its nonce.
  EXPECT_EQ(SendSigned(signed_post).status, 200);
}

TEST_P(PartnerApiTest, ANonceIsAcceptedOnceAndOnlyASignedRequestSpendsIt) {
  const TestPartner p = CreatePartner("Park Co");
  const TestPartner other = CreatePartner("Other Co");
  const SignedCall call = Call(p, p.secret);
  SignedCall forged = call;
  forged.signature = Signature(other.secret, call);
  ExpectRefused(forged, "SIGNATURE_INVALID", "forged with the nonce first");
  ASSERT_EQ(SendSigned(call).status, 200);
  ExpectRefused(call, "NONCE_REUSED", "the replay");
  // Nonces are per partner: another partner may use the same one.
  SignedCall same_nonce = Call(other, other.secret);
  same_nonce.nonce = call.nonce;
  same_nonce.signature = Signature(other.secret, same_nonce);
  EXPECT_EQ(SendSigned(same_nonce).status, 200);
  // Once the window has passed, the replay is stale.
  clock_.Advance(std::chrono::seconds(301));
  ExpectRefused(call, "TIMESTAMP_SKEW", "the replay later");
}

TEST_P(PartnerApiTest, ADeactivatedPartnerIsRefusedOnlyWhenItsSignatureHolds) {
  const TestPartner p = CreatePartner("Park Co");
  const std::string admin = Token("admin");
  ASSERT_EQ(Post("/api/console/partners/" + std::to_string(p.id) + "/deactivate", admin).status,
            200);
  const SignedCall call = Call(p, p.secret);
  ExpectRefused(call, "PARTNER_INACTIVE", "deactivated");
  SignedCall forged = Call(p, std::string(64, 'a'));
  ExpectRefused(forged, "SIGNATURE_INVALID", "deactivated, without the secret");
  ASSERT_EQ(Post("/api/console/partners/" + std::to_string(p.id) + "/reactivate", admin).status,
            200);
  EXPECT_EQ(SendSigned(call).status, 200) << "the refused request did not spend its nonce";
}

TEST_P(PartnerApiTest, RotationKeepsBothSecretsUntilTheOldOneIsRetired) {
  const TestPartner p = CreatePartner("Park Co");
  const std::string admin = Token("admin");
  const std::string base = "/api/console/partners/" + std::to_string(p.id);
  const int64_t audit_before = AuditRows();
  Reply rotated = Post(base + "/secrets", admin);
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  const std::string new_secret = rotated.json["secret"].GetString();
  const int64_t new_id = rotated.json["secret_id"].GetInt64();
  EXPECT_EQ(new_secret.size(), 64u);
  EXPECT_NE(new_secret, p.secret);
  ASSERT_EQ(rotated.json["partner"]["secrets"].Size(), 2u);
  EXPECT_EQ(rotated.json["partner"]["secrets"][1]["id"].GetInt64(), new_id);
  // During the overlap both secrets sign.
  EXPECT_EQ(SendSigned(Call(p, p.secret)).status, 200);
  EXPECT_EQ(SendSigned(Call(p, new_secret)).status, 200);

  auto before = RowCounts();
  Reply third = Post(base + "/secrets", admin);
  EXPECT_EQ(third.status, 409);
  EXPECT_EQ(third.code(), "TOO_MANY_PARTNER_SECRETS");
  EXPECT_EQ(RowCounts(), before);

  Reply retired = Post(base + "/secrets/" + std::to_string(p.secret_id) + "/retire", admin);
  ASSERT_EQ(retired.status, 200) << retired.body;
  ExpectRefused(Call(p, p.secret), "SIGNATURE_INVALID", "the retired secret");
  EXPECT_EQ(SendSigned(Call(p, new_secret)).status, 200);
  EXPECT_EQ(Post(base + "/secrets/" + std::to_string(p.secret_id) + "/retire", admin).status, 200)
      << "idempotent";

  // The partner shows its secrets' ids and times, never a secret.
  Reply read = Get(base, admin);
  ASSERT_EQ(read.status, 200);
  ASSERT_EQ(read.json["secrets"].Size(), 2u);
  EXPECT_EQ(read.json["secrets"][0]["id"].GetInt64(), p.secret_id);
  EXPECT_TRUE(read.json["secrets"][0]["retired_at"].IsString());
  EXPECT_TRUE(read.json["secrets"][1]["retired_at"].IsNull());
  for (const std::string& secret : {p.secret, new_secret}) {
    EXPECT_EQ(read.body.find(secret), std::string::npos);
    EXPECT_EQ(retired.body.find(secret), std::string::npos);
  }
  // The retired secret's sealed value is gone.
  Result<db::PooledConnection> conn = server_->app().db().Acquire();
  ASSERT_TRUE(conn.ok());
  Result<std::vector<db::Row>> sealed = (*conn)->Query(
      "SELECT secret_sealed FROM partner_secrets WHERE id = ?", {db::Value(p.secret_id)});
  ASSERT_TRUE(sealed.ok() && sealed->size() == 1u);
  EXPECT_EQ((*sealed)[0].Text(0), "");

  before = RowCounts();
  Reply last = Post(base + "/secrets/" + std::to_string(new_id) + "/retire", admin);
  EXPECT_EQ(last.status, 409);
  EXPECT_EQ(last.code(), "LAST_PARTNER_SECRET");
  Reply unknown = Post(base + "/secrets/999999/retire", admin);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.code(), "PARTNER_SECRET_NOT_FOUND");
  EXPECT_EQ(Post(base + "/secrets/x/retire", admin).code(), "INVALID_ID");
  ++before["audit_log"];  // the 404 is recorded as a denied write, as every 404 of a write is
  EXPECT_EQ(RowCounts(), before);
  EXPECT_EQ(SendSigned(Call(p, new_secret)).status, 200);

  // Audited: the rotation, the two retirements (the idempotent one says so) and the denied 404.
  Reply audit = Get("/api/console/audit?page_size=4", admin);
  ASSERT_EQ(audit.status, 200);
  EXPECT_STREQ(audit.json["items"][0]["outcome"].GetString(), "denied");
  EXPECT_STREQ(audit.json["items"][1]["action"].GetString(), "partner.secret_retire");
  EXPECT_STREQ(audit.json["items"][1]["outcome"].GetString(), "ok");
  EXPECT_NE(std::string(audit.json["items"][1]["detail"].GetString()).find("already retired"),
            std::string::npos);
  EXPECT_STREQ(audit.json["items"][2]["action"].GetString(), "partner.secret_retire");
  EXPECT_STREQ(audit.json["items"][3]["action"].GetString(), "partner.secret_rotate");
  EXPECT_EQ(audit.json["items"][3]["object_id"].GetInt64(), p.id);
  EXPECT_EQ(AuditRows(), audit_before + 4);
  EXPECT_EQ(audit.body.find(new_secret), std::string::npos);
}

// The server keeps a partner's opened secrets for PartnerService::kCredentialsTtl; a change
// made through this server still applies to the very next request, although every step below
// starts with the partner's credentials cached by a request that passed.
TEST_P(PartnerApiTest, ChangesThroughThisServerApplyAtOnceDespiteTheCachedCredentials) {
  const TestPartner p = CreatePartner("Park Co");
  const std::string admin = Token("admin");
  const std::string base = "/api/console/partners/" + std::to_string(p.id);
  ASSERT_EQ(SendSigned(Call(p, p.secret)).status, 200);

  Reply rotated = Post(base + "/secrets", admin);
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  const std::string new_secret = rotated.json["secret"].GetString();
  EXPECT_EQ(SendSigned(Call(p, new_secret)).status, 200) << "the new secret signs at once";
  EXPECT_EQ(SendSigned(Call(p, p.secret)).status, 200);

  ASSERT_EQ(Post(base + "/secrets/" + std::to_string(p.secret_id) + "/retire", admin).status, 200);
  ExpectRefused(Call(p, p.secret), "SIGNATURE_INVALID", "the secret retired a moment ago");
  ASSERT_EQ(SendSigned(Call(p, new_secret)).status, 200);

  ASSERT_EQ(Post(base + "/deactivate", admin).status, 200);
  ExpectRefused(Call(p, new_secret), "PARTNER_INACTIVE", "deactivated a moment ago");
  ASSERT_EQ(Post(base + "/reactivate", admin).status, 200);
  EXPECT_EQ(SendSigned(Call(p, new_secret)).status, 200) << "reactivated a moment ago";
}

// A change this server did not make (another instance's, here written straight to the
// database) applies once the cached credentials are older than kCredentialsTtl.
TEST_P(PartnerApiTest, AChangeByAnotherInstanceAppliesWithinTheCacheTtl) {
  const TestPartner p = CreatePartner("Park Co");
  auto set_active = [&](int64_t active) {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)
                    ->Exec("UPDATE partners SET active = ? WHERE id = ?",
                           {db::Value(active), db::Value(p.id)})
                    .ok());
  };
  ASSERT_EQ(SendSigned(Call(p, p.secret)).status, 200);
  set_active(0);
  clock_.Advance(org::PartnerService::kCredentialsTtl);
  ExpectRefused(Call(p, p.secret), "PARTNER_INACTIVE", "deactivated by another instance");
  set_active(1);
  clock_.Advance(org::PartnerService::kCredentialsTtl);
  EXPECT_EQ(SendSigned(Call(p, p.secret)).status, 200) << "reactivated by another instance";
}

TEST_P(PartnerApiTest, OnlyBrandAdminsRotateAndRetireAndOnlyTheirBrandsPartners) {
  const TestPartner p = CreatePartner("Park Co");
  const std::string base = "/api/console/partners/" + std::to_string(p.id);
  const std::vector<std::string> callers = {"analyst_brand", "region1_manager", "clerk_a1"};
  for (const std::string& caller : callers) Token(caller);  // logins are audited too
  auto before = RowCounts();
  for (const std::string& caller : callers) {
    EXPECT_EQ(Post(base + "/secrets", Token(caller)).code(), "PERMISSION_DENIED") << caller;
    EXPECT_EQ(
        Post(base + "/secrets/" + std::to_string(p.secret_id) + "/retire", Token(caller)).code(),
        "PERMISSION_DENIED")
        << caller;
  }
  EXPECT_EQ(Post("/api/console/partners/999999/secrets", Token("admin")).code(), "NOT_FOUND");
  auto expected = before;
  expected["audit_log"] += 7;  // six denials and the admin's 404, each recorded as denied
  EXPECT_EQ(RowCounts(), expected);
  EXPECT_EQ(SendSigned(Call(p, p.secret)).status, 200);
}

TEST_P(PartnerApiTest, OfConcurrentCopiesOfOneSignedRequestExactlyOnePasses) {
  const TestPartner p = CreatePartner("Park Co");
  const SignedCall call = Call(p, p.secret);
  constexpr int kThreads = 16;
  std::atomic<int> ok{0}, reused{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      httplib::Headers headers = {{"Mileage-Partner-Key", call.key},
                                  {"Mileage-Timestamp", call.timestamp},
                                  {"Mileage-Nonce", call.nonce},
                                  {"Mileage-Signature", call.signature}};
      httplib::Result res = server_->Client()->Get(call.target, headers);
      if (res && res->status == 200) {
        ++ok;
      } else if (res && res->status == 401 &&
                 res->body.find("\"NONCE_REUSED\"") != std::string::npos) {
        ++reused;
      } else {
        ++other;
      }
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(reused.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_P(PartnerApiTest, EveryPartnerRouteGoesThroughThePartnerRouter) {
  std::set<std::pair<std::string, std::string>> through_router;
  for (const server::PartnerRouteInfo& route : server_->app().partner_api().routes()) {
    through_router.insert({route.method, route.path_template});
  }
  int partner_routes = 0;
  for (const server::RouteInfo& route : server_->app().http().routes()) {
    if (route.path_template.rfind("/api/partner/", 0) != 0) continue;
    ++partner_routes;
    EXPECT_EQ(through_router.count({route.method, route.path_template}), 1u)
        << route.method << " " << route.path_template << " bypassed the PartnerRouter";
    SignedCall unsigned_call{route.method, route.path_template, "", "", "", "{}", ""};
    ExpectRefused(unsigned_call, "MISSING_SIGNATURE_HEADER", route.path_template);
  }
  EXPECT_EQ(partner_routes, static_cast<int>(through_router.size()));
  EXPECT_GE(partner_routes, 2);
}

MILEAGE_CONSOLE_TEST_SUITE(PartnerApiTest);

}  // namespace
}  // namespace mileage::testing
