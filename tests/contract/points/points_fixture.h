#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/db.h"
#include "points/earning_rules.h"
#include "points/ledger.h"
#include "tests/support/test_database.h"

namespace mileage::points {

#define POINTS_ASSERT_OK(expr)                                      \
  do {                                                              \
    const auto& points_ok_ = (expr);                                \
    ASSERT_TRUE(points_ok_.ok()) << points_ok_.status().ToString(); \
  } while (false)

// A fresh migrated database per test on the backend of the parameter, with helpers that run
// ledger calls in their own transaction and read the tables directly.
class PointsDbTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    database_ = testing::TestDatabase::Open(GetParam(), /*pool_size=*/16);
    if (database_ == nullptr && !IsSkipped()) FAIL() << "no test database";
  }

  db::Db& db() { return database_->db(); }

  // A brand row (point_accounts and earning_rules reference brands).
  int64_t NewBrand(const std::string& name) {
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return 0;
    Result<int64_t> inserted = (*conn)->Insert(
        "INSERT INTO brands (name, active, created_at, updated_at) VALUES (?, 1, 0, 0)",
        {db::Value(name)});
    EXPECT_TRUE(inserted.ok()) << inserted.status().ToString();
    return inserted.ok() ? *inserted : 0;
  }

  // Runs `call(ledger)` in a transaction of its own (db::InTransaction, retried on Aborted),
  // committing when it succeeds.
  template <typename Call>
  auto InTx(Call call) -> decltype(call(std::declval<Ledger&>())) {
    using R = decltype(call(std::declval<Ledger&>()));
    std::optional<R> out;
    Status status = db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      Ledger ledger(conn);
      out.emplace(call(ledger));
      return out->ok() ? Status::Ok() : out->status();
    });
    if (!status.ok()) return status;
    return std::move(*out);
  }

  Result<PostResult> Earn(int64_t brand, int64_t member, int64_t points, const std::string& key,
                          int64_t expires_at = 0, int64_t now = 1000, bool new_key = false) {
    EarnRequest r;
    r.new_key = new_key;
    r.brand_id = brand;
    r.member_id = member;
    r.points = points;
    r.idempotency_key = key;
    r.reason = "payment";
    r.source_ref = "wxpay:" + key;
    r.rule_version = 3;
    r.now = now;
    r.expires_at = expires_at;
    return InTx([&](Ledger& l) { return l.Earn(r); });
  }

  static DebitRequest Debit(int64_t brand, int64_t member, int64_t points, const std::string& key,
                            const std::string& reason) {
    DebitRequest r;
    r.brand_id = brand;
    r.member_id = member;
    r.points = points;
    r.idempotency_key = key;
    r.reason = reason;
    r.source_ref = "ref:" + key;
    r.now = 2000;
    return r;
  }
  Result<PostResult> Reverse(int64_t brand, int64_t member, int64_t points,
                             const std::string& key) {
    const DebitRequest r = Debit(brand, member, points, key, "refund");
    return InTx([&](Ledger& l) { return l.Reverse(r); });
  }
  Result<PostResult> Spend(int64_t brand, int64_t member, int64_t points, const std::string& key) {
    const DebitRequest r = Debit(brand, member, points, key, "redeem");
    return InTx([&](Ledger& l) { return l.Spend(r); });
  }

  Balance BalanceOf(int64_t member) {
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return {};
    Ledger ledger(**conn);
    Result<Balance> balance = ledger.BalanceOf(member);
    EXPECT_TRUE(balance.ok()) << balance.status().ToString();
    return balance.ok() ? *balance : Balance{};
  }

  std::vector<db::Row> Query(const std::string& sql, std::vector<db::Value> params = {}) {
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return {};
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql, params);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<db::Row>{};
  }
  int64_t QueryInt(const std::string& sql, std::vector<db::Value> params = {}) {
    std::vector<db::Row> rows = Query(sql, std::move(params));
    return rows.empty() ? -1 : rows.front().Int(0);
  }

  // Row counts of the points tables: "nothing written" compares two of these.
  std::vector<int64_t> Counts() {
    return {QueryInt("SELECT COUNT(*) FROM point_accounts"),
            QueryInt("SELECT COUNT(*) FROM point_journals"),
            QueryInt("SELECT COUNT(*) FROM point_entries"),
            QueryInt("SELECT COUNT(*) FROM point_lots"),
            QueryInt("SELECT COALESCE(SUM(remaining), 0) FROM point_lots"),
            QueryInt("SELECT COALESCE(SUM(balance), 0) FROM point_accounts"),
            QueryInt("SELECT COUNT(*) FROM point_lot_uses")};
  }

  // The ledger's invariants for `brand`, checked from the tables: it has journals (so that
  // none of this holds vacuously), each with at least two entries that sum to zero; each
  // running balance equals the sum of its account's entries, member balances and debts are
  // never negative, and a member's balance equals what remains in its lots. What the brand
  // and its members should hold is each test's own expectation (TotalsOf, BalanceOf).
  void ExpectConsistent(int64_t brand) {
    SCOPED_TRACE("ledger invariants");
    const int64_t journals =
        QueryInt("SELECT COUNT(*) FROM point_journals WHERE brand_id = ?", {db::Value(brand)});
    EXPECT_GT(journals, 0) << "brand " << brand << " has no journal to check";
    EXPECT_GE(QueryInt("SELECT COUNT(*) FROM point_entries e JOIN point_journals j ON "
                       "j.id = e.journal_id WHERE j.brand_id = ?",
                       {db::Value(brand)}),
              2 * journals);
    {
      Result<db::PooledConnection> conn = db().Acquire();
      ASSERT_TRUE(conn.ok());
      Ledger ledger(**conn);
      Result<int64_t> sum = ledger.SumOfEntries(brand);
      ASSERT_TRUE(sum.ok()) << sum.status().ToString();
      EXPECT_EQ(*sum, 0);
    }
    EXPECT_TRUE(Query("SELECT e.journal_id FROM point_entries e JOIN point_journals j ON "
                      "j.id = e.journal_id WHERE j.brand_id = ? GROUP BY e.journal_id "
                      "HAVING SUM(e.amount) <> 0 OR COUNT(*) < 2",
                      {db::Value(brand)})
                    .empty());
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_journals j WHERE NOT EXISTS "
                       "(SELECT 1 FROM point_entries e WHERE e.journal_id = j.id)"),
              0);
    const std::vector<db::Row> accounts = Query(
        "SELECT a.id, a.kind, a.balance, a.owner_id, (SELECT COALESCE(SUM(e.amount), 0) "
        "FROM point_entries e WHERE e.account_id = a.id) FROM point_accounts a "
        "WHERE a.brand_id = ?",
        {db::Value(brand)});
    EXPECT_GE(accounts.size(), 2u);
    for (const db::Row& row : accounts) {
      const std::string kind = row.Text(1);
      if (kind == "member" || kind == "member_debt") {
        EXPECT_EQ(row.Int(2), row.Int(4)) << kind << " account " << row.Int(0);
      } else {
        EXPECT_TRUE(row.IsNull(2)) << kind << " keeps no running balance";
      }
      if (kind == "member") {
        EXPECT_GE(row.Int(2), 0);
        EXPECT_EQ(row.Int(2), QueryInt("SELECT COALESCE(SUM(remaining), 0) FROM point_lots "
                                       "WHERE member_id = ?",
                                       {db::Value(row.Int(3))}))
            << "member " << row.Int(3) << " balance vs lots";
      }
      if (kind == "member_debt") {
        EXPECT_LE(row.Int(2), 0);
      }
    }
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_lots WHERE remaining < 0 OR "
                       "remaining > amount OR (active = 1) <> (remaining > 0)"),
              0);
    ExpectLotUsesTrace(brand);
  }

  // Every lot use names a journal of the brand; the uses of a journal add up to what it took
  // from lots (a spend or expiry: its points; a reversal: the points its balance covered; an
  // earning: the debt it repaid, as lot 0; an unspend: minus the points it gave back); the uses
  // of a lot add up to what it lost.
  void ExpectLotUsesTrace(int64_t brand) {
    SCOPED_TRACE("lot uses");
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_lot_uses u LEFT JOIN point_journals j ON "
                       "j.id = u.journal_id WHERE u.brand_id = ? AND (j.id IS NULL OR "
                       "j.brand_id <> u.brand_id OR "
                       "(CASE WHEN j.kind = 'unspend' THEN -u.points ELSE u.points END) <= 0 OR "
                       "u.consumer_partner_id <> CASE WHEN j.kind IN ('expire', 'earn') THEN 0 "
                       "ELSE j.partner_id END)",
                       {db::Value(brand)}),
              0);
    EXPECT_TRUE(Query("SELECT j.id FROM point_journals j WHERE j.brand_id = ? AND "
                      "(SELECT COALESCE(SUM(u.points), 0) FROM point_lot_uses u WHERE "
                      "u.journal_id = j.id) <> CASE j.kind WHEN 'earn' THEN -j.debt_change "
                      "WHEN 'reverse' THEN j.points - j.debt_change WHEN 'unspend' THEN -j.points "
                      "ELSE j.points END",
                      {db::Value(brand)})
                    .empty());
    EXPECT_TRUE(Query("SELECT l.id FROM point_lots l WHERE l.brand_id = ? AND "
                      "(SELECT COALESCE(SUM(u.points), 0) FROM point_lot_uses u WHERE "
                      "u.lot_id = l.id) <> l.amount - l.remaining",
                      {db::Value(brand)})
                    .empty());
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_lot_uses u JOIN point_lots l ON "
                       "l.id = u.lot_id WHERE u.brand_id = ? AND "
                       "u.funder_partner_id <> l.funder_partner_id",
                       {db::Value(brand)}),
              0);
  }

  std::unique_ptr<testing::TestDatabase> database_;
};

}  // namespace mileage::points
