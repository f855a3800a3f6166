// POST /wechatpay/v3/notify/{mchid} against a real in-process server, on SQLite and MariaDB:
// what WeChat Pay sees (204 / 401 / 404 / 5xx with {"code":"FAIL"}) and what is recorded.
#include <rapidjson/document.h>

#include <atomic>
#include <thread>
#include <vector>

#include "points/ledger.h"
#include "tests/integration/payments/payments_checks.h"
#include "tests/integration/payments/payments_fixture.h"

namespace mileage::testing {
namespace {

using NotificationTest = PaymentsTest;

std::string FailMessage(const httplib::Result& res) {
  rapidjson::Document doc;
  doc.Parse(res->body.c_str());
  if (!doc.IsObject() || !doc.HasMember("code") || std::string(doc["code"].GetString()) != "FAIL") {
    return "<not a FAIL body: " + res->body + ">";
  }
  return doc["message"].GetString();
}

TEST_P(NotificationTest, APaymentEnrollsThePayerAndCreditsPoints) {
  auto res = Post(Payment({"4200000001", "openid-alice", 12345}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204) << res->body;
  EXPECT_EQ(Count("members"), 1);
  EXPECT_EQ(Count("payment_transactions"), 1);
  EXPECT_EQ(Scalar("SELECT amount_fen FROM payment_transactions"), 12345);
  // Default rule: 1 point per yuan, floored.
  EXPECT_EQ(Scalar("SELECT points_earned FROM payment_transactions"), 123);
  EXPECT_EQ(BalanceOfOpenid("openid-alice"), 123);
  ExpectLedger(*database_, brand_, 1, 123, 0, 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'payment.recorded'"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'member.enrolled'"), 1);
}

TEST_P(NotificationTest, ASecondPaymentOfTheSamePayerFindsTheMember) {
  ASSERT_EQ(Post(Payment({"4200000001", "openid-alice", 1000}))->status, 204);
  ASSERT_EQ(Post(Payment({"4200000002", "openid-alice", 2000}))->status, 204);
  EXPECT_EQ(Count("members"), 1);
  EXPECT_EQ(Count("payment_transactions"), 2);
  EXPECT_EQ(BalanceOfOpenid("openid-alice"), 30);
}

TEST_P(NotificationTest, PublicKeyModeVerifiesToo) {
  auto res = Post(Payment({"4200000001", "openid-alice", 500}, kPublicKeyId));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204) << res->body;
  EXPECT_EQ(Count("payment_transactions"), 1);
}

TEST_P(NotificationTest, TheSameNotificationTwiceChangesNothing) {
  wechat::pay::SignedNotification n = Payment({"4200000001", "openid-alice", 1000});
  ASSERT_EQ(Post(n)->status, 204);
  const std::string before = WrittenState();
  auto again = Post(n);
  EXPECT_EQ(again->status, 204);
  EXPECT_EQ(WrittenState(), before);
  EXPECT_EQ(BalanceOfOpenid("openid-alice"), 10);
}

TEST_P(NotificationTest, AnotherNotificationOfTheSameTransactionChangesNothing) {
  ASSERT_EQ(Post(Payment({"4200000001", "openid-alice", 1000}))->status, 204);
  const std::string before = WrittenState();
  auto again = Post(Payment({"4200000001", "openid-alice", 1000}));  // new notification id
  EXPECT_EQ(again->status, 204);
  EXPECT_EQ(WrittenState(), before);
}

TEST_P(NotificationTest, ConcurrentDuplicatesCreditOnce) {
  wechat::pay::SignedNotification n = Payment({"4200000001", "openid-alice", 1000});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto res = Post(n);
      if (res && res->status == 204) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(Count("payment_transactions"), 1);
  EXPECT_EQ(BalanceOfOpenid("openid-alice"), 10);
}

TEST_P(NotificationTest, ConcurrentFirstPaymentsOfOneNewPayerMakeOneMember) {
  std::vector<wechat::pay::SignedNotification> payments;
  for (int i = 0; i < 12; ++i) {
    payments.push_back(Payment({"42000001" + std::to_string(10 + i), "openid-new", 100}));
  }
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (const auto& n : payments) {
    threads.emplace_back([&, n] {
      auto res = Post(n);
      if (res && res->status == 204) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 12);
  EXPECT_EQ(Count("members"), 1);
  EXPECT_EQ(Count("payment_transactions"), 12);
  EXPECT_EQ(BalanceOfOpenid("openid-new"), 12);
}

// Every way a notification can fail verification: 401, FAIL, and nothing written at all.
TEST_P(NotificationTest, RejectedNotificationsWriteNothing) {
  const std::string empty = WrittenState();
  struct Case {
    std::string name;
    wechat::pay::SignedNotification n;
    std::string reason;
  };
  std::vector<Case> cases;
  {
    auto n = Payment({"4200000001", "openid-a", 1000});
    n.body[n.body.size() / 2] ^= 0x01;
    cases.push_back({"flipped body bit", n, "WECHATPAY_BAD_SIGNATURE"});
  }
  {
    auto n = Payment({"4200000002", "openid-a", 1000});
    n.headers.signature = "WECHATPAY/SIGNTEST/" + n.headers.signature;
    cases.push_back({"signtest probe", n, "WECHATPAY_SIGNTEST_PROBE"});
  }
  {
    auto n = Payment({"4200000003", "openid-a", 1000});
    n.headers.serial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
    cases.push_back({"unknown serial", n, "WECHATPAY_UNKNOWN_SERIAL"});
  }
  {
    clock_.Advance(std::chrono::seconds(-301));
    auto n = Payment({"4200000004", "openid-a", 1000});
    clock_.Advance(std::chrono::seconds(301));
    cases.push_back({"301 s old", n, "WECHATPAY_STALE_TIMESTAMP"});
  }
  {
    auto n = Payment({"4200000005", "openid-a", 1000});
    n.headers.signature = "not base64 !!";
    cases.push_back({"non-base64 signature", n, "WECHATPAY_BAD_BASE64"});
  }
  {
    auto n = Payment({"4200000006", "openid-a", 1000, kOtherMchid});
    cases.push_back({"resource of another merchant", n, "MCHID_MISMATCH"});
  }
  {
    wechat::pay::SignedNotification n;
    n.body = "{}";
    cases.push_back({"no headers", n, "WECHATPAY_MISSING_HEADER"});
  }
  for (const Case& c : cases) {
    auto res = Post(c.n);
    ASSERT_TRUE(res) << c.name;
    EXPECT_EQ(res->status, 401) << c.name << ": " << res->body;
    EXPECT_EQ(FailMessage(res), c.reason) << c.name;
  }
  EXPECT_EQ(WrittenState(), empty);
}

// Signed by WeChat's key but not something Mileage can apply: refused like a forgery.
TEST_P(NotificationTest, VerifiedButMalformedResourcesAndHugeBodiesWriteNothing) {
  const std::string empty = WrittenState();
  wechat::pay::NotificationSpec spec;
  spec.id = "N-malformed";
  spec.event_type = "TRANSACTION.SUCCESS";
  spec.original_type = "transaction";
  spec.associated_data = "transaction";
  spec.plaintext = R"({"appid":"wx8888888888888888"})";
  auto res = Post(Sign(spec));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(FailMessage(res), "WECHATPAY_MALFORMED_RESOURCE");

  auto zero = Post(Refund({"5000000001", "4200000001", 0, 10000}));
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->status, 401);
  EXPECT_EQ(FailMessage(zero), "WECHATPAY_MALFORMED_RESOURCE");

  wechat::pay::SignedNotification huge = Payment({"4200000002", "openid-a", 1000});
  huge.body += std::string(70 * 1024, ' ');
  auto big = Post(huge);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 401);
  EXPECT_EQ(FailMessage(big), "WECHATPAY_BODY_TOO_LARGE");
  EXPECT_EQ(WrittenState(), empty);
}

TEST_P(NotificationTest, UnknownMerchantIs404AndWritesNothing) {
  const std::string empty = WrittenState();
  auto res = Post(Payment({"4200000001", "openid-a", 1000}), "1999999999");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(FailMessage(res), "unknown merchant");
  EXPECT_EQ(WrittenState(), empty);
}

TEST_P(NotificationTest, ANotSuccessfulTradeIsRecordedButCreditsNothing) {
  auto res = Post(Payment({"4200000001", "openid-a", 1000, kMchid, "NOTPAY"}));
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(Count("payment_notifications"), 1);
  EXPECT_EQ(Count("payment_transactions"), 0);
  EXPECT_EQ(Count("members"), 0);
}

TEST_P(NotificationTest, APartialRefundReversesItsShareAndFullRefundsAddUpExactly) {
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);  // 100 points
  ASSERT_EQ(Post(Refund({"5000000001", "4200000001", 3333, 10000}))->status, 204);
  EXPECT_EQ(Scalar("SELECT points_reversed FROM payment_transactions"), 33);
  EXPECT_EQ(Scalar("SELECT refunded_fen FROM payment_transactions"), 3333);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 67);
  ASSERT_EQ(Post(Refund({"5000000002", "4200000001", 3333, 10000}))->status, 204);
  ASSERT_EQ(Post(Refund({"5000000003", "4200000001", 3334, 10000}))->status, 204);
  EXPECT_EQ(Scalar("SELECT points_reversed FROM payment_transactions"), 100);
  EXPECT_EQ(Scalar("SELECT refunded_fen FROM payment_transactions"), 10000);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_transactions WHERE state = 'refunded'"), 1);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 0);
  // Cumulative floors: 33 (3333 fen), then 66 - 33, then 100 - 66: three reversals of 100.
  EXPECT_EQ(Scalar("SELECT points_reversed FROM payment_refunds WHERE refund_id = '5000000002'"),
            33);
  EXPECT_EQ(Scalar("SELECT points_reversed FROM payment_refunds WHERE refund_id = '5000000003'"),
            34);
  ExpectLedger(*database_, brand_, 1, 100, 3, 100);
}

TEST_P(NotificationTest, ARefundTwiceReversesOnce) {
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);
  ASSERT_EQ(Post(Refund({"5000000001", "4200000001", 5000, 10000}))->status, 204);
  const std::string before = WrittenState();
  ASSERT_EQ(Post(Refund({"5000000001", "4200000001", 5000, 10000}))->status, 204);
  EXPECT_EQ(WrittenState(), before);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 50);
}

TEST_P(NotificationTest, ARefundBeforeItsPaymentIsAppliedWhenThePaymentArrives) {
  ASSERT_EQ(Post(Refund({"5000000001", "4200000001", 4000, 10000}))->status, 204);
  EXPECT_EQ(Count("payment_refunds"), 1);
  EXPECT_EQ(Scalar("SELECT applied FROM payment_refunds"), 0);
  EXPECT_EQ(Count("members"), 0);
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);
  EXPECT_EQ(Scalar("SELECT applied FROM payment_refunds"), 1);
  EXPECT_EQ(Scalar("SELECT points_reversed FROM payment_transactions"), 40);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 60);
}

TEST_P(NotificationTest, AnAbnormalRefundReversesNothingUntilItSucceeds) {
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);
  ASSERT_EQ(Post(Refund({"5000000001", "4200000001", 10000, 10000, "REFUND.ABNORMAL"}))->status,
            204);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 100);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_refunds WHERE status = 'abnormal'"), 1);
  ASSERT_EQ(Post(Refund({"5000000001", "4200000001", 10000, 10000}))->status, 204);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_refunds WHERE status = 'success'"), 1);
}

// Points already spent when the refund comes: the shortfall is recorded as debt, never a
// silent floor at zero, and a later payment repays it first.
TEST_P(NotificationTest, ARefundOfSpentPointsRecordsDebt) {
  ASSERT_EQ(Post(Payment({"4200000001", "openid-a", 10000}))->status, 204);  // 100 points
  const int64_t member = Scalar("SELECT member_id FROM payment_transactions");
  ASSERT_TRUE(db::InTransaction(database_->db(), [&](db::Connection& conn) {
                return points::Ledger(conn)
                    .Spend({brand_, member, 80, "spend-1", "redeem", "test", 0})
                    .status();
              }).ok());
  ASSERT_EQ(BalanceOfOpenid("openid-a"), 20);
  ASSERT_EQ(Post(Refund({"5000000001", "4200000001", 10000, 10000}))->status, 204);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 0);
  EXPECT_EQ(Scalar("SELECT points_reversed FROM payment_transactions"), 100);
  EXPECT_EQ(DebtOf(member), 80);
  // Earn: brand -100, member +100. Spend: member -80, brand +80. Reverse of 100: member -20,
  // debt -80, brand +100.
  const LedgerTotals totals = LedgerOf(*database_, brand_);
  EXPECT_EQ(totals.members, 0);
  EXPECT_EQ(totals.debts, -80);
  EXPECT_EQ(totals.liability, 80);
  EXPECT_EQ(totals.breakage, 0);
  EXPECT_EQ(totals.earn_journals, 1);
  EXPECT_EQ(totals.reverse_journals, 1);
  EXPECT_EQ(totals.reversed, 100);
  EXPECT_EQ(totals.entries, 2 + 2 + 3);
  // The next payment repays the debt first.
  ASSERT_EQ(Post(Payment({"4200000002", "openid-a", 10000}))->status, 204);
  EXPECT_EQ(DebtOf(member), 0);
  EXPECT_EQ(BalanceOfOpenid("openid-a"), 20);
}

// A storage failure in the middle of the transaction: 500 FAIL and no partial state.
TEST_P(NotificationTest, AStorageFailureAnswers5xxAndLeavesNoPartialState) {
  {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->Exec("DROP TABLE outbox_events").ok());
  }
  auto res = Post(Payment({"4200000001", "openid-a", 1000}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500) << res->body;
  EXPECT_EQ(FailMessage(res), "not recorded, please retry");
  EXPECT_EQ(Count("payment_notifications"), 0);
  EXPECT_EQ(Count("payment_transactions"), 0);
  EXPECT_EQ(Count("members"), 0);
  EXPECT_EQ(Count("point_journals"), 0);
}

MILEAGE_PAYMENTS_TEST_SUITE(NotificationTest);

}  // namespace
}  // namespace mileage::testing
