#pragma once

#include <span>
#include <string_view>

#include "db/db.h"

namespace mileage::db::internal {

// One db/migrations/<dialect>/NNNN_name.sql file as compiled into the binary.
struct EmbeddedMigrationFile {
  Dialect dialect;
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every embedded file of both dialects, ordered by dialect then version. Defined in the .cc
// that db/embed_migrations.cmake generates at build time; static storage, thread-safe.
std::span<const EmbeddedMigrationFile> EmbeddedMigrationFiles();

}  // namespace mileage::db::internal
