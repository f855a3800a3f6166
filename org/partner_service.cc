#include "org/partner_service.h"

#include <optional>

#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/partner_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

std::string PartnerLabel(int64_t id) { return "partner " + std::to_string(id); }

}  // namespace

std::string PartnerSecretContext(std::string_view api_key_id) {
  return "partners.secret:" + std::string(api_key_id);
}

Result<CreatedPartner> PartnerService::Create(const Actor& actor, int64_t brand_id,
                                              std::string_view name, std::string_view category) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateName(name, "name"));
  std::optional<PartnerCategory> parsed = ParsePartnerCategory(category);
  if (!parsed.has_value()) {
    return InvalidArgumentError("category must be fuel, parking, carwash, toll or other",
                                "INVALID_FIELD");
  }
  CreatedPartner created;
  created.partner.api_key_id = "pk_" + RandomHex(random_, 8);
  created.secret = RandomHex(random_, 32);
  MILEAGE_ASSIGN_OR_RETURN(
      std::string sealed,
      cipher_.Seal(created.secret, PartnerSecretContext(created.partner.api_key_id)));
  AuditRecord base;
  base.action = "partner.create";
  base.object_type = "partner";
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    const std::string brand_label = NodeLabel(NodeType::kBrand, brand_id);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> brand,
                             NodeStore(conn).Find(NodeType::kBrand, brand_id, true));
    if (!brand.has_value()) return NotFoundError(brand_label + " not found");
    MILEAGE_RETURN_IF_ERROR(
        authorizer_.Check(actor, Action::kPartnerWrite, brand->path, brand_label));
    Partner& p = created.partner;
    p.brand_id = brand_id;
    p.name = std::string(name);
    p.category = *parsed;
    p.active = true;
    p.created_at = p.updated_at = record.created_at;
    MILEAGE_ASSIGN_OR_RETURN(p.id, PartnerStore(conn).Insert(p, sealed));
    record.brand_id = brand_id;
    record.object_id = p.id;
    record.detail = "name: " + p.name + "; category: " + std::string(category) +
                    "; api_key_id: " + p.api_key_id;
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return created;
}

Result<Partner> PartnerService::Get(const Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Partner> partner, PartnerStore(*conn).Find(id));
  if (!partner.has_value()) return NotFoundError(PartnerLabel(id) + " not found");
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, Action::kPartnerRead,
                                            NodePath::Brand(partner->brand_id), PartnerLabel(id)));
  return std::move(*partner);
}

Result<PageOf<Partner>> PartnerService::List(const Actor& actor, const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (!actor.staff.has_value()) return InvalidArgumentError("partners are listed by staff");
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckList(actor, Action::kPartnerRead, std::nullopt, ""));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return PartnerStore(*conn).List(actor.staff->scope, page);
}

Result<Partner> PartnerService::Deactivate(const Actor& actor, int64_t id) {
  return SetActive(actor, id, false);
}

Result<Partner> PartnerService::Reactivate(const Actor& actor, int64_t id) {
  return SetActive(actor, id, true);
}

Result<Partner> PartnerService::SetActive(const Actor& actor, int64_t id, bool active) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  Partner partner;
  AuditRecord base;
  base.action = active ? "partner.reactivate" : "partner.deactivate";
  base.object_type = "partner";
  base.object_id = id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    PartnerStore partners(conn);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Partner> found, partners.Find(id, true));
    if (!found.has_value()) return NotFoundError(PartnerLabel(id) + " not found");
    partner = std::move(*found);
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, Action::kPartnerWrite,
                                              NodePath::Brand(partner.brand_id), PartnerLabel(id)));
    record.brand_id = partner.brand_id;
    if (partner.active == active) {
      record.detail = active ? "already active" : "already inactive";
      return Status::Ok();
    }
    MILEAGE_RETURN_IF_ERROR(partners.SetActive(id, active, record.created_at));
    partner.active = active;
    partner.updated_at = record.created_at;
    record.detail = "name: " + partner.name + "; api_key_id: " + partner.api_key_id;
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return partner;
}

Result<PartnerCredentials> PartnerService::Credentials(std::string_view api_key_id) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedPartner> found,
                           PartnerStore(*conn).FindByApiKeyId(api_key_id));
  if (!found.has_value() || !found->partner.active) return NotFoundError("partner key not found");
  MILEAGE_ASSIGN_OR_RETURN(std::string secret,
                           cipher_.Open(found->secret_sealed, PartnerSecretContext(api_key_id)));
  return PartnerCredentials{std::move(found->partner), std::move(secret)};
}

}  // namespace mileage::org
