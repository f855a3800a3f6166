#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "kv/kv.h"
#include "org/org_module.h"

namespace mileage::server {

// What an operator command (`mileage admin`, `mileage reconcile`) opens from its config: the
// config itself, the system clock and randomness, the database (migrated), a private
// in-process Kv (operator commands open no sessions) and the org module. Logging is set to the
// config's level but no chattier than warn, so stdout carries only the command's answer.
// Owned by the command; not shared between threads.
class OperatorContext {
 public:
  // `config_path` empty = the embedded defaults. Errors: the config's, ResolveDataKey's,
  // OpenDatabase's and the migration's.
  static Result<std::unique_ptr<OperatorContext>> Open(const std::string& config_path);
  ~OperatorContext();
  OperatorContext(const OperatorContext&) = delete;
  OperatorContext& operator=(const OperatorContext&) = delete;

  const Config& config() const { return config_; }
  const Clock& clock() const { return clock_; }
  RandomSource& random() { return random_; }
  db::Db& db() { return *db_; }
  org::OrgModule& org() { return *org_; }

 private:
  OperatorContext() = default;
  Config config_;
  SystemClock clock_;
  OsRandom random_;
  std::unique_ptr<db::Db> db_;
  std::unique_ptr<kv::Kv> kv_;
  std::unique_ptr<org::OrgModule> org_;
};

}  // namespace mileage::server
