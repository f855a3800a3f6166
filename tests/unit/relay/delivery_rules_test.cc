#include "relay/delivery_rules.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "common/testing/fake_random.h"

namespace mileage::relay {
namespace {

// HMAC-SHA256 as lowercase hex, straight from OpenSSL (not the code under test).
std::string OpenSslHmacHex(const std::string& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof(byte), "%02x", mac[i]);
    hex += byte;
  }
  return hex;
}

TEST(WebhookSignatureTest, IsHmacSha256OfTimestampDotBody) {
  const std::string secret(64, 'a');
  const std::string body = R"({"id":7,"topic":"payment.recorded"})";
  EXPECT_EQ(WebhookSignature(secret, 1800000000, body),
            "v1=" + OpenSslHmacHex(secret, "1800000000." + body));
  // Another timestamp or body signs differently.
  EXPECT_NE(WebhookSignature(secret, 1800000001, body), WebhookSignature(secret, 1800000000, body));
  EXPECT_NE(WebhookSignature(secret, 1800000000, body + " "),
            WebhookSignature(secret, 1800000000, body));
}

TEST(WebhookSignatureTest, SignsUnderEachSecretCurrentFirst) {
  const std::string current(64, 'c');
  const std::string previous(64, 'p');
  const std::string body = R"({"id":8})";
  EXPECT_EQ(WebhookSignatures({current}, 1800000000, body),
            "v1=" + OpenSslHmacHex(current, "1800000000." + body));
  EXPECT_EQ(WebhookSignatures({current, previous}, 1800000000, body),
            "v1=" + OpenSslHmacHex(current, "1800000000." + body) +
                ",v1=" + OpenSslHmacHex(previous, "1800000000." + body));
}

TEST(EnvelopeJsonTest, WrapsThePayloadWithTheEventFields) {
  const OutboxRecord event{12, "coupon.issued", 3, "agg\"1", R"({"member_id":5})", 1800000000};
  EXPECT_EQ(EnvelopeJson(event),
            R"({"id":12,"topic":"coupon.issued","brand_id":3,"aggregate_ref":"agg\"1",)"
            R"("created_at":"2027-01-15T08:00:00Z","data":{"member_id":5}})");
}

TEST(OrderKeyTest, PrefersTheTopLevelMemberId) {
  EXPECT_EQ(OrderKey("tx-1", R"({"transaction_id":"tx-1","member_id":42,"amount_fen":100})"),
            "m:42");
  EXPECT_EQ(OrderKey("42", R"({"member_id":42})"), "m:42");
  // No member_id, a string member_id, or the text inside a string value: the aggregate.
  EXPECT_EQ(OrderKey("tx-2", R"({"transaction_id":"tx-2"})"), "a:tx-2");
  EXPECT_EQ(OrderKey("tx-3", R"({"member_id":"42"})"), "a:tx-3");
  EXPECT_EQ(OrderKey("tx-4", R"({"note":"\"member_id\":9","x":1})"), "a:tx-4");
  EXPECT_EQ(OrderKey("tx-5", "not json"), "a:tx-5");
}

TEST(TopicsTest, MatchExactlyOrByPrefix) {
  EXPECT_TRUE(TopicMatches({}, "anything.at_all"));
  EXPECT_TRUE(TopicMatches({"payment.recorded"}, "payment.recorded"));
  EXPECT_FALSE(TopicMatches({"payment.recorded"}, "payment.refunded"));
  EXPECT_TRUE(TopicMatches({"coupon.*"}, "coupon.issued"));
  EXPECT_FALSE(TopicMatches({"coupon.*"}, "coupons.issued"));
  EXPECT_FALSE(TopicMatches({"coupon.*"}, "coupon"));
}

TEST(TopicsTest, ValidationRefusesBadFilters) {
  EXPECT_TRUE(ValidateTopics({}).ok());
  EXPECT_TRUE(ValidateTopics({"payment.recorded", "coupon.*"}).ok());
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{""},
                                             {"Payment.recorded"},
                                             {"a b"},
                                             {".*"},
                                             {"x", "x"},
                                             {std::string(65, 'a')},
                                             std::vector<std::string>(21, "a")}) {
    const Status status = ValidateTopics(bad);
    EXPECT_EQ(status.reason(), "INVALID_WEBHOOK_TOPICS") << (bad.empty() ? "" : bad[0]);
  }
  EXPECT_EQ(SplitTopics(JoinTopics({"a.b", "c.*"})), (std::vector<std::string>{"a.b", "c.*"}));
  EXPECT_TRUE(SplitTopics("").empty());
}

TEST(RetryDelayTest, FullJitterUnderADoublingCap) {
  testing::FakeRandom random(3);
  const RetryPolicy policy{10, 3600, 86400};
  int64_t largest_first = 0;
  for (int i = 0; i < 200; ++i) {
    const int64_t first = RetryDelay(policy, 1, random);
    EXPECT_GE(first, 1);
    EXPECT_LE(first, 10);
    largest_first = std::max(largest_first, first);
    const int64_t fourth = RetryDelay(policy, 4, random);
    EXPECT_GE(fourth, 1);
    EXPECT_LE(fourth, 80);
    const int64_t late = RetryDelay(policy, 60, random);
    EXPECT_GE(late, 1);
    EXPECT_LE(late, 3600);
  }
  EXPECT_GT(largest_first, 5);  // jitter spreads over the range, not a constant
}

TEST(WebhookUrlTest, AcceptsPublicHttpAndHttps) {
  for (const char* url : {"https://hooks.example.com/mileage", "http://example.com",
                          "https://example.com:8443/a?b=c", "https://[2001:db8::1]/x"}) {
    EXPECT_TRUE(ValidateWebhookUrl(url, false).ok()) << url;
  }
}

TEST(WebhookUrlTest, RefusesBadUrls) {
  for (const std::string& url :
       {std::string("ftp://example.com"), std::string("example.com"),
        std::string("https://user:pw@example.com/"), std::string("https://@example.com"),
        std::string("https:///path"), std::string("https://example.com:99999/"),
        std::string("https://example.com:/"), std::string("https://exa mple.com/"),
        std::string("https://example.com/\n"), std::string("https://[::1/"),
        "https://example.com/" + std::string(2048, 'a')}) {
    EXPECT_EQ(ValidateWebhookUrl(url, true).reason(), "INVALID_WEBHOOK_URL") << url;
  }
}

TEST(WebhookUrlTest, PrivateAddressesOnlyWhenAllowed) {
  for (const char* url :
       {"http://localhost:8080/", "http://LOCALHOST/", "http://a.localhost/", "http://127.0.0.1/",
        "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/",
        "http://0.0.0.0/", "http://[::1]/", "http://[fd00::1]/", "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/"}) {
    EXPECT_EQ(ValidateWebhookUrl(url, false).reason(), "INVALID_WEBHOOK_URL") << url;
    EXPECT_TRUE(ValidateWebhookUrl(url, true).ok()) << url;
  }
  EXPECT_TRUE(ValidateWebhookUrl("http://172.32.0.1/", false).ok());
}

TEST(PrivateAddressTest, ClassifiesLiteralsAndIgnoresNames) {
  for (const char* ip :
       {"127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.0.1", "169.254.1.1", "100.64.0.1",
        "0.0.0.0", "::", "::1", "fc00::1", "fdff::1", "fe80::1", "febf::1", "::ffff:10.0.0.1"}) {
    EXPECT_EQ(IsPrivateAddress(ip), std::optional<bool>(true)) << ip;
  }
  for (const char* ip : {"8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2001:db8::1",
                         "fec0::1", "::ffff:8.8.8.8"}) {
    EXPECT_EQ(IsPrivateAddress(ip), std::optional<bool>(false)) << ip;
  }
  for (const char* name : {"example.com", "localhost", "", "1.2.3", "[::1]"}) {
    EXPECT_EQ(IsPrivateAddress(name), std::nullopt) << name;
  }
}

}  // namespace
}  // namespace mileage::relay
