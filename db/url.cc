#include "db/url.h"

#include <charconv>
#include <optional>

#include "common/percent_decode.h"

namespace mileage::db {
namespace {

constexpr std::string_view kMysqlForm = " (expected mysql://user:password@host:port/database)";

Status Bad(std::string_view what) {
  return InvalidArgumentError("database URL: " + std::string(what));
}

// Decodes %XX escapes; `field` names the part in the error (never its value).
Result<std::string> DecodeField(std::string_view text, std::string_view field) {
  std::optional<std::string> decoded = PercentDecode(text);
  if (!decoded) return Bad("malformed %-escape in the " + std::string(field));
  return *decoded;
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

bool IsDatabaseChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

Result<int> ParsePort(std::string_view text) {
  if (text.empty()) return Bad("missing port after ':'");
  int port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535) {
    return Bad("port must be a number in 1..65535");
  }
  return port;
}

// The query of a MySQL URL: exactly "wsrep_sync_wait=N", N in 0..15 (the bitmask MariaDB
// accepts).
Result<int> ParseMysqlQuery(std::string_view query) {
  constexpr std::string_view kSyncWait = "wsrep_sync_wait=";
  if (!query.starts_with(kSyncWait)) {
    return Bad("unsupported query parameter (only wsrep_sync_wait=N is supported)");
  }
  const std::string_view value = query.substr(kSyncWait.size());
  int n = -1;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || n < 0 || n > 15) {
    return Bad("wsrep_sync_wait must be a number in 0..15");
  }
  return n;
}

Result<DatabaseUrl> ParseSqlite(std::string_view path) {
  if (path.empty()) return Bad("missing SQLite file path (expected sqlite:PATH)");
  if (path.starts_with("//")) {
    return Bad("use sqlite:PATH (e.g. sqlite:var/mileage.db), not sqlite://");
  }
  DatabaseUrl url;
  url.dialect = Dialect::kSqlite;
  url.path = std::string(path);
  return url;
}

Result<DatabaseUrl> ParseMysql(std::string_view rest) {
  DatabaseUrl url;
  url.dialect = Dialect::kMysql;

  const size_t at = rest.rfind('@');
  if (at == std::string_view::npos) return Bad("missing user" + std::string(kMysqlForm));
  const std::string_view userinfo = rest.substr(0, at);
  const std::string_view after_user = rest.substr(at + 1);

  const size_t colon = userinfo.find(':');
  const std::string_view raw_user = userinfo.substr(0, colon);
  if (raw_user.empty()) return Bad("missing user" + std::string(kMysqlForm));
  MILEAGE_ASSIGN_OR_RETURN(url.user, DecodeField(raw_user, "user"));
  if (colon != std::string_view::npos) {
    MILEAGE_ASSIGN_OR_RETURN(url.password, DecodeField(userinfo.substr(colon + 1), "password"));
  }

  std::string_view location = after_user;
  if (location.find('#') != std::string_view::npos) return Bad("fragments are not supported");
  if (const size_t question = location.find('?'); question != std::string_view::npos) {
    MILEAGE_ASSIGN_OR_RETURN(url.wsrep_sync_wait, ParseMysqlQuery(location.substr(question + 1)));
    location = location.substr(0, question);
  }
  const size_t slash = location.find('/');
  if (slash == std::string_view::npos) {
    return Bad("missing database name" + std::string(kMysqlForm));
  }
  const std::string_view hostport = location.substr(0, slash);
  const std::string_view database = location.substr(slash + 1);

  std::string_view host = hostport;
  std::string_view port_text;
  bool has_port = false;
  if (hostport.starts_with('[')) {
    const size_t close = hostport.find(']');
    if (close == std::string_view::npos) return Bad("unclosed '[' in the host");
    host = hostport.substr(1, close - 1);
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Bad("unexpected characters after the host");
      has_port = true;
      port_text = after.substr(1);
    }
    for (char c : host) {
      if (HexDigitValue(c) < 0 && c != ':' && c != '.') return Bad("invalid IPv6 host");
    }
  } else {
    const size_t port_colon = hostport.find(':');
    if (port_colon != std::string_view::npos) {
      host = hostport.substr(0, port_colon);
      has_port = true;
      port_text = hostport.substr(port_colon + 1);
    }
    for (char c : host) {
      if (!IsHostChar(c)) return Bad("invalid character in the host");
    }
  }
  if (host.empty()) return Bad("missing host" + std::string(kMysqlForm));
  url.host = std::string(host);
  if (has_port) {
    MILEAGE_ASSIGN_OR_RETURN(url.port, ParsePort(port_text));
  }

  if (database.empty()) return Bad("missing database name" + std::string(kMysqlForm));
  if (database.size() > 64) return Bad("database name longer than 64 characters");
  for (char c : database) {
    if (!IsDatabaseChar(c)) return Bad("database name may contain only A-Z, a-z, 0-9 and '_'");
  }
  url.database = std::string(database);
  return url;
}

}  // namespace

std::string DatabaseUrl::Redacted() const {
  if (dialect == Dialect::kSqlite) return "sqlite:" + path;
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out = "mysql://" + user;
  if (!password.empty()) out += ":***";
  out += "@" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" + database;
  if (wsrep_sync_wait) out += "?wsrep_sync_wait=" + std::to_string(*wsrep_sync_wait);
  return out;
}

Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url) {
  if (url.empty()) return Bad("empty (expected sqlite:PATH or mysql://...)");
  if (url.starts_with("sqlite:")) return ParseSqlite(url.substr(7));
  if (url.starts_with("mysql://")) return ParseMysql(url.substr(8));
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon > 16) {
    return Bad("missing scheme (expected sqlite:PATH or mysql://...)");
  }
  return Bad("unsupported scheme '" + std::string(url.substr(0, colon)) +
             "' (expected sqlite: or mysql://)");
}

}  // namespace mileage::db
