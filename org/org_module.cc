#include "org/org_module.h"

namespace mileage::org {

OrgModule::OrgModule(db::Db& db, kv::Kv& kv, const Clock& clock, RandomSource& random,
                     const crypto::DataKey& data_key, const OrgOptions& options)
    : cipher_(data_key, options.previous_data_keys, random),
      hasher_(random, options.scrypt),
      tokens_(data_key, random, kConsoleTokens),
      writer_(db, clock),
      truth_(db, kv, clock, options.sessions.truth_cache,
             options.sessions.ttl + std::chrono::minutes(1)),
      hierarchy_(db, clock, authorizer_, writer_, truth_),
      merchants_(db, clock, authorizer_, writer_, cipher_),
      apps_(db, authorizer_, writer_, cipher_, merchants_.changes()),
      partners_(db, clock, authorizer_, writer_, cipher_, random),
      sessions_(db, kv, clock, hasher_, tokens_, writer_, truth_, options.sessions),
      staff_(db, authorizer_, writer_, hasher_, truth_),
      audit_(db, authorizer_),
      stores_(db) {}

}  // namespace mileage::org
