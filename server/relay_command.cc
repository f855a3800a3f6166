#include "server/relay_command.h"

#include <condition_variable>
#include <csignal>
#include <cstring>
#include <iostream>
#include <mutex>

#include "common/log.h"
#include "db/migrate.h"
#include "org/org_module.h"
#include "server/data_key_source.h"
#include "server/mp/wechat_login_codes.h"
#include "server/relay_runner.h"
#include "server/stop_signals.h"
#include "server/storage.h"
#include "server/webhook_http_sender.h"
#include "server/wechat_subscribe_sender.h"
#include "wechat/client/api_client.h"

namespace mileage::server {

int RunRelayCommand(const Config& config) {
  StopSignals::Block();
  SystemClock clock;
  OsRandom random;
  auto fail = [](const Status& status) {
    std::cerr << "mileage: " << status.message() << '\n';
    return 1;
  };
  if (config.relay_poll_ms <= 0) {
    return fail(InvalidArgumentError("relay_poll_ms is 0 in the config: there is nothing to run"));
  }
  Result<crypto::DataKey> data_key = ResolveDataKey(config, random);
  if (!data_key.ok()) return fail(data_key.status());
  Result<std::vector<crypto::DataKey>> previous = PreviousDataKeys(config);
  if (!previous.ok()) return fail(previous.status());
  Result<std::unique_ptr<db::Db>> database = OpenDatabase(config);
  if (!database.ok()) return fail(database.status());
  Status migrated = db::Migrate(**database, clock).status();
  if (!migrated.ok()) return fail(migrated);
  const crypto::FieldCipher cipher(*data_key, *previous, random);
  WebhookHttpSender sender(config.webhook_allow_private_urls);
  // Subscribe messages go out as the brands' mini-programs: their credentials (org) and the
  // access tokens shared through the Kv with the serving nodes.
  Result<std::unique_ptr<kv::Kv>> kv = OpenKv(config, clock);
  if (!kv.ok()) return fail(kv.status());
  wechat::client::ApiClientOptions wechat;
  wechat.api_base_url = config.wechat_api_base_url;
  wechat.pay_base_url = config.wechat_pay_base_url;
  Result<std::unique_ptr<wechat::client::ApiClient>> api =
      wechat::client::ApiClient::Create(wechat, random);
  if (!api.ok()) return fail(api.status());
  org::OrgOptions org_options;
  org_options.previous_data_keys = *previous;
  org::OrgModule org(**database, **kv, clock, random, *data_key, org_options);
  MiniProgramClients clients(**api, **kv, clock, random);
  WechatSubscribeSender subscribe_sender(clients, org.apps());

  std::mutex mu;
  std::condition_variable stopped_cv;
  bool stopped = false;
  StopSignals stop_signals([&](int signal_number) {
    MILEAGE_LOG(kInfo) << "received " << strsignal(signal_number) << "; stopping the relay";
    std::lock_guard lock(mu);
    stopped = true;
    stopped_cv.notify_all();
  });
  {
    RelayRunner runner(**database, config, cipher, sender, clock, random, &subscribe_sender);
    runner.Start();
    std::cout << "mileage: relaying the outbox" << std::endl;
    std::unique_lock lock(mu);
    stopped_cv.wait(lock, [&] { return stopped; });
  }  // Stop: the pass in flight ends, the lease is released
  (*database)->Close();
  MILEAGE_LOG(kInfo) << "relay stopped";
  return 0;
}

}  // namespace mileage::server
