#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "growth/growth_module.h"
#include "growth/referral_store.h"
#include "members/member_sessions.h"
#include "members/member_store.h"
#include "payments/payment_recorder.h"
#include "points/ledger.h"
#include "tests/contract/coupons/coupons_fixture.h"

namespace mileage::growth {

using coupons::kDay;
using coupons::kNow;
using coupons::StatusOf;

// CouponsTest's two brands with the growth module and a payments::PaymentRecorder wired as the
// App wires them (the referral rewards added as its observer), and helpers that enroll members
// by openid, record payments and refunds through the recorder in one transaction each, as the
// notification path does, and read the state back with plain SQL.
class ReferralTest : public coupons::CouponsTest {
 protected:
  static constexpr const char* kAppid = "wx_app";

  void SetUp() override {
    Open(PoolSize());
    if (database_ == nullptr) return;
    // The referral tests parse no segment filter.
    growth_ = std::make_unique<GrowthModule>(db(), authorizer_, *writer_, random_, expiry_,
                                             FilterParser());
    recorder_ = std::make_unique<payments::PaymentRecorder>(
        random_, payments::PaymentPolicy{tiers_, expiry_}, coupons().payment_rewards(),
        coupons().package_fulfilment());
    recorder_->AddObserver(growth_->referral_rewards());
  }
  void TearDown() override {
    recorder_.reset();
    growth_.reset();
    CouponsTest::TearDown();
  }

  // Connections of the pool (race tests use more).
  virtual int PoolSize() { return 8; }
  ReferralService& referrals() { return growth_->referrals(); }

  struct Owner {
    int64_t id = 0;
    std::string openid;
    int64_t brand_id = 0;
    members::MemberPrincipal principal() const { return {id, brand_id, kAppid}; }
  };
  // A member of the store's brand who logged in (enrolled before paying).
  Owner NewOwner(const org::NodePath& store) {
    Owner o;
    o.openid = "ref-openid-" + std::to_string(next_owner_++);
    o.brand_id = store.brand_id;
    const Status enrolled = db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      MILEAGE_ASSIGN_OR_RETURN(members::Enrollment e,
                               members::MemberStore(conn, random_)
                                   .FindOrEnroll({store.brand_id, kAppid, o.openid, std::nullopt},
                                                 "silver", "miniprogram", 0, kNow));
      o.id = e.member.id;
      return Status::Ok();
    });
    EXPECT_TRUE(enrolled.ok()) << enrolled.ToString();
    return o;
  }

  payments::MerchantRef Merchant(const org::NodePath& store) {
    return {store.store_id, "mch" + std::to_string(store.store_id), kAppid, store};
  }
  payments::TransactionRecord Payment(const std::string& openid, const org::NodePath& store,
                                      int64_t amount_fen, int64_t paid_at,
                                      const std::string& transaction_id) {
    payments::TransactionRecord p;
    p.transaction_id = transaction_id;
    p.merchant = Merchant(store);
    p.appid = kAppid;
    p.out_trade_no = "out-" + transaction_id;
    p.payer_openid = openid;
    p.amount_fen = amount_fen;
    p.payer_total_fen = amount_fen;
    p.paid_at = paid_at;
    return p;
  }
  // Records the payment as the notification path does (one transaction, retried on Aborted).
  Status Pay(const std::string& openid, const org::NodePath& store, int64_t amount_fen,
             int64_t paid_at, const std::string& transaction_id, int64_t now = 0) {
    const payments::TransactionRecord p =
        Payment(openid, store, amount_fen, paid_at, transaction_id);
    return db::InTransaction(
        db(),
        [&](db::Connection& conn) -> Status {
          return recorder_->RecordPayment(conn, p, now == 0 ? paid_at : now).status();
        },
        coupons::kIssueAttempts);
  }
  Status Refund(const org::NodePath& store, const std::string& transaction_id,
                const std::string& refund_id, int64_t amount_fen, int64_t now) {
    payments::RefundRecord r;
    r.refund_id = refund_id;
    r.transaction_id = transaction_id;
    r.out_refund_no = "out-" + refund_id;
    r.merchant = Merchant(store);
    r.amount_fen = amount_fen;
    r.status = "success";
    r.refunded_at = now;
    return db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      return recorder_->RecordRefund(conn, r, now).status();
    });
  }

  // A rule of `brand` by its admin: min 100 yuan, 30 days, referrer 500 and referee 200 points,
  // `cap` a month, no coupons unless given.
  ReferralRule PutRule(const org::NodePath& brand, int64_t cap = 5,
                       std::optional<int64_t> referee_stock = std::nullopt,
                       std::optional<int64_t> referrer_stock = std::nullopt) {
    ReferralService::RuleInput in;
    in.window_days = 30;
    in.min_amount_fen = 10000;
    in.referrer_points = 500;
    in.referee_points = 200;
    in.referee_stock_id = referee_stock;
    in.referrer_stock_id = referrer_stock;
    in.monthly_cap = cap;
    const org::Actor& admin = brand.brand_id == tree_.brand.brand_id ? admin_ : admin_z_;
    Result<ReferralRule> rule = referrals().PutRule(admin, brand.brand_id, in, kNow);
    EXPECT_TRUE(rule.ok()) << rule.status().ToString();
    return rule.ok() ? *rule : ReferralRule{};
  }
  std::string CodeOf(const Owner& o) {
    Result<ReferralCode> code = referrals().CodeOf(o.principal(), kNow);
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    return code.ok() ? code->code : "";
  }
  Result<ReferralService::Attached> Attach(const Owner& referee, const Owner& referrer,
                                           int64_t now = kNow) {
    return referrals().Attach(referee.principal(), CodeOf(referrer), now);
  }

  std::optional<Referral> ReferralOf(const Owner& referee) {
    std::optional<Referral> out;
    const Status read = db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      MILEAGE_ASSIGN_OR_RETURN(out, ReferralStore(conn).OfReferee(referee.id, false));
      return Status::Ok();
    });
    EXPECT_TRUE(read.ok()) << read.ToString();
    return out;
  }
  points::Balance BalanceOf(int64_t member) {
    points::Balance b;
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return b;
    Result<points::Balance> read = points::Ledger(**conn).BalanceOf(member);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    return read.ok() ? *read : b;
  }
  // The points the member's payment `transaction_id` earned, as payments recorded them.
  int64_t PaymentPoints(const std::string& transaction_id) {
    return QueryInt("SELECT points_earned FROM payment_transactions WHERE transaction_id = ?",
                    {db::Value(transaction_id)});
  }
  int64_t LedgerSum(int64_t brand_id) {
    return QueryInt(
        "SELECT COALESCE(SUM(e.amount), 0) FROM point_entries e JOIN point_journals j "
        "ON j.id = e.journal_id WHERE j.brand_id = ?",
        {db::Value(brand_id)});
  }
  // Row counts of what attaching and rewarding write: "nothing written" compares two of these.
  std::string ReferralWrites() {
    std::string out;
    for (const char* table : {"referrals", "referral_month_counts", "point_journals", "coupons",
                              "outbox_events", "payment_transactions"}) {
      out += std::string(table) + "=" +
             std::to_string(QueryInt(std::string("SELECT COUNT(*) FROM ") + table)) + " ";
    }
    return out + "states=" + States();
  }
  // "pending:1,rewarded:2" of every referral, by state.
  std::string States() {
    std::string out;
    for (const char* s : {"pending", "rewarded", "capped", "expired", "clawed_back"}) {
      const int64_t n =
          QueryInt("SELECT COUNT(*) FROM referrals WHERE state = ?", {db::Value(std::string(s))});
      if (n > 0) out += std::string(s) + ":" + std::to_string(n) + ",";
    }
    return out;
  }

  points::ExpiryPolicy expiry_;
  std::unique_ptr<GrowthModule> growth_;
  std::unique_ptr<payments::PaymentRecorder> recorder_;
  int next_owner_ = 1;
};

}  // namespace mileage::growth
