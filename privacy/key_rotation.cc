#include "privacy/key_rotation.h"

#include "common/log.h"
#include "relay/outbox_relay.h"

namespace mileage::privacy {

std::vector<org::SealedColumn> AllSealedColumns(const members::PhoneVault& phones,
                                                const members::VehicleVault& vehicles) {
  std::vector<org::SealedColumn> out = org::OrgSealedColumns();
  out.push_back(phones.SealedColumn());
  for (org::SealedColumn& column : vehicles.SealedColumns()) out.push_back(std::move(column));
  for (org::SealedColumn& column : relay::WebhookSealedColumns()) {
    out.push_back(std::move(column));
  }
  return out;
}

KeyRotation::KeyRotation(db::Db& db, const crypto::DataKey& primary,
                         const std::vector<crypto::DataKey>& previous)
    : db_(db),
      rotating_(!previous.empty()),
      cipher_(primary, previous, random_),
      phones_(primary, cipher_, previous),
      vehicles_(primary, cipher_, previous),
      columns_(AllSealedColumns(phones_, vehicles_)) {}

Result<org::ResealProgress> KeyRotation::Run(int64_t batch, const db::Fence& fence) {
  org::ResealProgress total;
  if (!rotating_) return total;
  for (const org::SealedColumn& column : columns_) {
    MILEAGE_ASSIGN_OR_RETURN(org::ResealProgress done,
                             org::ResealColumn(db_, cipher_, column, batch, fence));
    total.resealed += done.resealed;
    total.skipped += done.skipped;
  }
  MILEAGE_ASSIGN_OR_RETURN(int64_t left, Remaining());
  MILEAGE_LOG(kInfo) << "data key rotation: " << total.resealed << " values re-sealed under key "
                     << cipher_.primary_key_id() << ", " << total.skipped << " skipped, " << left
                     << " left under previous keys";
  return total;
}

Result<int64_t> KeyRotation::Remaining() {
  if (!rotating_) return 0;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  int64_t left = 0;
  for (const org::SealedColumn& column : columns_) {
    MILEAGE_ASSIGN_OR_RETURN(int64_t stale, org::CountStale(*conn, cipher_, column));
    left += stale;
  }
  return left;
}

}  // namespace mileage::privacy
