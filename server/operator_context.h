#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/rsa.h"
#include "db/db.h"
#include "kv/kv.h"
#include "org/org_module.h"
#include "server/cache_sync.h"
#include "wechat/client/api_client.h"

namespace mileage::server {

// What an operator command (`mileage admin`, `mileage reconcile`) opens from its config: the
// config itself, the system clock and randomness, the database (migrated), a private
// in-process Kv (operator commands open no sessions) and the org module. With a shared Kv in
// the config (Redis), the merchant and partner changes it commits are told to the serving nodes
// (CacheSync::Bump), so that their caches drop what changed within a second. Logging is set to the
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
  // The command's own in-process Kv: nothing else reads it.
  kv::Kv& kv() { return *kv_; }
  org::OrgModule& org() { return *org_; }
  // A WeChat API client on the config's wechat_api_base_url and wechat_pay_base_url. Errors:
  // ApiClient::Create's.
  Result<std::unique_ptr<wechat::client::ApiClient>> OpenWechatApi();

 private:
  OperatorContext() = default;
  // Opens the config's shared Kv and relays changes through it (best effort: logged when it
  // cannot be reached).
  void TellNodesOfChanges();
  Config config_;
  SystemClock clock_;
  OsRandom random_;
  std::unique_ptr<db::Db> db_;
  std::unique_ptr<kv::Kv> kv_;
  std::unique_ptr<org::OrgModule> org_;
  std::unique_ptr<kv::Kv> nodes_kv_;  // the serving nodes' Kv, when the config names one
  std::unique_ptr<CacheSync> nodes_;  // bumps only: never started
};

// The merchant's API private key (apiclient_key.pem) for signing WeChat Pay requests, read from
// a file (keys never come on the command line). InvalidArgument when the file cannot be read or
// holds no unencrypted RSA private key (the message names the file, never its content).
Result<crypto::RsaPrivateKey> ReadMerchantKeyFile(const std::string& path);

}  // namespace mileage::server
