// The partner API's request signature (docs/API.md "Partner API"). The expected values were
// computed once with `openssl dgst -sha256 -hmac <secret>` over the canonical strings, not with
// the code under test, and are the ones the doc's worked examples show.
#include "org/partner_signature.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace mileage::org {
namespace {

constexpr const char* kSecret = "5f2b8c0d4e6a1b3c7d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e";

struct WorkedExample {
  const char* method;
  const char* path_and_query;
  const char* timestamp;
  const char* nonce;
  const char* body;
  const char* signature;
};

constexpr WorkedExample kExamples[] = {
    {"GET", "/api/partner/v1/me", "1767225600", "3f9c2a7e1b8d4f60a5c3e9d1", "",
     "e8492477bc9250a99603399bd63fb6891dbeff2d01cdd47ed29ca46f6b8051ec"},
    {"POST", "/api/partner/v1/earnings?channel=pos", "1767225600", "q7Z_2kLm-9xYt4Rw8vNp",
     R"({"request_id":"r-1001","amount_fen":35000})",
     "d7cae8510d79163deac30db7c684b9b8dc124809ceb38e6401b29fe4e3f0ac58"},
};

std::string ApiDoc() {
  std::ifstream in(MILEAGE_API_DOC);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(PartnerSignatureTest, TheDocsWorkedExamplesSignAsTheDocSays) {
  const std::string doc = ApiDoc();
  ASSERT_FALSE(doc.empty()) << MILEAGE_API_DOC;
  for (const WorkedExample& e : kExamples) {
    const std::string canonical =
        PartnerCanonicalString(e.method, e.path_and_query, e.timestamp, e.nonce, e.body);
    EXPECT_EQ(canonical, std::string(e.method) + "\n" + e.path_and_query + "\n" + e.timestamp +
                             "\n" + e.nonce + "\n" + e.body);
    EXPECT_EQ(PartnerSignature(kSecret, canonical), e.signature) << e.method;
    // The doc shows these very inputs and results.
    for (const char* shown : {kSecret, e.path_and_query, e.nonce, e.body, e.signature}) {
      EXPECT_NE(doc.find(shown), std::string::npos) << "docs/API.md does not show " << shown;
    }
  }
}

TEST(PartnerSignatureTest, AnyActiveSecretMatchesAndNothingElseDoes) {
  const WorkedExample& e = kExamples[1];
  const std::string canonical =
      PartnerCanonicalString(e.method, e.path_and_query, e.timestamp, e.nonce, e.body);
  PartnerCredentials both;
  both.secrets = {{7, std::string(64, '0')}, {9, kSecret}};
  EXPECT_EQ(MatchingPartnerSecret(both, canonical, e.signature), std::optional<int64_t>(9));
  PartnerCredentials other;
  other.secrets = {{7, std::string(64, '0')}};
  EXPECT_EQ(MatchingPartnerSecret(other, canonical, e.signature), std::nullopt);
  EXPECT_EQ(MatchingPartnerSecret(PartnerCredentials{}, canonical, e.signature), std::nullopt);
  // One byte changed anywhere in the signed request, or an upper-case signature, matches nothing.
  const std::string upper = "D7CAE8510D79163DEAC30DB7C684B9B8DC124809CEB38E6401B29FE4E3F0AC58";
  EXPECT_EQ(MatchingPartnerSecret(both, canonical, upper), std::nullopt);
  for (const std::string& changed :
       {PartnerCanonicalString("PUT", e.path_and_query, e.timestamp, e.nonce, e.body),
        PartnerCanonicalString(e.method, "/api/partner/v1/earnings?channel=pot", e.timestamp,
                               e.nonce, e.body),
        PartnerCanonicalString(e.method, e.path_and_query, "1767225601", e.nonce, e.body),
        PartnerCanonicalString(e.method, e.path_and_query, e.timestamp, "q7Z_2kLm-9xYt4Rw8vNq",
                               e.body),
        PartnerCanonicalString(e.method, e.path_and_query, e.timestamp, e.nonce,
                               R"({"request_id":"r-1001","amount_fen":35001})")}) {
    EXPECT_EQ(MatchingPartnerSecret(both, changed, e.signature), std::nullopt) << changed;
  }
}

}  // namespace
}  // namespace mileage::org
