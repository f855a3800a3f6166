#include "server/data_key_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "db/url.h"

namespace mileage::server {
namespace {

constexpr const char* kKeyFileName = "data.key";

Result<crypto::DataKey> ReadKeyFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return UnavailableError("cannot read the data key file " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  Result<crypto::DataKey> key = crypto::DataKey::FromHex(text);
  if (!key.ok()) {
    return InvalidArgumentError(path.string() + " must hold the data key as 64 hex digits");
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    MILEAGE_LOG(kWarn) << path.string() << " is readable by other users; chmod 600 it";
  }
  return key;
}

// Creates the key file with O_EXCL; false (and no error) when another process won the race.
Result<bool> WriteNewKeyFile(const std::filesystem::path& path, const std::string& hex) {
  std::error_code ignored;
  std::filesystem::create_directories(path.parent_path(), ignored);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) return false;
  if (fd < 0) {
    return UnavailableError("cannot create the data key file " + path.string() + ": " +
                            std::strerror(errno));
  }
  const std::string line = hex + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    std::filesystem::remove(path, ignored);
    return UnavailableError("cannot write the data key file " + path.string());
  }
  return true;
}

}  // namespace

Result<crypto::DataKey> ResolveDataKey(const Config& config, RandomSource& random) {
  if (!config.data_key.empty()) return crypto::DataKey::FromHex(config.data_key);
  MILEAGE_ASSIGN_OR_RETURN(db::DatabaseUrl url, db::ParseDatabaseUrl(config.database));
  if (url.dialect != db::Dialect::kSqlite) {
    return InvalidArgumentError(
        "config key \"data_key\" is required with a MySQL database: every instance sharing the "
        "database needs the same key (64 hex digits, e.g. from `openssl rand -hex 32`)",
        "INVALID_CONFIG");
  }
  if (url.path == ":memory:") {
    MILEAGE_LOG(kWarn) << "no data_key configured and the database is in memory: using a "
                          "random data key for this process only";
    return crypto::DataKey::FromHex(RandomHex(random, 32));
  }
  const std::filesystem::path path = std::filesystem::path(url.path).parent_path() / kKeyFileName;
  if (!std::filesystem::exists(path)) {
    MILEAGE_ASSIGN_OR_RETURN(bool created, WriteNewKeyFile(path, RandomHex(random, 32)));
    if (created) {
      MILEAGE_LOG(kWarn) << "no data_key configured: generated a new data key in " << path.string()
                         << " (mode 0600). Back it up with the database: without it, merchant "
                            "keys and partner secrets cannot be decrypted";
    }
  }
  return ReadKeyFile(path);
}

Result<std::vector<crypto::DataKey>> PreviousDataKeys(const Config& config) {
  std::vector<crypto::DataKey> keys;
  for (size_t i = 0; i < config.previous_data_keys.size(); ++i) {
    Result<crypto::DataKey> key = crypto::DataKey::FromHex(config.previous_data_keys[i]);
    if (!key.ok()) {
      return InvalidArgumentError("config key \"previous_data_keys\" entry " + std::to_string(i) +
                                      " must be 64 hex digits (32 bytes)",
                                  "INVALID_CONFIG");
    }
    keys.push_back(*key);
  }
  return keys;
}

}  // namespace mileage::server
