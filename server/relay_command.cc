#include "server/relay_command.h"

#include <condition_variable>
#include <csignal>
#include <cstring>
#include <iostream>
#include <mutex>

#include "common/log.h"
#include "db/migrate.h"
#include "server/data_key_source.h"
#include "server/relay_runner.h"
#include "server/stop_signals.h"
#include "server/storage.h"
#include "server/webhook_http_sender.h"

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
    RelayRunner runner(**database, config, cipher, sender, clock, random);
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
