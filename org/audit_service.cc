#include "org/audit_service.h"

#include <string>
#include <string_view>
#include <utility>

#include "org/validation.h"

namespace mileage::org {
namespace {

constexpr size_t kMaxAction = 64;      // audit_log.action
constexpr size_t kMaxObjectType = 32;  // audit_log.object_type

bool IsWordChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// "staff.update", "earning_rule.update" or the prefix "staff.": words of [a-z0-9_] joined by
// single dots, an optional dot at the end.
bool IsActionPattern(std::string_view action) {
  if (action.empty() || action.size() > kMaxAction || action.front() == '.') return false;
  for (size_t i = 0; i < action.size(); ++i) {
    if (action[i] == '.') {
      if (action[i - 1] == '.') return false;
    } else if (!IsWordChar(action[i])) {
      return false;
    }
  }
  return true;
}

bool IsObjectType(std::string_view type) {
  if (type.empty() || type.size() > kMaxObjectType) return false;
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

Status InvalidField(std::string message) {
  return InvalidArgumentError(std::move(message), "INVALID_FIELD");
}

// The store's filter of a query, every value checked (List's InvalidArgument cases).
Result<AuditFilter> FilterOf(const AuditQuery& query) {
  AuditFilter filter;
  if (!query.action.empty() && !IsActionPattern(query.action)) {
    return InvalidField(
        "action must be an action (staff.update) or a prefix ending in a dot (staff.)");
  }
  filter.action = query.action;
  if (query.staff_id.has_value()) MILEAGE_RETURN_IF_ERROR(ValidateId(*query.staff_id, "staff_id"));
  filter.staff_id = query.staff_id;
  if (!query.object_type.empty() && !IsObjectType(query.object_type)) {
    return InvalidField("object_type must be 1..32 of a-z and _ (store, staff)");
  }
  filter.object_type = query.object_type;
  if (query.object_id.has_value()) {
    MILEAGE_RETURN_IF_ERROR(ValidateId(*query.object_id, "object_id"));
    if (query.object_type.empty()) return InvalidField("object_id needs object_type");
  }
  filter.object_id = query.object_id;
  if (!query.outcome.empty() && query.outcome != "ok" && query.outcome != "denied") {
    return InvalidField("outcome must be ok or denied");
  }
  filter.outcome = query.outcome;
  if (query.from.has_value() && query.to.has_value() &&
      civil::DaysFromCivil(*query.to) < civil::DaysFromCivil(*query.from)) {
    return InvalidArgumentError("to must not be before from", "INVALID_RANGE");
  }
  if (query.from.has_value()) filter.from = civil::BeijingStartOfDay(*query.from);
  if (query.to.has_value())
    filter.until = civil::BeijingStartOfDay(*query.to) + civil::kSecondsPerDay;
  return filter;
}

}  // namespace

Result<PageOf<AuditRecord>> AuditService::List(const Actor& actor, const AuditQuery& query,
                                               const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(AuditFilter filter, FilterOf(query));
  if (!actor.staff.has_value())
    return InvalidArgumentError("the audit log is read by brand admins");
  const int64_t brand_id = actor.staff->scope.brand_id;
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, Action::kAuditRead, NodePath::Brand(brand_id), "audit log"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return AuditStore(*conn).List(brand_id, filter, page);
}

}  // namespace mileage::org
