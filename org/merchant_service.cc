#include "org/merchant_service.h"

#include <set>

#include "org/hierarchy_service.h"
#include "org/merchant_store.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::org {
namespace {

constexpr size_t kMaxPlatformKeys = 20;

Status ValidateNewMerchant(const NewMerchant& merchant) {
  MILEAGE_RETURN_IF_ERROR(ValidateMchid(merchant.mchid));
  MILEAGE_RETURN_IF_ERROR(ValidateAppid(merchant.appid));
  MILEAGE_RETURN_IF_ERROR(ValidateApiV3Key(merchant.apiv3_key));
  if (merchant.platform_keys.empty() || merchant.platform_keys.size() > kMaxPlatformKeys) {
    return InvalidArgumentError(
        "platform_keys must hold 1.." + std::to_string(kMaxPlatformKeys) + " keys",
        "INVALID_FIELD");
  }
  std::set<std::string> serials;
  for (const PlatformKey& key : merchant.platform_keys) {
    MILEAGE_RETURN_IF_ERROR(ValidatePlatformKey(key.serial, key.pem));
    if (!serials.insert(key.serial).second) {
      return InvalidArgumentError("platform key serial " + key.serial + " is given twice",
                                  "INVALID_FIELD");
    }
  }
  return Status::Ok();
}

std::string MerchantLabel(int64_t id) { return "merchant " + std::to_string(id); }

}  // namespace

std::string ApiV3KeyContext(std::string_view mchid) {
  return "merchants.apiv3_key:" + std::string(mchid);
}

Result<Merchant> MerchantService::Create(const Actor& actor, int64_t store_id,
                                         const NewMerchant& merchant) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateNewMerchant(merchant));
  MILEAGE_ASSIGN_OR_RETURN(std::string sealed,
                           cipher_.Seal(merchant.apiv3_key, ApiV3KeyContext(merchant.mchid)));
  Merchant created;
  AuditRecord base;
  base.action = "merchant.create";
  base.object_type = "merchant";
  const Status written = writer_.Run(actor, base, [&](db::Connection& conn, AuditRecord& record) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> store,
                             NodeStore(conn).Find(NodeType::kStore, store_id, true));
    const std::string store_label = NodeLabel(NodeType::kStore, store_id);
    if (!store.has_value()) return NotFoundError(store_label + " not found");
    MILEAGE_RETURN_IF_ERROR(
        authorizer_.Check(actor, Action::kMerchantWrite, store->path, store_label));
    if (!store->active) {
      return FailedPreconditionError(store_label + " is deactivated", "PARENT_INACTIVE");
    }
    MerchantStore merchants(conn);
    MILEAGE_ASSIGN_OR_RETURN(
        int64_t id,
        merchants.Insert(store->path, merchant.mchid, merchant.appid, sealed, record.created_at));
    created = Merchant{id, store->path, merchant.mchid,    merchant.appid,
                       {}, true,        record.created_at, record.created_at};
    for (PlatformKey key : merchant.platform_keys) {
      key.created_at = record.created_at;
      MILEAGE_RETURN_IF_ERROR(merchants.InsertPlatformKey(id, key));
      created.platform_keys.push_back(std::move(key));
    }
    record.brand_id = store->path.brand_id;
    record.object_id = id;
    record.detail = "mchid: " + merchant.mchid + "; " + store_label + "; " +
                    std::to_string(merchant.platform_keys.size()) + " platform key(s)";
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return created;
}

Result<Merchant> MerchantService::Get(const Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Merchant> merchant, MerchantStore(*conn).Find(id));
  if (!merchant.has_value()) return NotFoundError(MerchantLabel(id) + " not found");
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, Action::kMerchantRead, merchant->store, MerchantLabel(id)));
  return std::move(*merchant);
}

Result<PageOf<Merchant>> MerchantService::List(const Actor& actor, std::optional<int64_t> store_id,
                                               const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  if (store_id.has_value()) MILEAGE_RETURN_IF_ERROR(ValidateId(*store_id, "store_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  std::optional<NodePath> store_path;
  std::string store_label;
  if (store_id.has_value()) {
    store_label = NodeLabel(NodeType::kStore, *store_id);
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Node> store,
                             NodeStore(*conn).Find(NodeType::kStore, *store_id));
    if (!store.has_value()) return NotFoundError(store_label + " not found");
    store_path = store->path;
  }
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.CheckList(actor, Action::kMerchantRead, store_path, store_label));
  if (actor.is_system() && !store_path.has_value()) {
    return InvalidArgumentError("a system list needs a store");
  }
  const NodePath scope = actor.is_system() ? *store_path : actor.staff->scope;
  return MerchantStore(*conn).List(scope, store_path, page);
}

Result<MerchantCredentials> MerchantService::Credentials(std::string_view mchid) {
  MILEAGE_RETURN_IF_ERROR(ValidateMchid(mchid));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SealedMerchant> found,
                           MerchantStore(*conn).FindByMchid(mchid));
  if (!found.has_value()) return NotFoundError("mchid " + std::string(mchid) + " not found");
  MILEAGE_ASSIGN_OR_RETURN(std::string key,
                           cipher_.Open(found->apiv3_key_sealed, ApiV3KeyContext(mchid)));
  return MerchantCredentials{std::move(found->merchant), std::move(key)};
}

}  // namespace mileage::org
