#include "org/audit_service.h"

#include "org/validation.h"

namespace mileage::org {

Result<PageOf<AuditRecord>> AuditService::List(const Actor& actor, const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (!actor.staff.has_value())
    return InvalidArgumentError("the audit log is read by brand admins");
  const int64_t brand_id = actor.staff->scope.brand_id;
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, Action::kAuditRead, NodePath::Brand(brand_id), "audit log"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return AuditStore(*conn).List(brand_id, page);
}

}  // namespace mileage::org
