#include "org/partner_service.h"

#include <optional>

#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/partner_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

std::string PartnerLabel(int64_t id) { return "partner " + std::to_string(id); }

Status TooManySecrets() {
  return FailedPreconditionError(
      "the partner has two active secrets; retire one before adding another",
      "TOO_MANY_PARTNER_SECRETS");
}

std::vector<PartnerSecretInfo> InfosOf(const std::vector<SealedPartnerSecret>& secrets) {
  std::vector<PartnerSecretInfo> out;
  out.reserve(secrets.size());
  for (const SealedPartnerSecret& secret : secrets) out.push_back(secret.info);
  return out;
}

// The slot a new secret takes: the one no active secret holds (0 when both are taken).
int FreeSlot(const std::vector<SealedPartnerSecret>& active) {
  bool taken[3] = {false, false, false};
  for (const SealedPartnerSecret& secret : active) {
    if (secret.slot == 1 || secret.slot == 2) taken[secret.slot] = true;
  }
  if (active.size() >= 2) return 0;
  return !taken[1] ? 1 : (!taken[2] ? 2 : 0);
}

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
  MILEAGE_ASSIGN_OR_RETURN(NewSecret secret, MakeSecret(created.partner.api_key_id));
  created.secret = std::move(secret.secret);
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
    PartnerStore partners(conn);
    MILEAGE_ASSIGN_OR_RETURN(p.id, partners.Insert(p));
    MILEAGE_ASSIGN_OR_RETURN(created.secret_id,
                             partners.InsertSecret(p.id, 1, secret.sealed, record.created_at));
    record.brand_id = brand_id;
    record.object_id = p.id;
    record.detail = "name: " + p.name + "; category: " + std::string(category) +
                    "; api_key_id: " + p.api_key_id;
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return created;
}

Result<PartnerService::NewSecret> PartnerService::MakeSecret(std::string_view api_key_id) {
  NewSecret out;
  out.secret = RandomHex(random_, 32);
  MILEAGE_ASSIGN_OR_RETURN(out.sealed, cipher_.Seal(out.secret, PartnerSecretContext(api_key_id)));
  return out;
}

Result<PartnerDetail> PartnerService::Get(const Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  PartnerStore partners(*conn);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Partner> partner, partners.Find(id));
  if (!partner.has_value()) return NotFoundError(PartnerLabel(id) + " not found");
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, Action::kPartnerRead,
                                            NodePath::Brand(partner->brand_id), PartnerLabel(id)));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<SealedPartnerSecret> secrets, partners.Secrets(id));
  return PartnerDetail{std::move(*partner), InfosOf(secrets)};
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
  CredentialsChanged();
  if (!written.ok()) return written;
  return partner;
}

Result<RotatedPartnerSecret> PartnerService::RotateSecret(const Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  RotatedPartnerSecret rotated;
  AuditRecord base;
  base.action = "partner.secret_rotate";
  base.object_type = "partner";
  base.object_id = id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    PartnerStore partners(conn);
    // The lock on the partner row serializes rotations and retirements of its secrets.
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Partner> found, partners.Find(id, true));
    if (!found.has_value()) return NotFoundError(PartnerLabel(id) + " not found");
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, Action::kPartnerWrite,
                                              NodePath::Brand(found->brand_id), PartnerLabel(id)));
    record.brand_id = found->brand_id;
    MILEAGE_ASSIGN_OR_RETURN(std::vector<SealedPartnerSecret> active, partners.ActiveSecrets(id));
    const int slot = FreeSlot(active);
    if (slot == 0) return TooManySecrets();
    MILEAGE_ASSIGN_OR_RETURN(NewSecret secret, MakeSecret(found->api_key_id));
    Result<int64_t> inserted = partners.InsertSecret(id, slot, secret.sealed, record.created_at);
    if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
      return TooManySecrets();  // the unique slot: a rotation that raced this one
    }
    MILEAGE_RETURN_IF_ERROR(inserted.status());
    MILEAGE_ASSIGN_OR_RETURN(std::vector<SealedPartnerSecret> all, partners.Secrets(id));
    rotated.detail = PartnerDetail{std::move(*found), InfosOf(all)};
    rotated.secret_id = *inserted;
    rotated.secret = std::move(secret.secret);
    record.detail = "api_key_id: " + rotated.detail.partner.api_key_id +
                    "; secret_id: " + std::to_string(rotated.secret_id);
    return Status::Ok();
  });
  CredentialsChanged();
  if (!written.ok()) return written;
  return rotated;
}

Result<PartnerDetail> PartnerService::RetireSecret(const Actor& actor, int64_t id,
                                                   int64_t secret_id) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidateId(secret_id, "secret_id"));
  PartnerDetail detail;
  AuditRecord base;
  base.action = "partner.secret_retire";
  base.object_type = "partner";
  base.object_id = id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    PartnerStore partners(conn);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Partner> found, partners.Find(id, true));
    if (!found.has_value()) return NotFoundError(PartnerLabel(id) + " not found");
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, Action::kPartnerWrite,
                                              NodePath::Brand(found->brand_id), PartnerLabel(id)));
    record.brand_id = found->brand_id;
    MILEAGE_ASSIGN_OR_RETURN(std::vector<SealedPartnerSecret> secrets, partners.Secrets(id));
    const SealedPartnerSecret* target = nullptr;
    size_t active = 0;
    for (const SealedPartnerSecret& secret : secrets) {
      if (secret.info.id == secret_id) target = &secret;
      if (secret.info.active()) ++active;
    }
    if (target == nullptr) {
      return NotFoundError(
          "secret " + std::to_string(secret_id) + " of " + PartnerLabel(id) + " not found",
          "PARTNER_SECRET_NOT_FOUND");
    }
    record.detail =
        "api_key_id: " + found->api_key_id + "; secret_id: " + std::to_string(secret_id);
    if (target->info.active()) {
      if (active <= 1) {
        return FailedPreconditionError(
            "the partner's last active secret cannot be retired; add its successor first",
            "LAST_PARTNER_SECRET");
      }
      MILEAGE_ASSIGN_OR_RETURN(bool retired,
                               partners.RetireSecret(id, secret_id, record.created_at));
      if (!retired) return AbortedError("the secret changed concurrently");
      MILEAGE_ASSIGN_OR_RETURN(secrets, partners.Secrets(id));
    } else {
      record.detail += "; already retired";
    }
    detail = PartnerDetail{std::move(*found), InfosOf(secrets)};
    return Status::Ok();
  });
  CredentialsChanged();
  if (!written.ok()) return written;
  return detail;
}

Result<PartnerCredentials> PartnerService::Credentials(std::string_view api_key_id) {
  const TimePoint now = clock_.Now();
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(std::string(api_key_id));
    if (it != cache_.end() && now >= it->second.loaded_at &&
        now - it->second.loaded_at < kCredentialsTtl) {
      return it->second.credentials;
    }
    generation = generation_;
  }
  MILEAGE_ASSIGN_OR_RETURN(PartnerCredentials loaded, LoadCredentials(api_key_id));
  std::lock_guard<std::mutex> lock(mu_);
  if (generation == generation_) cache_[std::string(api_key_id)] = CachedCredentials{loaded, now};
  return loaded;
}

void PartnerService::CredentialsChanged() {
  ForgetCredentials();
  if (change_hook_) change_hook_();
}

void PartnerService::ForgetCredentials() {
  std::lock_guard<std::mutex> lock(mu_);
  ++generation_;
  cache_.clear();
}

Result<PartnerCredentials> PartnerService::LoadCredentials(std::string_view api_key_id) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  PartnerStore partners(*conn);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Partner> found, partners.FindByApiKeyId(api_key_id));
  if (!found.has_value()) return NotFoundError("partner key not found");
  MILEAGE_ASSIGN_OR_RETURN(std::vector<SealedPartnerSecret> active,
                           partners.ActiveSecrets(found->id));
  PartnerCredentials out;
  out.secrets.reserve(active.size());
  for (const SealedPartnerSecret& secret : active) {
    MILEAGE_ASSIGN_OR_RETURN(std::string opened,
                             cipher_.Open(secret.sealed, PartnerSecretContext(api_key_id)));
    out.secrets.push_back({secret.info.id, std::move(opened)});
  }
  out.partner = std::move(*found);
  return out;
}

}  // namespace mileage::org
