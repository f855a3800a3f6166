#include "server/storage.h"

#include "db/mysql/mysql_db.h"
#include "db/sqlite/sqlite_db.h"
#include "db/url.h"
#include "kv/kv_url.h"
#include "kv/memory/memory_kv.h"
#include "kv/redis/redis_kv.h"

namespace mileage::server {

Status ValidateDatabaseUrl(const std::string& url) { return db::ParseDatabaseUrl(url).status(); }

Status ValidateKvUrl(const std::string& url) { return kv::ParseKvUrl(url).status(); }

Result<std::unique_ptr<db::Db>> OpenDatabase(const Config& config) {
  MILEAGE_ASSIGN_OR_RETURN(db::DatabaseUrl url, db::ParseDatabaseUrl(config.database));
  db::PoolOptions pool;
  pool.max_size = config.database_pool_size;
  pool.acquire_timeout = std::chrono::milliseconds(config.database_timeout_ms);
  if (url.dialect == db::Dialect::kSqlite) {
    db::SqliteOptions options;
    options.path = url.path;
    options.pool = pool;
    options.busy_timeout = std::chrono::milliseconds(config.database_timeout_ms);
    return db::OpenSqliteDb(options);
  }
  db::MysqlOptions options;
  options.host = url.host;
  options.port = url.port;
  options.user = url.user;
  options.password = url.password;
  options.database = url.database;
  options.pool = pool;
  options.connect_timeout = std::chrono::milliseconds(config.database_timeout_ms);
  options.io_timeout = std::chrono::milliseconds(config.database_timeout_ms);
  options.wsrep_sync_wait = url.wsrep_sync_wait;
  return db::OpenMysqlDb(options);
}

Result<std::unique_ptr<kv::Kv>> OpenKv(const Config& config, const Clock& clock) {
  MILEAGE_ASSIGN_OR_RETURN(kv::KvUrl url, kv::ParseKvUrl(config.kv));
  if (url.kind == kv::KvUrl::Kind::kMemory) {
    return std::unique_ptr<kv::Kv>(std::make_unique<kv::MemoryKv>(clock));
  }
  kv::RedisOptions options = kv::RedisOptionsFromUrl(url);
  options.pool_size = config.kv_pool_size;
  options.connect_timeout = std::chrono::milliseconds(config.kv_timeout_ms);
  options.command_timeout = std::chrono::milliseconds(config.kv_timeout_ms);
  return kv::OpenRedisKv(options);
}

}  // namespace mileage::server
