#include "server/operator_context.h"

#include <fstream>
#include <sstream>

#include "common/log.h"
#include "db/migrate.h"
#include "kv/memory/memory_kv.h"
#include "server/config_loader.h"
#include "server/data_key_source.h"
#include "server/storage.h"

namespace mileage::server {

Result<std::unique_ptr<OperatorContext>> OperatorContext::Open(const std::string& config_path) {
  Result<Config> config = config_path.empty() ? Config() : LoadConfigFile(config_path);
  if (!config.ok()) return config.status();
  LogLevel level = LogLevel::kWarn;
  if (ParseLogLevel(config->log_level, &level) && level < LogLevel::kWarn) {
    level = LogLevel::kWarn;
  }
  SetLogLevel(level);
  std::unique_ptr<OperatorContext> context(new OperatorContext());
  context->config_ = *config;
  MILEAGE_ASSIGN_OR_RETURN(crypto::DataKey key, ResolveDataKey(*config, context->random_));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<crypto::DataKey> previous_keys, PreviousDataKeys(*config));
  MILEAGE_ASSIGN_OR_RETURN(context->db_, OpenDatabase(*config));
  MILEAGE_RETURN_IF_ERROR(db::Migrate(*context->db_, context->clock_).status());
  context->kv_ = std::make_unique<kv::MemoryKv>(context->clock_);
  org::OrgOptions options;
  options.sessions.ttl = std::chrono::seconds(config->session_ttl_s);
  options.previous_data_keys = std::move(previous_keys);
  context->org_ = std::make_unique<org::OrgModule>(*context->db_, *context->kv_, context->clock_,
                                                   context->random_, key, options);
  context->TellNodesOfChanges();
  return context;
}

Result<std::unique_ptr<wechat::client::ApiClient>> OperatorContext::OpenWechatApi() {
  wechat::client::ApiClientOptions options;
  options.api_base_url = config_.wechat_api_base_url;
  options.pay_base_url = config_.wechat_pay_base_url;
  return wechat::client::ApiClient::Create(options, random_);
}

Result<crypto::RsaPrivateKey> ReadMerchantKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot read the merchant key file " + path);
  std::ostringstream pem;
  pem << in.rdbuf();
  Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::FromPem(pem.str());
  if (!key.ok()) {
    return InvalidArgumentError("the merchant key file " + path +
                                " holds no unencrypted RSA private key (PEM)");
  }
  return key;
}

void OperatorContext::TellNodesOfChanges() {
  if (config_.kv == "memory") return;  // no nodes to tell: they would share this Kv
  Result<std::unique_ptr<kv::Kv>> shared = OpenKv(config_, clock_);
  if (!shared.ok()) {
    MILEAGE_LOG(kWarn) << "the nodes' Kv cannot be reached; they see this command's changes "
                          "when their caches expire: "
                       << shared.status().ToString();
    return;
  }
  nodes_kv_ = std::move(shared).value();
  nodes_ = std::make_unique<CacheSync>(*nodes_kv_, CacheSync::kDefaultPoll,
                                       std::vector<std::function<void()>>{});
  org_->merchants().changes().Subscribe(nodes_.get());
  org_->partners().SetChangeHook([nodes = nodes_.get()] { nodes->Bump(); });
}

OperatorContext::~OperatorContext() {
  if (nodes_) {
    org_->merchants().changes().Unsubscribe(nodes_.get());
    org_->partners().SetChangeHook({});
  }
  nodes_.reset();
  org_.reset();
  if (db_) db_->Close();
}

}  // namespace mileage::server
