#include "db/db.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <random>
#include <string_view>
#include <thread>

#include "common/log.h"

namespace mileage::db {

namespace {

// A Row accessor was used on a column the row does not have or on a value it cannot read
// (db.h): log it, then stop a build with assertions (every test build) on the spot.
void ReportMisuse(const char* accessor, size_t i, size_t width, const char* file, int line,
                  std::string_view problem) {
  MILEAGE_LOG(kError) << "db::Row::" << accessor << "(" << i << ") at " << file << ":" << line
                      << " on a row of " << width << " columns: " << problem;
#ifndef NDEBUG
  std::abort();
#endif
}

// The integer in `text` when all of it is one (drivers report some computed integers as
// text); nullopt otherwise.
std::optional<int64_t> ParseInteger(const std::string& text) {
  int64_t parsed = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return parsed;
}

}  // namespace

const Value* Row::At(size_t i, const char* accessor, const char* file, int line) const {
  if (i < values_.size()) return &values_[i];
  ReportMisuse(accessor, i, values_.size(), file, line, "no such column");
  return nullptr;
}

bool Row::IsNull(size_t i, const char* file, int line) const {
  const Value* value = At(i, "IsNull", file, line);
  return value == nullptr || std::holds_alternative<std::nullptr_t>(*value);
}

int64_t Row::Int(size_t i, const char* file, int line) const {
  const Value* value = At(i, "Int", file, line);
  if (value == nullptr) return 0;
  if (const auto* n = std::get_if<int64_t>(value)) return *n;
  if (const auto* s = std::get_if<std::string>(value)) {
    if (std::optional<int64_t> parsed = ParseInteger(*s)) return *parsed;
    ReportMisuse(
        "Int", i, values_.size(), file, line,
        "the value is text of " + std::to_string(s->size()) + " bytes that is not an integer");
  }
  return 0;
}

std::string Row::Text(size_t i, const char* file, int line) const {
  const Value* value = At(i, "Text", file, line);
  if (value == nullptr) return "";
  if (const auto* s = std::get_if<std::string>(value)) return *s;
  if (const auto* n = std::get_if<int64_t>(value)) return std::to_string(*n);
  return "";
}

std::optional<int64_t> Row::OptionalInt(size_t i, const char* file, int line) const {
  if (IsNull(i, file, line)) return std::nullopt;
  return Int(i, file, line);
}

std::optional<std::string> Row::OptionalText(size_t i, const char* file, int line) const {
  if (IsNull(i, file, line)) return std::nullopt;
  return Text(i, file, line);
}

const Value& Row::value(size_t i, const char* file, int line) const {
  static const Value kNull(nullptr);
  const Value* value = At(i, "value", file, line);
  return value != nullptr ? *value : kNull;
}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    conn_ = std::move(other.conn_);
  }
  return *this;
}

PooledConnection::~PooledConnection() { Release(); }

void PooledConnection::Release() {
  if (conn_ == nullptr) return;
  if (conn_->in_transaction() && !conn_->broken()) {
    Status status = conn_->Rollback();
    if (!status.ok()) {
      MILEAGE_LOG(kWarn) << "rolling back an abandoned transaction failed: " << status.ToString();
    }
  }
  if (owner_ != nullptr) owner_->Return(std::move(conn_));
  conn_.reset();
}

namespace {

// One attempt: BEGIN, work, COMMIT on a freshly acquired connection.
Status RunTransactionOnce(Db& db, const std::function<Status(Connection&)>& work) {
  MILEAGE_ASSIGN_OR_RETURN(PooledConnection conn, db.Acquire());
  MILEAGE_RETURN_IF_ERROR(conn->Begin());
  Status status = work(*conn);
  if (status.ok()) status = conn->Commit();
  if (!status.ok() && conn->in_transaction()) {
    // The work's error is what the caller needs; a failed rollback breaks the connection and
    // the pool drops it.
    conn->Rollback().IgnoreError();
  }
  return status;
}

// The pause before retry `attempt` + 1 of an aborted transaction: doubling from 1 ms up to
// 64 ms, each drawn at random between half and all of it. The growth lets the winner of a
// deadlock or lock race finish first, and on Galera lets this node apply the other node's
// conflicting write before the retry reads again (under load that takes tens of ms); the
// randomness keeps two losers from colliding again in step.
std::chrono::microseconds RetryPause(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const int64_t full_us = int64_t{1000} << std::min(attempt - 1, 6);
  std::uniform_int_distribution<int64_t> pick(full_us / 2, full_us);
  return std::chrono::microseconds(pick(random));
}

}  // namespace

Status InTransaction(Db& db, const std::function<Status(Connection&)>& work, int attempts) {
  for (int attempt = 1;; ++attempt) {
    Status status = RunTransactionOnce(db, work);
    if (status.ok() || status.code() != StatusCode::kAborted || attempt >= attempts) {
      return status;
    }
    std::this_thread::sleep_for(RetryPause(attempt));
  }
}

}  // namespace mileage::db
