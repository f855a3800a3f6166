#pragma once

// What the payments tests check the database and the sandbox for, in one place.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/support/running_sandbox.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace mileage::testing {

// The spendable points of the member with `openid` (0 when there is none).
inline int64_t BalanceOfOpenid(TestDatabase& database, const std::string& openid) {
  return database.Scalar(
      "SELECT a.balance FROM point_accounts a JOIN member_identities i "
      "ON i.member_id = a.owner_id WHERE a.kind = 'member' AND i.kind = 'openid' AND i.value = '" +
      openid + "'");
}

// Every table the payment flow writes, with its row count: "table=N ...", for comparing the
// state before and after something that must write nothing.
inline std::string WrittenState(TestDatabase& database) {
  std::string out;
  for (const char* table :
       {"payment_notifications", "payment_transactions", "payment_refunds", "outbox_events",
        "members", "member_identities", "member_activity", "member_tier_changes", "point_journals",
        "point_entries", "point_lots", "point_accounts", "coupons"}) {
    out += std::string(table) + "=" +
           std::to_string(database.Scalar(std::string("SELECT COUNT(*) FROM ") + table)) + " ";
  }
  return out;
}

// The points a payment of `amount_fen` earns under the default rule (docs/API.md: 1 point per
// yuan, floored).
inline int64_t PointsEarned(int64_t amount_fen) { return amount_fen / 100; }

// The points refunds totalling `refunded_fen` take back from that payment (docs/API.md: in
// proportion to the refunded total, rounded down on the cumulative total, never more than it
// earned): floor(earned * refunded / amount), written out here rather than asked of
// points::ComputeRefundEffect, the code under test.
inline int64_t PointsReversed(int64_t amount_fen, int64_t refunded_fen) {
  const int64_t refunded = refunded_fen < amount_fen ? refunded_fen : amount_fen;
  return PointsEarned(amount_fen) * refunded / amount_fen;  // non-negative: / floors
}

// What the payer keeps of that payment.
inline int64_t PointsKept(int64_t amount_fen, int64_t refunded_fen) {
  return PointsEarned(amount_fen) - PointsReversed(amount_fen, refunded_fen);
}

// One brand's ledger as its rows say: the sum of the entries of each kind of account and how
// many journals and entries there are. Unlike "every entry sums to zero", which holds for any
// ledger that refuses unbalanced journals (and for an empty one), each of these can be
// compared with what the test's payments and refunds must have written.
struct LedgerTotals {
  int64_t members = 0;    // entries of the brand's member accounts: what members hold
  int64_t debts = 0;      // entries of its member_debt accounts (<= 0)
  int64_t liability = 0;  // entries of brand_liability: minus what is earned and not reversed
  int64_t breakage = 0;   // entries of brand_breakage (expiry)
  int64_t earn_journals = 0;
  int64_t earned = 0;  // points of the earn journals
  int64_t reverse_journals = 0;
  int64_t reversed = 0;  // points of the reverse journals
  int64_t entries = 0;
};
inline LedgerTotals LedgerOf(TestDatabase& database, int64_t brand_id) {
  const std::string of_brand = "brand_id = " + std::to_string(brand_id);
  auto sum_of = [&](const std::string& kind) {
    return database.Scalar(
        "SELECT COALESCE(SUM(e.amount), 0) FROM point_entries e JOIN point_accounts a ON "
        "a.id = e.account_id WHERE a.kind = '" +
        kind + "' AND a." + of_brand);
  };
  auto journals = [&](const std::string& what, const std::string& kind) {
    return database.Scalar("SELECT " + what + " FROM point_journals WHERE kind = '" + kind +
                           "' AND " + of_brand);
  };
  LedgerTotals totals;
  totals.members = sum_of("member");
  totals.debts = sum_of("member_debt");
  totals.liability = sum_of("brand_liability");
  totals.breakage = sum_of("brand_breakage");
  totals.earn_journals = journals("COUNT(*)", "earn");
  totals.earned = journals("COALESCE(SUM(points), 0)", "earn");
  totals.reverse_journals = journals("COUNT(*)", "reverse");
  totals.reversed = journals("COALESCE(SUM(points), 0)", "reverse");
  totals.entries = database.Scalar(
      "SELECT COUNT(*) FROM point_entries e JOIN point_journals j ON j.id = e.journal_id WHERE j." +
      of_brand);
  return totals;
}

// The ledger of a brand whose payments earned `earned` points in `earn_journals` journals
// and whose refunds reversed `reversed` of them in `reverse_journals`, none spent or expired:
// members hold the difference, the liability is its negation, and each journal has two
// entries (brand and member).
inline void ExpectLedger(TestDatabase& database, int64_t brand_id, int64_t earn_journals,
                         int64_t earned, int64_t reverse_journals, int64_t reversed) {
  const LedgerTotals totals = LedgerOf(database, brand_id);
  EXPECT_EQ(totals.earn_journals, earn_journals);
  EXPECT_EQ(totals.earned, earned);
  EXPECT_EQ(totals.reverse_journals, reverse_journals);
  EXPECT_EQ(totals.reversed, reversed);
  EXPECT_EQ(totals.members, earned - reversed);
  EXPECT_EQ(totals.liability, -(earned - reversed));
  EXPECT_EQ(totals.debts, 0);
  EXPECT_EQ(totals.breakage, 0);
  EXPECT_EQ(totals.entries, 2 * (earn_journals + reverse_journals));
}

// Each payment by out_trade_no: {amount_fen, points_earned, refunded_fen, points_reversed}.
inline std::map<std::string, std::vector<int64_t>> PaymentsByOutTradeNo(TestDatabase& database) {
  std::map<std::string, std::vector<int64_t>> out;
  Result<db::PooledConnection> conn = database.db().Acquire();
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return out;
  Result<std::vector<db::Row>> rows = (*conn)->Query(
      "SELECT out_trade_no, amount_fen, points_earned, refunded_fen, points_reversed "
      "FROM payment_transactions");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok()) return out;
  for (const db::Row& row : *rows) {
    out[row.Text(0)] = {row.Int(1), row.Int(2), row.Int(3), row.Int(4)};
  }
  return out;
}

// SQL for a payment's reward source_ref ("pay:MCHID:TRANSACTION_ID") from payment_transactions
// aliased `alias`, in the database's dialect.
inline std::string RewardSourceRefSql(TestDatabase& database, const std::string& alias) {
  return database.db().dialect() == db::Dialect::kSqlite
             ? "'pay:' || " + alias + ".mchid || ':' || " + alias + ".transaction_id"
             : "CONCAT('pay:', " + alias + ".mchid, ':', " + alias + ".transaction_id)";
}

// The reward coupons of a stock: out_trade_no of the payment that earned each -> their states.
inline std::map<std::string, std::vector<std::string>> RewardsByPayment(TestDatabase& database,
                                                                        int64_t stock_id) {
  std::map<std::string, std::vector<std::string>> out;
  Result<db::PooledConnection> conn = database.db().Acquire();
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return out;
  Result<std::vector<db::Row>> rows = (*conn)->Query(
      "SELECT t.out_trade_no, c.state FROM coupons c JOIN payment_transactions t ON "
      "c.source_ref = " +
          RewardSourceRefSql(database, "t") + " WHERE c.stock_id = ?",
      {db::Value(stock_id)});
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok()) return out;
  for (const db::Row& row : *rows) out[row.Text(0)].push_back(row.Text(1));
  return out;
}

// `mileage admin ARGS --config CONFIG` with the real binary; its stdout (the new id) without
// the newline. Records a failure when it does not exit 0.
inline std::string RunAdmin(const std::string& binary, const std::string& config,
                            std::vector<std::string> args) {
  std::vector<std::string> argv = {binary, "admin"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--config");
  argv.push_back(config);
  Subprocess admin(argv);
  EXPECT_EQ(admin.Wait(std::chrono::seconds(60)), 0) << admin.stderr_text();
  std::string out = admin.stdout_text();
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// The sandbox's deliveries once none is pending (or the timeout passed): how many are in each
// state, and how many needed more than one attempt.
struct DeliveryTally {
  std::map<std::string, int> states;
  int retried = 0;
};
inline DeliveryTally AwaitDeliveries(RunningSandbox& sandbox, const std::string& query,
                                     std::chrono::minutes timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  DeliveryTally tally;
  for (;;) {
    rapidjson::Document deliveries = sandbox.GetJson("/sandbox/deliveries" + query);
    EXPECT_TRUE(deliveries.IsObject());
    if (!deliveries.IsObject()) return tally;
    tally = DeliveryTally();
    for (const auto& d : deliveries["deliveries"].GetArray()) {
      ++tally.states[d["state"].GetString()];
      if (d["attempts"].GetArray().Size() > 1) ++tally.retried;
    }
    if (tally.states["pending"] == 0 || std::chrono::steady_clock::now() >= deadline) {
      return tally;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace mileage::testing
