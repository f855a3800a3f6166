#include "org/session_record.h"

#include <charconv>
#include <chrono>
#include <vector>

namespace mileage::org {
namespace {

constexpr std::string_view kVersion = "s2";
constexpr size_t kFields = 11;

bool ParseInt(std::string_view text, int64_t* out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string EncodeSession(const Session& session) {
  const Principal& p = session.principal;
  const int64_t expires_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(session.expires_at.time_since_epoch())
          .count();
  std::string out(kVersion);
  out += "|" + std::to_string(p.staff_id) + "|";
  out += RoleName(p.role);
  out += "|";
  out += NodeTypeName(p.scope.type);
  for (int64_t n : {p.scope.brand_id, p.scope.region_id, p.scope.dealer_id, p.scope.store_id,
                    expires_ms, session.credentials_version}) {
    out += "|" + std::to_string(n);
  }
  out += "|" + p.username;
  return out;
}

std::optional<Session> DecodeSession(std::string_view value) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (fields.size() + 1 < kFields) {
    size_t bar = value.find('|', start);
    if (bar == std::string_view::npos) return std::nullopt;
    fields.push_back(value.substr(start, bar - start));
    start = bar + 1;
  }
  fields.push_back(value.substr(start));
  if (fields[0] != kVersion) return std::nullopt;

  Session session;
  Principal& p = session.principal;
  std::optional<Role> role = ParseRole(fields[2]);
  std::optional<NodeType> type = ParseNodeType(fields[3]);
  int64_t expires_ms = 0;
  if (!role || !type || !ParseInt(fields[1], &p.staff_id) ||
      !ParseInt(fields[4], &p.scope.brand_id) || !ParseInt(fields[5], &p.scope.region_id) ||
      !ParseInt(fields[6], &p.scope.dealer_id) || !ParseInt(fields[7], &p.scope.store_id) ||
      !ParseInt(fields[8], &expires_ms) || !ParseInt(fields[9], &session.credentials_version) ||
      fields[10].empty()) {
    return std::nullopt;
  }
  p.role = *role;
  p.scope.type = *type;
  p.username = std::string(fields[10]);
  session.expires_at = TimePoint(std::chrono::milliseconds(expires_ms));
  return session;
}

}  // namespace mileage::org
