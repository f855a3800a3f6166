#pragma once

// What the payments tests check the database and the sandbox for, in one place.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "payments/refund_math.h"
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
        "point_entries", "point_lots", "point_accounts"}) {
    out += std::string(table) + "=" +
           std::to_string(database.Scalar(std::string("SELECT COUNT(*) FROM ") + table)) + " ";
  }
  return out;
}

// The points a payment of `amount_fen` leaves with its payer under the default rule (1 point
// per yuan) after `refunded_fen` of it was refunded.
inline int64_t PointsKept(int64_t amount_fen, int64_t refunded_fen) {
  const int64_t earned = amount_fen / 100;
  return earned -
         payments::ComputeRefundEffect(amount_fen, earned, 0, 0, refunded_fen).points_to_reverse;
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
