#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "crypto/data_key.h"
#include "crypto/field_cipher.h"
#include "members/pii_vault.h"
#include "members/vehicle_types.h"
#include "org/resealer.h"

namespace mileage::members {

// Plates and VINs of members' vehicles through the PiiVault: each kind hashed under its own key
// (so a plate is found by its hash within a brand) and sealed to its owner (brand and member),
// so a copy moved to another member's row does not open. Takes normalised text
// (members/vehicle_rules.h). Built once by the composition root from the data key and the org
// crypto::FieldCipher (which must outlive it); immutable and safe for concurrent use.
class VehicleVault {
 public:
  // `previous`: the keys of a data key rotation (their hashes are what PlateHashes adds).
  VehicleVault(const crypto::DataKey& data_key, const crypto::FieldCipher& cipher,
               std::span<const crypto::DataKey> previous = {});

  // Errors: Internal when the key could not be derived or OpenSSL fails.
  Result<SealedPii> SealPlate(const VehicleOwner& owner, std::string_view normalized) const;
  Result<SealedPii> SealVin(const VehicleOwner& owner, std::string_view normalized) const;
  // The search hash of a plate as typed. Errors: InvalidArgument INVALID_PLATE
  // (NormalizePlate); Internal as above.
  Result<std::string> PlateHash(std::string_view plate) const;
  // The plate's search hash under every data key, the primary first (what lookups and the
  // uniqueness check try while a rotation runs). Errors as PlateHash.
  Result<std::vector<std::string>> PlateHashes(std::string_view plate) const;
  // The normalised text of a sealed copy. Internal when it does not open (another key, another
  // owner's row, altered): stored data the service cannot read is its own failure.
  Result<std::string> OpenPlate(const VehicleOwner& owner, std::string_view sealed) const;
  Result<std::string> OpenVin(const VehicleOwner& owner, std::string_view sealed) const;
  // The sealed plates and VINs of vehicles with their hashes, for the data key rotation's
  // re-sealing (org::ResealColumn). They refer to this vault, which must outlive them.
  std::vector<org::SealedColumn> SealedColumns() const;

 private:
  static std::string Context(std::string_view column, const VehicleOwner& owner);

  PiiVault plates_;
  PiiVault vins_;
};

}  // namespace mileage::members
