// Members rating their visits: the 7-day window on a fake clock (inside, exactly at the edge,
// after), once per visit under racing requests, another member's or brand's visit, refunded
// payments and reversed redemptions, bad input with nothing written; and detractor follow-up:
// states, who handled it, two staff racing, staff outside the scope and roles that may not act.
#include <atomic>
#include <thread>
#include <vector>

#include "tests/contract/growth/feedback_fixture.h"

namespace mileage::growth {
namespace {

class FeedbackContractTest : public FeedbackTest {};

TEST_P(FeedbackContractTest, AVisitIsRateableForSevenDaysToTheSecond) {
  const int64_t member = NewMember(tree_.store_a1);
  const int64_t visited = kNow - 3 * kDay;
  const int64_t inside = PayAt(member, tree_.store_a1, visited);
  const int64_t edge = PayAt(member, tree_.store_a1, visited);
  const int64_t late = PayAt(member, tree_.store_a1, visited);

  Result<Rating> first = Rate(member, VisitKind::kPayment, inside, 9, visited + 7 * kDay - 1);
  COUPONS_ASSERT_OK(first);
  EXPECT_EQ(first->score, 9);
  EXPECT_EQ(first->store, tree_.store_a1);
  EXPECT_FALSE(first->follow_up_state.has_value()) << "a promoter needs no follow-up";
  // Exactly 7 days (604800 s) after the visit is still inside.
  COUPONS_ASSERT_OK(Rate(member, VisitKind::kPayment, edge, 7, visited + 604800));
  const int64_t before = Ratings();
  COUPONS_EXPECT_CODE(Rate(member, VisitKind::kPayment, late, 3, visited + 604801),
                      "RATING_WINDOW_CLOSED");
  EXPECT_EQ(Ratings(), before) << "nothing written";
  EXPECT_EQ(Ratings(), 2);
}

TEST_P(FeedbackContractTest, TheVisitListShowsTheLastSevenDaysWithRatingsAndStoreNames) {
  const int64_t member = NewMember(tree_.store_a1);
  PayAt(member, tree_.store_a1, kNow - 7 * kDay - 1);  // a second too old
  const int64_t paid = PayAt(member, tree_.store_a1, kNow - 2 * kDay);
  PayAt(member, tree_.store_a2, kNow - kDay, "refunded");
  const int64_t partial = PayAt(member, tree_.store_a2, kNow - 3600, "partially_refunded");
  const int64_t redeemed = RedeemAt(member, tree_.store_b1, kNow - 2 * 3600);
  RedeemAt(member, tree_.store_b1, kNow - 3 * 3600, true);      // reversed
  PayAt(NewMember(tree_.store_a1), tree_.store_a1, kNow - 60);  // someone else's
  COUPONS_ASSERT_OK(Rate(member, VisitKind::kPayment, paid, 4, kNow - kDay, "等了很久"));

  Result<std::vector<RateableVisit>> visits = feedback_->Visits(Principal(member), kNow);
  COUPONS_ASSERT_OK(visits);
  ASSERT_EQ(visits->size(), 3u) << "old, refunded and reversed visits and others' are left out";
  EXPECT_EQ((*visits)[0].visit.kind, VisitKind::kPayment);
  EXPECT_EQ((*visits)[0].visit.id, partial);
  EXPECT_EQ((*visits)[0].visit.store_name, "A2");
  EXPECT_EQ((*visits)[0].rateable_until, kNow - 3600 + 604800);
  EXPECT_EQ((*visits)[1].visit.kind, VisitKind::kRedemption);
  EXPECT_EQ((*visits)[1].visit.id, redeemed);
  EXPECT_EQ((*visits)[1].visit.store_name, "B1");
  EXPECT_FALSE((*visits)[1].rating.has_value());
  EXPECT_EQ((*visits)[2].visit.id, paid);
  ASSERT_TRUE((*visits)[2].rating.has_value());
  EXPECT_EQ((*visits)[2].rating->score, 4);
  EXPECT_EQ((*visits)[2].rating->comment, "等了很久");
}

TEST_P(FeedbackContractTest, ARedemptionIsAVisitToo) {
  const int64_t member = NewMember(tree_.store_a1);
  const int64_t redeemed = RedeemAt(member, tree_.store_b1, kNow - kDay);
  Result<Rating> rated = Rate(member, VisitKind::kRedemption, redeemed, 6, kNow);
  COUPONS_ASSERT_OK(rated);
  EXPECT_EQ(rated->store, tree_.store_b1);
  ASSERT_TRUE(rated->follow_up_state.has_value());
  EXPECT_EQ(*rated->follow_up_state, FollowUpState::kOpen) << "6 is a detractor";
  // The payment with the same row id is another visit.
  const int64_t paid = PayAt(member, tree_.store_a1, kNow - kDay);
  COUPONS_ASSERT_OK(Rate(member, VisitKind::kPayment, paid, 10, kNow));
  EXPECT_EQ(Ratings(), 2);
}

TEST_P(FeedbackContractTest, OnceAVisitEvenWhenRequestsRace) {
  const int64_t member = NewMember(tree_.store_a1);
  const int64_t visit = PayAt(member, tree_.store_a1, kNow - kDay);
  constexpr int kThreads = 6;
  std::atomic<int> ok{0}, already{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Result<Rating> r = Rate(member, VisitKind::kPayment, visit, i, kNow);
      if (r.ok()) {
        ++ok;
      } else if (r.status().reason() == "ALREADY_RATED") {
        ++already;
      } else {
        ++other;
        ADD_FAILURE() << r.status().ToString();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(already.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Ratings(), 1);
  COUPONS_EXPECT_CODE(Rate(member, VisitKind::kPayment, visit, 9, kNow), "ALREADY_RATED");
  EXPECT_EQ(Ratings(), 1);
}

TEST_P(FeedbackContractTest, OnlyTheMembersOwnStandingVisitsAreRated) {
  const int64_t alice = NewMember(tree_.store_a1);
  const int64_t bob = NewMember(tree_.store_a1);
  const int64_t zed = NewMember(tree_.store_z1);  // another brand
  const int64_t bobs = PayAt(bob, tree_.store_a1, kNow - kDay);
  const int64_t zeds = PayAt(zed, tree_.store_z1, kNow - kDay);
  const int64_t refunded = PayAt(alice, tree_.store_a1, kNow - kDay, "refunded");
  const int64_t partial = PayAt(alice, tree_.store_a1, kNow - kDay, "partially_refunded");
  const int64_t reversed = RedeemAt(alice, tree_.store_a1, kNow - kDay, true);
  COUPONS_EXPECT_CODE(Rate(alice, VisitKind::kPayment, bobs, 0, kNow), "VISIT_NOT_FOUND");
  COUPONS_EXPECT_CODE(Rate(alice, VisitKind::kPayment, zeds, 0, kNow), "VISIT_NOT_FOUND");
  COUPONS_EXPECT_CODE(Rate(alice, VisitKind::kPayment, 999999, 0, kNow), "VISIT_NOT_FOUND");
  const int64_t bobs_redemption = RedeemAt(bob, tree_.store_a1, kNow - kDay);
  COUPONS_EXPECT_CODE(Rate(alice, VisitKind::kRedemption, bobs_redemption, 0, kNow),
                      "VISIT_NOT_FOUND");
  COUPONS_EXPECT_CODE(Rate(alice, VisitKind::kPayment, refunded, 0, kNow), "VISIT_REFUNDED");
  COUPONS_EXPECT_CODE(Rate(alice, VisitKind::kRedemption, reversed, 0, kNow), "VISIT_REVERSED");
  EXPECT_EQ(Ratings(), 0) << "nothing written";
  // A partial refund leaves the visit standing.
  COUPONS_ASSERT_OK(Rate(alice, VisitKind::kPayment, partial, 2, kNow));
  EXPECT_EQ(Ratings(), 1);
}

TEST_P(FeedbackContractTest, BadInputIsRefusedWithNothingWritten) {
  const int64_t member = NewMember(tree_.store_a1);
  const int64_t visit = PayAt(member, tree_.store_a1, kNow - kDay);
  COUPONS_EXPECT_CODE(Rate(member, VisitKind::kPayment, visit, 11, kNow), "INVALID_SCORE");
  COUPONS_EXPECT_CODE(Rate(member, VisitKind::kPayment, visit, -1, kNow), "INVALID_SCORE");
  COUPONS_EXPECT_CODE(Rate(member, VisitKind::kPayment, 0, 5, kNow), "INVALID_ID");
  COUPONS_EXPECT_CODE(Rate(member, VisitKind::kPayment, visit, 5, kNow, std::string(501, 'a')),
                      "INVALID_COMMENT");
  COUPONS_EXPECT_CODE(Rate(member, VisitKind::kPayment, visit, 5, kNow, "bad\ncomment"),
                      "INVALID_COMMENT");
  COUPONS_EXPECT_CODE(Rate(member, VisitKind::kPayment, visit, 5, kNow, "bad\x01"),
                      "INVALID_COMMENT");
  COUPONS_EXPECT_CODE(Rate(member, VisitKind::kPayment, visit, 5, kNow, "\xff\xfe"),
                      "INVALID_COMMENT");
  EXPECT_EQ(Ratings(), 0);
  // 500 Chinese characters (1500 bytes) are a comment of 500 characters.
  std::string long_chinese;
  for (int i = 0; i < 500; ++i) long_chinese += "好";
  Result<Rating> rated = Rate(member, VisitKind::kPayment, visit, 10, kNow, long_chinese);
  COUPONS_ASSERT_OK(rated);
  Result<std::vector<RateableVisit>> visits = feedback_->Visits(Principal(member), kNow);
  COUPONS_ASSERT_OK(visits);
  ASSERT_EQ(visits->size(), 1u);
  ASSERT_TRUE((*visits)[0].rating.has_value());
  EXPECT_EQ((*visits)[0].rating->comment, long_chinese) << "stored and read back whole";
}

// The detractors of A1 (three), one passive at A1 and one detractor at B1.
class FollowUpTest : public FeedbackTest {
 protected:
  void SetUp() override {
    FeedbackTest::SetUp();
    if (feedback_ == nullptr) return;
    d1_ = RatedVisit(tree_.store_a1, 3, kNow - 3 * kDay);
    d2_ = RatedVisit(tree_.store_a1, 0, kNow - 2 * kDay);
    d3_ = RatedVisit(tree_.store_a1, 6, kNow - kDay);
    passive_ = RatedVisit(tree_.store_a1, 8, kNow - kDay);
    b1_ = RatedVisit(tree_.store_b1, 1, kNow - kDay);
  }
  Result<Rating> Move(const org::Actor& who, int64_t id, FollowUpState to,
                      const std::string& note = "") {
    return feedback_->MoveFollowUp(who, id, FollowUp{to, note}, kNow);
  }
  std::string StateOf(int64_t id) {
    Result<db::PooledConnection> conn = db().Acquire();
    if (!conn.ok()) return "?";
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT follow_up_state FROM feedback_ratings WHERE id = ?", {db::Value(id)});
    if (!rows.ok() || rows->empty()) return "?";
    return rows->front().Text(0);
  }
  int64_t d1_ = 0, d2_ = 0, d3_ = 0, passive_ = 0, b1_ = 0;
};

TEST_P(FollowUpTest, ADetractorMovesOpenContactedResolvedWithWhoAndWhen) {
  Result<PageOf<Rating>> open = feedback_->Detractors(dealer_a_manager_, {}, PageRequest{});
  COUPONS_ASSERT_OK(open);
  ASSERT_EQ(open->total, 3) << "A1's three detractors; B1's is another dealer's";
  EXPECT_EQ(open->items[0].id, d3_) << "newest first";
  EXPECT_EQ(open->items[2].id, d1_);
  EXPECT_EQ(open->items[0].store_name, "A1");

  Result<Rating> contacted = Move(dealer_a_manager_, d1_, FollowUpState::kContacted, "已致电车主");
  COUPONS_ASSERT_OK(contacted);
  ASSERT_TRUE(contacted->follow_up_state.has_value());
  EXPECT_EQ(*contacted->follow_up_state, FollowUpState::kContacted);
  EXPECT_EQ(contacted->follow_up_note, "已致电车主");
  EXPECT_EQ(contacted->follow_up_by, dealer_a_manager_.staff->staff_id);
  EXPECT_EQ(contacted->follow_up_by_name, dealer_a_manager_.staff->username);
  EXPECT_EQ(contacted->follow_up_at, kNow);
  EXPECT_EQ(AuditOk("feedback.follow_up"), 1);

  // Resolved by another manager without a note: the note stays, the handler changes.
  Result<Rating> resolved = Move(region1_manager_, d1_, FollowUpState::kResolved);
  COUPONS_ASSERT_OK(resolved);
  EXPECT_EQ(StateOf(d1_), "resolved");
  EXPECT_EQ(resolved->follow_up_note, "已致电车主");
  EXPECT_EQ(resolved->follow_up_by, region1_manager_.staff->staff_id);
  EXPECT_EQ(AuditOk("feedback.follow_up"), 2);
  // Open -> resolved directly is allowed too.
  COUPONS_ASSERT_OK(Move(admin_, d2_, FollowUpState::kResolved, "退款处理"));

  // Backwards, to itself, and a promoter or passive are refused; nothing written.
  COUPONS_EXPECT_CODE(Move(admin_, d1_, FollowUpState::kContacted), "INVALID_TRANSITION");
  COUPONS_EXPECT_CODE(Move(admin_, d1_, FollowUpState::kOpen), "INVALID_TRANSITION");
  COUPONS_EXPECT_CODE(Move(admin_, d3_, FollowUpState::kOpen), "INVALID_TRANSITION");
  COUPONS_EXPECT_CODE(Move(admin_, passive_, FollowUpState::kContacted), "NOT_A_DETRACTOR");
  COUPONS_EXPECT_CODE(Move(admin_, d3_, FollowUpState::kContacted, "x\ty"), "INVALID_NOTE");
  COUPONS_EXPECT_CODE(Move(admin_, d3_, FollowUpState::kContacted, std::string(501, 'n')),
                      "INVALID_NOTE");
  COUPONS_EXPECT_CODE(Move(admin_, 0, FollowUpState::kContacted), "INVALID_ID");
  EXPECT_EQ(StateOf(d3_), "open");
  EXPECT_EQ(AuditOk("feedback.follow_up"), 3);

  Result<PageOf<Rating>> still_open =
      feedback_->Detractors(dealer_a_manager_, {FollowUpState::kOpen, std::nullopt}, {});
  COUPONS_ASSERT_OK(still_open);
  ASSERT_EQ(still_open->total, 1);
  EXPECT_EQ(still_open->items[0].id, d3_);
  Result<PageOf<Rating>> done =
      feedback_->Detractors(admin_, {FollowUpState::kResolved, std::nullopt}, {});
  COUPONS_ASSERT_OK(done);
  EXPECT_EQ(done->total, 2);
}

TEST_P(FollowUpTest, TwoStaffRacingCannotBothMoveIt) {
  constexpr int kThreads = 6;
  std::vector<org::Actor> staff;
  for (int i = 0; i < kThreads; ++i) {
    staff.push_back(i % 2 == 0 ? Staff(org::Role::kDealerManager, tree_.dealer_a)
                               : Staff(org::Role::kRegionManager, tree_.region1));
  }
  std::atomic<int> ok{0}, refused{0};
  std::atomic<int64_t> winner{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Result<Rating> r =
          Move(staff[i], d2_, FollowUpState::kContacted, "note " + std::to_string(i));
      if (r.ok()) {
        ++ok;
        winner = staff[i].staff->staff_id;
      } else if (r.status().reason() == "FOLLOW_UP_CONFLICT" ||
                 r.status().reason() == "INVALID_TRANSITION") {
        ++refused;
      } else {
        ADD_FAILURE() << r.status().ToString();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(AuditOk("feedback.follow_up"), 1) << "one move, one record";
  EXPECT_EQ(QueryInt("SELECT follow_up_by FROM feedback_ratings WHERE id = ?", {db::Value(d2_)}),
            winner.load());
  EXPECT_EQ(StateOf(d2_), "contacted");
}

TEST_P(FollowUpTest, StaffOutsideTheScopeOrWithoutTheRoleMayNotAct) {
  // Outside the subtree: exactly as a rating that does not exist, and on record as denied.
  COUPONS_EXPECT_CODE(Move(dealer_b_manager_, d1_, FollowUpState::kContacted), "RATING_NOT_FOUND");
  COUPONS_EXPECT_CODE(Move(clerk_a2_, d1_, FollowUpState::kContacted), "RATING_NOT_FOUND");
  COUPONS_EXPECT_CODE(Move(admin_z_, d1_, FollowUpState::kContacted), "RATING_NOT_FOUND");
  COUPONS_EXPECT_CODE(Move(admin_, 987654, FollowUpState::kContacted), "RATING_NOT_FOUND");
  // Inside it, a clerk and an analyst may read but not act.
  EXPECT_EQ(Move(clerk_a1_, d1_, FollowUpState::kContacted).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Move(analyst_a_, d1_, FollowUpState::kContacted).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Move(system_, d1_, FollowUpState::kContacted).status().reason(), "STAFF_ONLY");
  EXPECT_EQ(StateOf(d1_), "open");
  EXPECT_EQ(AuditOk("feedback.follow_up"), 0);
  EXPECT_EQ(AuditDenied("feedback.follow_up"), 6);

  // Reads are scoped the same way.
  Result<PageOf<Rating>> clerk = feedback_->Detractors(clerk_a1_, {}, {});
  COUPONS_ASSERT_OK(clerk);
  EXPECT_EQ(clerk->total, 3);
  Result<PageOf<Rating>> other_clerk = feedback_->Detractors(clerk_a2_, {}, {});
  COUPONS_ASSERT_OK(other_clerk);
  EXPECT_EQ(other_clerk->total, 0);
  Result<PageOf<Rating>> other_brand = feedback_->Detractors(admin_z_, {}, {});
  COUPONS_ASSERT_OK(other_brand);
  EXPECT_EQ(other_brand->total, 0);
  const payments::ReportNode b1{org::NodeType::kStore, tree_.store_b1.store_id};
  EXPECT_EQ(feedback_->Detractors(dealer_a_manager_, {std::nullopt, b1}, {}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(feedback_->Detractors(admin_z_, {std::nullopt, b1}, {}).status().code(),
            StatusCode::kNotFound);
  Result<PageOf<Rating>> b1_only = feedback_->Detractors(admin_, {std::nullopt, b1}, {});
  COUPONS_ASSERT_OK(b1_only);
  ASSERT_EQ(b1_only->total, 1);
  EXPECT_EQ(b1_only->items[0].id, b1_);
}

MILEAGE_FEEDBACK_TEST_SUITE(FeedbackContractTest);
MILEAGE_FEEDBACK_TEST_SUITE(FollowUpTest);

}  // namespace
}  // namespace mileage::growth
