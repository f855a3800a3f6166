#include "relay/delivery_rules.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "common/civil_time.h"
#include "crypto/digest.h"
#include "crypto/hex.h"
#include "db/outbox.h"

namespace mileage::relay {
namespace {

Status BadUrl(const std::string& why) {
  return InvalidArgumentError("url " + why, "INVALID_WEBHOOK_URL");
}

bool IsTopicChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

}  // namespace

std::string EnvelopeJson(const OutboxRecord& event) {
  const std::string created_at = civil::FormatRfc3339Utc(event.created_at);
  std::string out = db::PayloadJson({{"id", event.id},
                                     {"topic", std::string_view(event.topic)},
                                     {"brand_id", event.brand_id},
                                     {"aggregate_ref", std::string_view(event.aggregate_ref)},
                                     {"created_at", std::string_view(created_at)}});
  out.pop_back();  // the closing brace: "data" follows
  out += ",\"data\":";
  out += event.payload.empty() ? "{}" : event.payload;
  out += '}';
  return out;
}

std::string WebhookSignature(std::string_view secret, int64_t timestamp, std::string_view body) {
  std::string message = std::to_string(timestamp);
  message += '.';
  message += body;
  return "v1=" + crypto::HexEncode(crypto::HmacSha256(secret, message));
}

std::string WebhookSignatures(const std::vector<std::string>& secrets, int64_t timestamp,
                              std::string_view body) {
  std::string header;
  for (const std::string& secret : secrets) {
    if (!header.empty()) header += ',';
    header += WebhookSignature(secret, timestamp, body);
  }
  return header;
}

bool TopicMatches(const std::vector<std::string>& filter, std::string_view topic) {
  if (filter.empty()) return true;
  for (const std::string& entry : filter) {
    if (entry.size() >= 2 && entry.ends_with(".*")) {
      const std::string_view prefix(entry.data(), entry.size() - 1);  // keeps the dot
      if (topic.starts_with(prefix)) return true;
    } else if (topic == entry) {
      return true;
    }
  }
  return false;
}

Status ValidateTopics(const std::vector<std::string>& topics) {
  const auto bad = [](const std::string& why) {
    return InvalidArgumentError("topics " + why, "INVALID_WEBHOOK_TOPICS");
  };
  if (topics.size() > kMaxTopics) {
    return bad("may name at most " + std::to_string(kMaxTopics) + " topics");
  }
  for (size_t i = 0; i < topics.size(); ++i) {
    const std::string& topic = topics[i];
    const std::string_view stem =
        topic.ends_with(".*") ? std::string_view(topic).substr(0, topic.size() - 2) : topic;
    if (topic.empty() || topic.size() > 64 || stem.empty() ||
        !std::all_of(stem.begin(), stem.end(), IsTopicChar)) {
      return bad("must be 1..64 characters of a-z, 0-9, '_' and '.', optionally ending in \".*\"");
    }
    if (std::find(topics.begin(), topics.begin() + static_cast<std::ptrdiff_t>(i), topic) !=
        topics.begin() + static_cast<std::ptrdiff_t>(i)) {
      return bad("must not repeat a topic");
    }
  }
  return Status::Ok();
}

std::string JoinTopics(const std::vector<std::string>& topics) {
  std::string out;
  for (const std::string& topic : topics) {
    if (!out.empty()) out += ',';
    out += topic;
  }
  return out;
}

std::vector<std::string> SplitTopics(std::string_view column) {
  std::vector<std::string> out;
  while (!column.empty()) {
    const size_t comma = column.find(',');
    out.emplace_back(column.substr(0, comma));
    if (comma == std::string_view::npos) break;
    column.remove_prefix(comma + 1);
  }
  return out;
}

std::string OrderKey(std::string_view aggregate_ref, std::string_view payload) {
  if (std::optional<int64_t> member = db::PayloadMemberId(payload); member.has_value()) {
    return "m:" + std::to_string(*member);
  }
  return "a:" + std::string(aggregate_ref.substr(0, 64));
}

int64_t RetryDelay(const RetryPolicy& policy, int64_t failures, RandomSource& random) {
  int64_t cap = std::max<int64_t>(policy.base_s, 1);
  for (int64_t i = 1; i < failures && cap < policy.max_s; ++i) cap *= 2;
  cap = std::max<int64_t>(std::min(cap, policy.max_s), 1);
  std::array<uint8_t, 8> bytes{};
  random.Fill(bytes);
  uint64_t draw = 0;
  for (uint8_t b : bytes) draw = (draw << 8) | b;
  return 1 + static_cast<int64_t>(draw % static_cast<uint64_t>(cap));
}

std::optional<bool> IsPrivateAddress(const std::string& host) {
  std::array<unsigned char, 16> addr{};
  if (inet_pton(AF_INET, host.c_str(), addr.data()) == 1) {
    const unsigned a = addr[0], b = addr[1];
    return a == 0 || a == 10 || a == 127 || (a == 169 && b == 254) ||
           (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) ||
           (a == 100 && b >= 64 && b <= 127);
  }
  if (inet_pton(AF_INET6, host.c_str(), addr.data()) == 1) {
    const bool unspecified_or_loopback =
        std::all_of(addr.begin(), addr.end() - 1, [](unsigned char x) { return x == 0; }) &&
        addr[15] <= 1;
    const bool v4_mapped =
        std::all_of(addr.begin(), addr.begin() + 10, [](unsigned char x) { return x == 0; }) &&
        addr[10] == 0xff && addr[11] == 0xff;
    if (v4_mapped) {
      char v4[INET_ADDRSTRLEN] = {};
      inet_ntop(AF_INET, addr.data() + 12, v4, sizeof(v4));
      return IsPrivateAddress(v4);
    }
    return unspecified_or_loopback || (addr[0] & 0xfe) == 0xfc ||
           (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80);
  }
  return std::nullopt;
}

Status ValidateWebhookUrl(std::string_view url, bool allow_private) {
  if (url.size() > kMaxUrlLength) {
    return BadUrl("must be at most " + std::to_string(kMaxUrlLength) + " bytes");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return BadUrl("must not contain spaces or control characters");
    }
  }
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return BadUrl("must start with http:// or https://");
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return BadUrl("must not carry a user name or password");
  }
  std::string host;
  std::string_view port;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl("has a bad IPv6 address");
    host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return BadUrl("has a bad port");
      port = after.substr(1);
    }
    std::array<unsigned char, 16> addr{};
    if (inet_pton(AF_INET6, host.c_str(), addr.data()) != 1) {
      return BadUrl("has a bad IPv6 address");
    }
  } else {
    const size_t colon = authority.find(':');
    host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (host.empty()) return BadUrl("must name a host");
  if (!port.empty() || authority.ends_with(":")) {
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      return BadUrl("has a bad port");
    }
  }
  if (allow_private) return Status::Ok();
  std::string lower = host;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "localhost" || lower.ends_with(".localhost") ||
      IsPrivateAddress(host).value_or(false)) {
    return BadUrl("must not point at a loopback or private address");
  }
  return Status::Ok();
}

}  // namespace mileage::relay
