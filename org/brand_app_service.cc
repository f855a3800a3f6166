#include "org/brand_app_service.h"

#include "org/brand_app_store.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

std::string AppLabel(int64_t id) { return "app " + std::to_string(id); }

}  // namespace

std::string AppSecretContext(std::string_view appid) {
  return "brand_apps.secret:" + std::string(appid);
}

Result<BrandApp> BrandAppService::Create(const Actor& actor, int64_t brand_id,
                                         const NewBrandApp& app) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateAppid(app.appid));
  MILEAGE_ASSIGN_OR_RETURN(AppKind kind, ValidateAppKind(app.kind));
  MILEAGE_RETURN_IF_ERROR(ValidateName(app.name, "name"));
  MILEAGE_ASSIGN_OR_RETURN(std::string sealed, SealSecret(app.appid, app.secret));
  BrandApp created;
  AuditRecord base;
  base.action = "app.create";
  base.object_type = "app";
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    const std::string brand_label = NodeLabel(NodeType::kBrand, brand_id);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> brand,
                             NodeStore(conn).Find(NodeType::kBrand, brand_id, true));
    if (!brand.has_value()) return NotFoundError(brand_label + " not found");
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, Action::kAppWrite, brand->path, brand_label));
    created = BrandApp{0,    brand_id,          app.appid,        kind, app.name, !sealed.empty(),
                       true, record.created_at, record.created_at};
    MILEAGE_ASSIGN_OR_RETURN(created.id, BrandAppStore(conn).Insert(created, sealed));
    record.brand_id = brand_id;
    record.object_id = created.id;
    record.detail = "appid: " + app.appid + "; kind: " + app.kind +
                    (sealed.empty() ? "; no secret" : "; with secret");
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return created;
}

Result<std::string> BrandAppService::SealSecret(std::string_view appid,
                                                std::string_view secret) const {
  if (secret.empty()) return std::string();
  MILEAGE_RETURN_IF_ERROR(ValidateAppSecret(secret));
  return cipher_.Seal(secret, AppSecretContext(appid));
}

Result<BrandApp> BrandAppService::RegisterMiniProgram(const Actor& actor, int64_t brand_id,
                                                      NewBrandApp app) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateAppid(app.appid));
  if (app.secret.empty()) {
    return InvalidArgumentError("a mini-program needs its AppSecret", "MISSING_SECRET");
  }
  MILEAGE_RETURN_IF_ERROR(ValidateAppSecret(app.secret));
  app.kind = std::string(AppKindName(AppKind::kMiniprogram));
  if (app.name.empty()) app.name = app.appid;
  std::optional<SealedBrandApp> existing;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(existing, BrandAppStore(*conn).FindByAppid(app.appid));
  }
  if (!existing.has_value()) return Create(actor, brand_id, app);
  if (existing->app.brand_id != brand_id) {
    return AlreadyExistsError("appid " + app.appid + " is already registered", "APP_EXISTS");
  }
  if (existing->app.kind != AppKind::kMiniprogram) {
    return FailedPreconditionError("appid " + app.appid + " is registered as " +
                                       std::string(AppKindName(existing->app.kind)) +
                                       ", not as a mini-program",
                                   "APP_NOT_MINIPROGRAM");
  }
  return SetSecret(actor, existing->app, app.secret);
}

Result<BrandApp> BrandAppService::SetSecret(const Actor& actor, const BrandApp& app,
                                            std::string_view secret) {
  MILEAGE_ASSIGN_OR_RETURN(std::string sealed, SealSecret(app.appid, secret));
  BrandApp updated = app;
  AuditRecord base;
  base.action = "app.secret";
  base.object_type = "app";
  base.object_id = app.id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, Action::kAppWrite,
                                              NodePath::Brand(app.brand_id), AppLabel(app.id)));
    MILEAGE_RETURN_IF_ERROR(BrandAppStore(conn).SetSecret(app.id, sealed, record.created_at));
    updated.has_secret = true;
    updated.updated_at = record.created_at;
    record.brand_id = app.brand_id;
    record.detail = "appid: " + app.appid + "; secret replaced";
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return updated;
}

Result<BrandApp> BrandAppService::Get(const Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<BrandApp> app, BrandAppStore(*conn).Find(id));
  if (!app.has_value()) return NotFoundError(AppLabel(id) + " not found");
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, Action::kAppRead, NodePath::Brand(app->brand_id), AppLabel(id)));
  return std::move(*app);
}

Result<BrandApp> BrandAppService::GetByAppid(const Actor& actor, std::string_view appid) {
  MILEAGE_RETURN_IF_ERROR(ValidateAppid(appid));
  const std::string label = "appid " + std::string(appid);
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedBrandApp> found,
                           BrandAppStore(*conn).FindByAppid(appid));
  if (!found.has_value()) return NotFoundError(label + " not found");
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, Action::kAppRead, NodePath::Brand(found->app.brand_id), label));
  return std::move(found->app);
}

Result<PageOf<BrandApp>> BrandAppService::List(const Actor& actor, std::optional<int64_t> brand_id,
                                               const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (actor.is_system() && !brand_id.has_value()) {
    return InvalidArgumentError("a system list needs a brand");
  }
  const int64_t brand = actor.is_system() ? *brand_id : actor.staff->scope.brand_id;
  MILEAGE_RETURN_IF_ERROR(ValidateId(brand, "brand_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  const std::string label = NodeLabel(NodeType::kBrand, brand);
  if (actor.is_system()) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> found,
                             NodeStore(*conn).Find(NodeType::kBrand, brand));
    if (!found.has_value()) return NotFoundError(label + " not found");
  }
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, Action::kAppRead, NodePath::Brand(brand), label));
  return BrandAppStore(*conn).List(brand, page);
}

Result<BrandApp> BrandAppService::SetActive(const Actor& actor, int64_t id, bool active) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  BrandApp app;
  AuditRecord base;
  base.action = active ? "app.reactivate" : "app.deactivate";
  base.object_type = "app";
  base.object_id = id;
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    BrandAppStore apps(conn);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<BrandApp> found, apps.Find(id));
    if (!found.has_value()) return NotFoundError(AppLabel(id) + " not found");
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, Action::kAppWrite,
                                              NodePath::Brand(found->brand_id), AppLabel(id)));
    MILEAGE_ASSIGN_OR_RETURN(bool changed, apps.SetActive(id, active, record.created_at));
    app = std::move(*found);
    if (changed) {
      app.active = active;
      app.updated_at = record.created_at;
    }
    record.brand_id = app.brand_id;
    record.detail = "appid: " + app.appid + (changed ? "" : "; unchanged");
    return Status::Ok();
  });
  if (!written.ok()) return written;
  changes_.Notify("");
  return app;
}

Result<BrandAppCredentials> BrandAppService::Credentials(std::string_view appid) {
  MILEAGE_RETURN_IF_ERROR(ValidateAppid(appid));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedBrandApp> found,
                           BrandAppStore(*conn).FindByAppid(appid));
  if (!found.has_value()) return NotFoundError("appid " + std::string(appid) + " not found");
  BrandAppCredentials out{std::move(found->app), ""};
  if (!found->secret_sealed.empty()) {
    MILEAGE_ASSIGN_OR_RETURN(out.secret,
                             cipher_.Open(found->secret_sealed, AppSecretContext(appid)));
  }
  return out;
}

}  // namespace mileage::org
