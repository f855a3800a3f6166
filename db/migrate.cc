#include "db/migrate.h"

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string_view>
#include <thread>

#include "common/log.h"
#include "db/embedded_migrations.h"

namespace mileage::db {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version BIGINT NOT NULL PRIMARY KEY, "
    "name VARCHAR(255) NOT NULL, "
    "checksum CHAR(64) NOT NULL, "
    "applied_at BIGINT NOT NULL)";
constexpr std::string_view kSelectRecorded =
    "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr std::string_view kInsertRecord =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)";
// Named per schema, so that migrations of different databases on one server do not wait for
// each other. MySQL and MariaDB limit lock names to 64 characters.
// Polled without waiting on the server, so that no single statement outlasts the connection's
// read timeout.
constexpr std::string_view kMysqlLock =
    "SELECT GET_LOCK(LEFT(CONCAT('mileage_migrate.', DATABASE()), 64), 0)";
constexpr std::string_view kMysqlUnlock =
    "SELECT RELEASE_LOCK(LEFT(CONCAT('mileage_migrate.', DATABASE()), 64))";

// How long a migrator waits for another one to finish.
constexpr std::chrono::seconds kLockWait(60);

struct Recorded {
  std::string name;
  std::string checksum;
};

Status ValidateList(std::span<const Migration> migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return InvalidArgumentError(
          "migration versions must be positive and strictly increasing: " + MigrationFileName(m) +
          " follows version " + std::to_string(previous));
    }
    if (m.name.empty()) {
      return InvalidArgumentError("migration " + std::to_string(m.version) + " has no name");
    }
    previous = m.version;
  }
  return Status::Ok();
}

Result<std::map<int64_t, Recorded>> LoadRecorded(Connection& conn) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Row> rows, conn.Query(kSelectRecorded));
  std::map<int64_t, Recorded> recorded;
  for (const Row& row : rows) recorded[row.Int(0)] = {row.Text(1), row.Text(2)};
  return recorded;
}

// Checks the recorded migrations against the list and finds the first one to apply (nullptr
// when all are applied).
Status Verify(const std::map<int64_t, Recorded>& recorded, std::span<const Migration> migrations,
              const std::vector<std::string>& checksums, const Migration** next) {
  *next = nullptr;
  const int64_t highest = recorded.empty() ? 0 : recorded.rbegin()->first;
  for (size_t i = 0; i < migrations.size(); ++i) {
    const Migration& m = migrations[i];
    auto it = recorded.find(m.version);
    if (it == recorded.end()) {
      if (m.version < highest) {
        return FailedPreconditionError(
            "migration " + MigrationFileName(m) + " is not applied but the later version " +
            std::to_string(highest) + " is; give it a number above the applied ones");
      }
      if (*next == nullptr) *next = &m;
      continue;
    }
    if (it->second.name != m.name) {
      return FailedPreconditionError("migration " + MigrationFileName(m) +
                                     " was recorded under the name '" + it->second.name +
                                     "'; applied migrations must never be renamed");
    }
    if (it->second.checksum != checksums[i]) {
      return FailedPreconditionError("migration " + MigrationFileName(m) +
                                     " was changed after it was applied (recorded " + "sha256 " +
                                     it->second.checksum + ", file now " + checksums[i] +
                                     "); restore it and put the change in a new migration");
    }
  }
  return Status::Ok();
}

// How many of `migrations` are recorded; warns about recorded versions the list lacks (the
// database was migrated by a newer binary).
int CountRecorded(const std::map<int64_t, Recorded>& recorded,
                  std::span<const Migration> migrations) {
  int count = 0;
  for (const auto& [version, entry] : recorded) {
    bool known = false;
    for (const Migration& m : migrations) known = known || m.version == version;
    if (known) {
      ++count;
    } else {
      MILEAGE_LOG(kWarn) << "the database has migration " << version << " (" << entry.name
                         << ") that this binary does not know: it was migrated by a newer one";
    }
  }
  return count;
}

Status Prefixed(const Migration& m, const Status& status) {
  return Status(status.code(), "migration " + MigrationFileName(m) + ": " + status.message());
}

// Begins a transaction, retrying while it is Aborted (SQLite: another process holds the write
// lock past the busy timeout) until `deadline`.
Status BeginBefore(Connection& conn, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    Status status = conn.Begin();
    if (status.code() != StatusCode::kAborted || std::chrono::steady_clock::now() >= deadline) {
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Takes the MySQL migration lock of this schema, polling until `deadline`.
Status LockMysql(Connection& conn, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    MILEAGE_ASSIGN_OR_RETURN(std::vector<Row> locked, conn.Query(kMysqlLock));
    if (locked.empty() || locked[0].IsNull(0)) {
      return InternalError("GET_LOCK for the migration lock failed");
    }
    if (locked[0].Int(0) == 1) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return AbortedError("another process held the migration lock for " +
                          std::to_string(kLockWait.count()) + " s; try again");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Applies the pending migrations one transaction at a time; the caller holds the MySQL lock
// (SQLite's BEGIN IMMEDIATE is the lock there).
Result<MigrateResult> MigrateLocked(Connection& conn, const Clock& clock,
                                    std::span<const Migration> migrations,
                                    std::chrono::steady_clock::time_point deadline) {
  std::vector<std::string> checksums;
  checksums.reserve(migrations.size());
  for (const Migration& m : migrations) checksums.push_back(MigrationChecksum(m));

  MILEAGE_RETURN_IF_ERROR(BeginBefore(conn, deadline));
  Status created = conn.Exec(kCreateTable).status();
  if (created.ok()) created = conn.Commit();
  if (!created.ok()) {
    if (conn.in_transaction()) conn.Rollback().IgnoreError();  // The CREATE error matters.
    return created;
  }
  MigrateResult result;
  bool first_pass = true;
  while (true) {
    MILEAGE_RETURN_IF_ERROR(BeginBefore(conn, deadline));
    Result<std::map<int64_t, Recorded>> recorded = LoadRecorded(conn);
    const Migration* next = nullptr;
    Status status = recorded.status();
    if (status.ok()) status = Verify(*recorded, migrations, checksums, &next);
    if (status.ok() && first_pass) {
      result.already_applied = CountRecorded(*recorded, migrations);
      first_pass = false;
    }
    if (!status.ok()) {
      conn.Rollback().IgnoreError();  // Reporting the verification error matters more.
      return status;
    }
    if (next == nullptr) {
      MILEAGE_RETURN_IF_ERROR(conn.Commit());
      return result;
    }

    status = conn.ExecScript(next->sql);
    if (status.ok()) {
      const size_t index = static_cast<size_t>(next - migrations.data());
      status = conn.Exec(kInsertRecord, {Value(int64_t{next->version}), Value(next->name),
                                         Value(checksums[index]), Value(UnixSeconds(clock.Now()))})
                   .status();
    }
    if (status.ok()) status = conn.Commit();
    if (!status.ok()) {
      if (conn.in_transaction()) conn.Rollback().IgnoreError();  // The script's error matters.
      return Prefixed(*next, status);
    }
    MILEAGE_LOG(kInfo) << "applied migration " << MigrationFileName(*next);
    result.applied.push_back(MigrationFileName(*next));
  }
}

}  // namespace

std::string MigrationFileName(const Migration& migration) {
  char version[16];
  std::snprintf(version, sizeof(version), "%04d", migration.version);
  return std::string(version) + "_" + migration.name + ".sql";
}

std::string MigrationChecksum(const Migration& migration) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(migration.sql.data(), migration.sql.size(), digest, &length, EVP_sha256(),
                 nullptr) != 1) {
    return "";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

std::vector<Migration> EmbeddedMigrations(Dialect dialect) {
  std::vector<Migration> out;
  for (const internal::EmbeddedMigrationFile& file : internal::EmbeddedMigrationFiles()) {
    if (file.dialect != dialect) continue;
    out.push_back({file.version, std::string(file.name), std::string(file.sql)});
  }
  return out;
}

Result<MigrateResult> Migrate(Db& db, const Clock& clock) {
  const std::vector<Migration> migrations = EmbeddedMigrations(db.dialect());
  return Migrate(db, clock, migrations);
}

Result<MigrateResult> Migrate(Db& db, const Clock& clock, std::span<const Migration> migrations) {
  MILEAGE_RETURN_IF_ERROR(ValidateList(migrations));
  MILEAGE_ASSIGN_OR_RETURN(PooledConnection conn, db.Acquire());
  const auto deadline = std::chrono::steady_clock::now() + kLockWait;
  if (conn->dialect() != Dialect::kMysql) {
    return MigrateLocked(*conn, clock, migrations, deadline);
  }
  MILEAGE_RETURN_IF_ERROR(LockMysql(*conn, deadline));
  Result<MigrateResult> result = MigrateLocked(*conn, clock, migrations, deadline);
  if (!conn->broken()) {
    // A lost connection releases the lock by itself.
    Result<std::vector<Row>> unlocked = conn->Query(kMysqlUnlock);
    if (!unlocked.ok()) {
      MILEAGE_LOG(kWarn) << "releasing the migration lock failed: " << unlocked.status().ToString();
    }
  }
  return result;
}

}  // namespace mileage::db
