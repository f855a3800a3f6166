#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "coupons/coupon_store.h"
#include "growth/feedback_service.h"
#include "payments/payment_store.h"
#include "tests/contract/coupons/coupons_fixture.h"

namespace mileage::growth {

using coupons::kDay;
using coupons::kNow;
using coupons::StatusOf;

// CouponsTest's two brands, stores, members and staff actors with the feedback service as the
// App builds it, and visits recorded through the payments and coupons modules' own stores
// (payments::PaymentStore, coupons::RedemptionStore) at times of the test's choosing.
class FeedbackTest : public coupons::CouponsTest {
 protected:
  void SetUp() override {
    CouponsTest::SetUp();
    if (database_ == nullptr) return;
    feedback_ = std::make_unique<FeedbackService>(db(), authorizer_, *writer_);
  }
  void TearDown() override {
    feedback_.reset();
    CouponsTest::TearDown();
  }

  members::MemberPrincipal Principal(int64_t member) {
    return members::MemberPrincipal{member, member_brand_.at(member), "wx-test"};
  }

  // A paid (or refunded: `state`) WeChat payment of `member` at `store` at `paid_at`; its row id.
  int64_t PayAt(int64_t member, const org::NodePath& store, int64_t paid_at,
                const std::string& state = "paid") {
    payments::TransactionRecord t;
    t.transaction_id = "tx" + std::to_string(++next_visit_);
    t.merchant.id = 1;
    t.merchant.mchid = "1900000001";
    t.merchant.store = store;
    t.appid = "wx-test";
    t.out_trade_no = "o" + std::to_string(next_visit_);
    t.payer_openid = "openid-" + std::to_string(member);
    t.amount_fen = 8800;
    t.payer_total_fen = 8800;
    t.paid_at = paid_at;
    t.member_id = member;
    t.refunded_fen = state == "paid" ? 0 : (state == "refunded" ? 8800 : 1000);
    t.state = state;
    t.created_at = paid_at;
    int64_t id = 0;
    const Status made = db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      MILEAGE_ASSIGN_OR_RETURN(id, payments::PaymentStore(conn).InsertTransaction(t));
      return Status::Ok();
    });
    EXPECT_TRUE(made.ok()) << made.ToString();
    return id;
  }
  // A counter redemption of `member`'s coupon at `store` at `at`, reversed when `reversed`.
  int64_t RedeemAt(int64_t member, const org::NodePath& store, int64_t at, bool reversed = false) {
    coupons::Redemption r;
    r.brand_id = store.brand_id;
    r.coupon_id = 1;
    r.stock_id = 1;
    r.member_id = member;
    r.store = store;
    r.request_id = "rq" + std::to_string(++next_visit_);
    r.order_amount_fen = 30000;
    r.discount_fen = 5000;
    r.created_at = at;
    int64_t id = 0;
    const Status made = db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      coupons::RedemptionStore redemptions(conn);
      MILEAGE_ASSIGN_OR_RETURN(id, redemptions.Insert(r));
      if (reversed) {
        MILEAGE_RETURN_IF_ERROR(redemptions.MarkReversed(id, 7, "mistake", at + 60).status());
      }
      return Status::Ok();
    });
    EXPECT_TRUE(made.ok()) << made.ToString();
    return id;
  }
  Result<Rating> Rate(int64_t member, VisitKind kind, int64_t visit, int64_t score, int64_t now,
                      const std::string& comment = "") {
    return feedback_->Rate(Principal(member), NewRating{kind, visit, score, comment}, now);
  }
  // A member of `store` who paid there an hour before `at` and rated it `score` at `at`.
  int64_t RatedVisit(const org::NodePath& store, int64_t score, int64_t at) {
    const int64_t member = NewMember(store);
    const int64_t visit = PayAt(member, store, at - 3600);
    Result<Rating> rated = Rate(member, VisitKind::kPayment, visit, score, at);
    EXPECT_TRUE(rated.ok()) << rated.status().ToString();
    return rated.ok() ? rated->id : 0;
  }

  int64_t Ratings() { return QueryInt("SELECT COUNT(*) FROM feedback_ratings"); }
  int64_t AuditOk(const std::string& action) {
    return QueryInt("SELECT COUNT(*) FROM audit_log WHERE outcome = 'ok' AND action = ?",
                    {db::Value(action)});
  }
  int64_t AuditDenied(const std::string& action) {
    return QueryInt("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND action = ?",
                    {db::Value(action)});
  }

  std::unique_ptr<FeedbackService> feedback_;
  int64_t next_visit_ = 0;
};

#define MILEAGE_FEEDBACK_TEST_SUITE(suite) MILEAGE_COUPONS_TEST_SUITE(suite)

}  // namespace mileage::growth
