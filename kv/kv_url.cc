#include "kv/kv_url.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <system_error>

#include "common/percent_decode.h"

namespace mileage::kv {
namespace {

constexpr std::string_view kExpected =
    "expected \"memory\" or \"redis://[:password@]host[:port][/db]\"";

Status UrlError(std::string_view what) {
  return InvalidArgumentError("kv URL: " + std::string(what));
}

// Decodes %XX escapes. InvalidArgument naming `field` (never its value) when one is malformed.
Result<std::string> DecodeField(std::string_view text, std::string_view field) {
  std::optional<std::string> decoded = PercentDecode(text);
  if (!decoded) return UrlError("the " + std::string(field) + " has a malformed %-escape");
  return *decoded;
}

// A decimal number of at most `max_digits` digits, or nullopt.
std::optional<int> ParseDecimal(std::string_view text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

// Fills host and port from "host", "host:port", "[v6]" or "[v6]:port".
Status ParseHostPort(std::string_view authority, KvUrl* url) {
  std::string_view host;
  std::optional<std::string_view> port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return UrlError("the IPv6 host lacks its ']'");
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return UrlError("unexpected text after the IPv6 host");
      port = rest.substr(1);
    }
    for (char c : host) {
      if (HexDigitValue(c) < 0 && c != ':' && c != '.') {
        return UrlError("the IPv6 host contains an invalid character");
      }
    }
  } else {
    size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port->find(':') != std::string_view::npos) {
        return UrlError("an IPv6 host must be written in brackets, e.g. [::1]:6379");
      }
    }
    for (char c : host) {
      if (!IsHostChar(c)) return UrlError("the host contains an invalid character");
    }
  }
  if (host.empty()) return UrlError("the host is empty");
  url->host = std::string(host);
  if (port) {
    std::optional<int> number = ParseDecimal(*port, 5);
    if (!number || *number < 1 || *number > 65535) {
      return UrlError("the port \"" + std::string(*port) + "\" is not a number in 1..65535");
    }
    url->port = *number;
  }
  return Status::Ok();
}

// Fills username and password from "user:password" or ":password".
Status ParseUserInfo(std::string_view userinfo, KvUrl* url) {
  size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    return UrlError("credentials must be written as \":password@\" or \"username:password@\"");
  }
  MILEAGE_ASSIGN_OR_RETURN(url->username, DecodeField(userinfo.substr(0, colon), "username"));
  MILEAGE_ASSIGN_OR_RETURN(url->password, DecodeField(userinfo.substr(colon + 1), "password"));
  if (url->password.empty()) return UrlError("the password is empty");
  return Status::Ok();
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string KvUrl::ToString() const {
  if (kind == Kind::kMemory) return "memory";
  std::string out = "redis://";
  if (!password.empty()) out += username + ":***@";
  // Appends one piece at a time: GCC 12 warns falsely (-Wrestrict) on chained operator+.
  bool ipv6 = host.find(':') != std::string::npos;
  if (ipv6) out += '[';
  out += host;
  if (ipv6) out += ']';
  out += ':';
  out += std::to_string(port);
  out += '/';
  out += std::to_string(db);
  return out;
}

Result<KvUrl> ParseKvUrl(std::string_view text) {
  KvUrl url;
  if (text == "memory") return url;
  size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return UrlError(kExpected);
  std::string_view scheme = text.substr(0, scheme_end);
  if (EqualsIgnoreCase(scheme, "rediss")) {
    return UrlError("TLS (rediss://) is not supported; use redis://");
  }
  if (!EqualsIgnoreCase(scheme, "redis")) {
    for (char c : scheme) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0) return UrlError(kExpected);
    }
    return UrlError("unsupported scheme \"" + std::string(scheme) + "\"; " +
                    std::string(kExpected));
  }
  url.kind = KvUrl::Kind::kRedis;
  std::string_view rest = text.substr(scheme_end + 3);

  // The password may contain '/', '?' or '#' unescaped, so the credentials end at the last '@'.
  size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    MILEAGE_RETURN_IF_ERROR(ParseUserInfo(rest.substr(0, at), &url));
    rest = rest.substr(at + 1);
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return UrlError("query parameters and fragments are not supported");
  }
  size_t slash = rest.find('/');
  MILEAGE_RETURN_IF_ERROR(ParseHostPort(rest.substr(0, slash), &url));
  if (slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      std::optional<int> number = ParseDecimal(db, 9);
      if (!number) {
        return UrlError("the db \"" + std::string(db) + "\" is not a non-negative integer");
      }
      url.db = *number;
    }
  }
  return url;
}

}  // namespace mileage::kv
