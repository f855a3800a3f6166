#include "db/db.h"

#include <charconv>
#include <chrono>
#include <thread>

#include "common/log.h"

namespace mileage::db {

bool Row::IsNull(size_t i) const {
  return i >= values_.size() || std::holds_alternative<std::nullptr_t>(values_[i]);
}

int64_t Row::Int(size_t i) const {
  if (i >= values_.size()) return 0;
  if (const auto* v = std::get_if<int64_t>(&values_[i])) return *v;
  if (const auto* s = std::get_if<std::string>(&values_[i])) {
    // A driver may report a computed integer as text (e.g. MySQL `SELECT ?`).
    int64_t parsed = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), parsed);
    if (ec == std::errc() && end == s->data() + s->size()) return parsed;
  }
  return 0;
}

std::string Row::Text(size_t i) const {
  if (i >= values_.size()) return "";
  if (const auto* s = std::get_if<std::string>(&values_[i])) return *s;
  if (const auto* v = std::get_if<int64_t>(&values_[i])) return std::to_string(*v);
  return "";
}

std::optional<int64_t> Row::OptionalInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptionalText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
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

}  // namespace

Status InTransaction(Db& db, const std::function<Status(Connection&)>& work, int attempts) {
  for (int attempt = 1;; ++attempt) {
    Status status = RunTransactionOnce(db, work);
    if (status.ok() || status.code() != StatusCode::kAborted || attempt >= attempts) {
      return status;
    }
    // A short, growing pause lets the winner of a deadlock or lock race finish first.
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt));
  }
}

}  // namespace mileage::db
