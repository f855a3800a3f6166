#pragma once

#include <atomic>
#include <cstdio>
#include <string>

#include "crypto/data_key.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "members/member_codes.h"
#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {

// A partner as the console created it.
struct TestPartner {
  int64_t id = 0;
  std::string key;
  std::string secret;
  int64_t secret_id = 0;
};

// What one signed request sends; Signature() computes the signature from the other fields.
struct SignedCall {
  std::string method = "GET";
  std::string target = "/api/partner/v1/me";
  std::string key;
  std::string timestamp;
  std::string nonce;
  std::string body;
  std::string signature;
};

// The console test with partners that sign their requests as docs/API.md "Partner API" says,
// from the doc's rule with the crypto primitives (not org/partner_signature.h). Calls are safe
// from several threads (nonces come from an atomic counter).
class PartnerTest : public ConsoleTest {
 protected:
  TestPartner CreatePartner(const std::string& name, const std::string& category = "parking") {
    Reply created = Post("/api/console/partners", Token("admin"),
                         R"({"name":")" + name + R"(","category":")" + category + R"("})");
    EXPECT_EQ(created.status, 201) << created.body;
    if (created.status != 201) return {};
    return {created.json["partner"]["id"].GetInt64(),
            created.json["partner"]["api_key_id"].GetString(), created.json["secret"].GetString(),
            created.json["secret_id"].GetInt64()};
  }

  // The member's owner-card code, made as the card makes it (valid while the clock stands).
  std::string Code(int64_t member, int64_t brand = 0) {
    Result<crypto::DataKey> key = crypto::DataKey::FromHex(kDataKey);
    EXPECT_TRUE(key.ok());
    OsRandom random;
    members::MemberCodes codes(*key, random);
    Result<members::MemberCode> code =
        codes.Mint(brand == 0 ? tree_.brand : brand, member, UnixSeconds(clock_.Now()));
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    return code.ok() ? code->token : "";
  }

  std::string NewNonce() {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "test-nonce-%08d", ++nonces_);
    return buffer;
  }

  static std::string Signature(const std::string& secret, const SignedCall& c) {
    const std::string canonical =
        c.method + "\n" + c.target + "\n" + c.timestamp + "\n" + c.nonce + "\n" + c.body;
    return crypto::HexEncode(crypto::HmacSha256(secret, canonical));
  }

  // A request of `partner` signed with `secret`, now, with a fresh nonce.
  SignedCall Call(const TestPartner& partner, const std::string& secret,
                  const std::string& method = "GET",
                  const std::string& target = "/api/partner/v1/me", const std::string& body = "") {
    SignedCall c{method,     target, partner.key, std::to_string(UnixSeconds(clock_.Now())),
                 NewNonce(), body,   ""};
    c.signature = Signature(secret, c);
    return c;
  }

  Reply SendSigned(const SignedCall& c, const httplib::Headers& extra = {}) {
    httplib::Headers headers = extra;
    if (!c.key.empty()) headers.emplace("Mileage-Partner-Key", c.key);
    if (!c.timestamp.empty()) headers.emplace("Mileage-Timestamp", c.timestamp);
    if (!c.nonce.empty()) headers.emplace("Mileage-Nonce", c.nonce);
    if (!c.signature.empty()) headers.emplace("Mileage-Signature", c.signature);
    std::unique_ptr<httplib::Client> client = server_->Client();
    httplib::Result res = c.method == "POST"
                              ? client->Post(c.target, headers, c.body, "application/json")
                              : client->Get(c.target, headers);
    Reply reply;
    if (!res) {
      ADD_FAILURE() << c.method << " " << c.target << ": no answer";
      return reply;
    }
    reply.status = res->status;
    reply.body = res->body;
    if (!reply.body.empty()) reply.json.Parse(reply.body.c_str());
    return reply;
  }

  // A signed POST of `body` to `target` by `partner` with its secret.
  Reply PartnerPost(const TestPartner& partner, const std::string& target,
                    const std::string& body) {
    return SendSigned(Call(partner, partner.secret, "POST", target, body));
  }

  // Expects a 401 with `code` and nothing written anywhere.
  void ExpectRefused(const SignedCall& c, const std::string& code, const std::string& what) {
    const auto before = RowCounts();
    Reply reply = SendSigned(c);
    EXPECT_EQ(reply.status, 401) << what << ": " << reply.body;
    EXPECT_EQ(reply.code(), code) << what << ": " << reply.body;
    EXPECT_EQ(RowCounts(), before) << what;
  }

  std::atomic<int> nonces_{0};
};

}  // namespace mileage::testing
