#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "crypto/data_key.h"
#include "crypto/field_cipher.h"
#include "db/db.h"
#include "members/phone_vault.h"
#include "members/vehicle_vault.h"
#include "org/resealer.h"

namespace mileage::privacy {

// Every column of the deployment sealed with the field cipher, as each module describes its
// own (org::OrgSealedColumns, members::PhoneVault::SealedColumn,
// members::VehicleVault::SealedColumns, relay::WebhookSealedColumns). A module that adds a
// sealed column adds it to its list. The vaults must outlive the columns.
std::vector<org::SealedColumn> AllSealedColumns(const members::PhoneVault& phones,
                                                const members::VehicleVault& vehicles);

// The data key rotation's re-sealing (docs/OPERATIONS.md "Rotating the data key"): every
// value sealed under a previous key (config previous_data_keys) is opened and sealed again
// under the primary key (config data_key), and the keyed hashes of phones, plates and VINs are
// recomputed under the primary key in the same UPDATE, so that once Remaining is 0 the previous
// keys may be dropped. Until then both keys open values and lookups try both hashes. Owns its
// cipher and vaults, built from the keys; safe for concurrent use (passes are resumable and
// idempotent; the database decides each row).
class KeyRotation {
 public:
  KeyRotation(db::Db& db, const crypto::DataKey& primary,
              const std::vector<crypto::DataKey>& previous);

  // True when previous keys are configured (otherwise Run and Remaining do nothing).
  bool rotating() const { return rotating_; }

  // One pass over every sealed column, `batch` rows per transaction, each checking `fence`.
  // Errors: the Connection's and the fence's (committed batches stay done).
  Result<org::ResealProgress> Run(int64_t batch, const db::Fence& fence);
  // How many sealed values are still under a previous key, over every column. Errors: the
  // Connection's.
  Result<int64_t> Remaining();

 private:
  db::Db& db_;
  const bool rotating_;
  OsRandom random_;
  crypto::FieldCipher cipher_;
  members::PhoneVault phones_;
  members::VehicleVault vehicles_;
  std::vector<org::SealedColumn> columns_;
};

}  // namespace mileage::privacy
