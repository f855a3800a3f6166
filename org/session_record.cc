#include "org/session_record.h"

#include <charconv>
#include <vector>

namespace mileage::org {
namespace {

constexpr std::string_view kVersion = "s3";
constexpr size_t kFields = 10;

bool ParseInt(std::string_view text, int64_t* out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string EncodeSession(const Principal& p, int64_t credentials_version) {
  std::string out(kVersion);
  out += "|" + std::to_string(p.staff_id) + "|";
  out += RoleName(p.role);
  out += "|";
  out += NodeTypeName(p.scope.type);
  for (int64_t n : {p.scope.brand_id, p.scope.region_id, p.scope.dealer_id, p.scope.store_id,
                    credentials_version}) {
    out += "|" + std::to_string(n);
  }
  out += "|" + p.username;
  return out;
}

std::optional<Session> DecodeSession(std::string_view payload) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (fields.size() + 1 < kFields) {
    size_t bar = payload.find('|', start);
    if (bar == std::string_view::npos) return std::nullopt;
    fields.push_back(payload.substr(start, bar - start));
    start = bar + 1;
  }
  fields.push_back(payload.substr(start));
  if (fields[0] != kVersion) return std::nullopt;

  Session session;
  Principal& p = session.principal;
  std::optional<Role> role = ParseRole(fields[2]);
  std::optional<NodeType> type = ParseNodeType(fields[3]);
  if (!role || !type || !ParseInt(fields[1], &p.staff_id) ||
      !ParseInt(fields[4], &p.scope.brand_id) || !ParseInt(fields[5], &p.scope.region_id) ||
      !ParseInt(fields[6], &p.scope.dealer_id) || !ParseInt(fields[7], &p.scope.store_id) ||
      !ParseInt(fields[8], &session.credentials_version) || fields[9].empty() ||
      fields[9].find('|') != std::string_view::npos) {
    return std::nullopt;
  }
  p.role = *role;
  p.scope.type = *type;
  p.username = std::string(fields[9]);
  return session;
}

}  // namespace mileage::org
