#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "db/db.h"

namespace mileage::testing {

// Forwards to a real connection and counts the statements, to hold a hot path to its budget.
// Not safe for concurrent use (as the connection it wraps).
class CountingConnection final : public db::Connection {
 public:
  explicit CountingConnection(db::Connection& inner) : inner_(inner) {}
  int statements() const { return statements_; }

  db::Dialect dialect() const override { return inner_.dialect(); }
  Result<db::ExecResult> Exec(std::string_view sql, std::span<const db::Value> params) override {
    ++statements_;
    return inner_.Exec(sql, params);
  }
  Result<int64_t> Insert(std::string_view sql, std::span<const db::Value> params) override {
    ++statements_;
    return inner_.Insert(sql, params);
  }
  Result<std::vector<db::Row>> Query(std::string_view sql,
                                     std::span<const db::Value> params) override {
    ++statements_;
    return inner_.Query(sql, params);
  }
  Status ExecScript(std::string_view sql) override { return inner_.ExecScript(sql); }
  Status Begin() override { return inner_.Begin(); }
  Status Commit() override { return inner_.Commit(); }
  Status Rollback() override { return inner_.Rollback(); }
  bool in_transaction() const override { return inner_.in_transaction(); }
  Status Ping() override { return inner_.Ping(); }
  bool broken() const override { return inner_.broken(); }

 private:
  db::Connection& inner_;
  int statements_ = 0;
};

}  // namespace mileage::testing
