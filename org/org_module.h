#pragma once

#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "crypto/bearer_tokens.h"
#include "crypto/data_key.h"
#include "crypto/field_cipher.h"
#include "crypto/password_hasher.h"
#include "db/db.h"
#include "kv/kv.h"
#include "org/audit_service.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/brand_app_service.h"
#include "org/hierarchy_service.h"
#include "org/merchant_service.h"
#include "org/partner_service.h"
#include "org/session_service.h"
#include "org/session_truth.h"
#include "org/staff_service.h"
#include "org/store_locator.h"

namespace mileage::org {

// Settings of the org module, from config (session_ttl_s, previous_data_keys) and code defaults.
struct OrgOptions {
  SessionOptions sessions;
  crypto::ScryptParams scrypt = crypto::kDefaultScryptParams;
  // Older data keys that sealed values may still use (key rotation); new values use the
  // primary key.
  std::vector<crypto::DataKey> previous_data_keys;
};

// The org module wired together: crypto, the authorizer, the audit writer and every service,
// on the composition root's database, Kv, clock and randomness (which must outlive it). Built
// once by the server's App or by `mileage admin`; every part is safe for concurrent use.
class OrgModule {
 public:
  OrgModule(db::Db& db, kv::Kv& kv, const Clock& clock, RandomSource& random,
            const crypto::DataKey& data_key, const OrgOptions& options);
  OrgModule(const OrgModule&) = delete;
  OrgModule& operator=(const OrgModule&) = delete;

  const Authorizer& authorizer() const { return authorizer_; }
  HierarchyService& hierarchy() { return hierarchy_; }
  MerchantService& merchants() { return merchants_; }
  BrandAppService& apps() { return apps_; }
  PartnerService& partners() { return partners_; }
  StaffService& staff() { return staff_; }
  SessionService& sessions() { return sessions_; }
  AuditService& audit() { return audit_; }
  StoreLocator& stores() { return stores_; }
  const crypto::PasswordHasher& hasher() const { return hasher_; }
  // For the other domain modules of the composition root: the data-key cipher (member phones)
  // and the audited writer (their console writes).
  const crypto::FieldCipher& cipher() const { return cipher_; }
  AuditedWriter& writer() { return writer_; }

 private:
  Authorizer authorizer_;
  crypto::FieldCipher cipher_;
  crypto::PasswordHasher hasher_;
  crypto::BearerTokens tokens_;
  AuditedWriter writer_;
  SessionTruth truth_;
  HierarchyService hierarchy_;
  MerchantService merchants_;
  BrandAppService apps_;
  PartnerService partners_;
  SessionService sessions_;
  StaffService staff_;
  AuditService audit_;
  StoreLocator stores_;
};

}  // namespace mileage::org
