// The counter over HTTP (docs/API.md "Coupons (console)"): looking a coupon up, redeeming it
// by code or QR token exactly once under concurrency, reversing, a store's redemptions and a
// member's coupons, each kept to the caller's scope.
#include <algorithm>
#include <cctype>
#include <set>
#include <thread>

#include "coupons/codes.h"
#include "tests/integration/console/coupon_fixture.h"

namespace mileage::testing {
namespace {

// The fake clock's first day (1800000000 = 2027-01-15T08:00:00Z, 16:00 in Beijing).
constexpr const char* kToday = "2027-01-15";

class ConsoleRedemptionsTest : public CouponConsoleTest {
 protected:
  // A redemption body; `coupon` is a code, or a QR token when it starts with "cq1.".
  static std::string RedeemBody(const std::string& coupon, int64_t store, int64_t amount,
                                const std::string& request_id) {
    const char* key = coupon.rfind("cq1.", 0) == 0 ? "qr_token" : "code";
    return std::string(R"({")") + key + R"(":")" + coupon + R"(","store_id":)" +
           std::to_string(store) + R"(,"order_amount_fen":)" + std::to_string(amount) +
           R"(,"request_id":")" + request_id + R"("})";
  }
  Reply Redeem(const std::string& token, const std::string& coupon, int64_t store, int64_t amount,
               const std::string& request_id) {
    return Post("/api/console/redemptions", token, RedeemBody(coupon, store, amount, request_id));
  }
  static std::string ReversePath(int64_t redemption) {
    return "/api/console/redemptions/" + std::to_string(redemption) + "/reverse";
  }
  int64_t Redemptions(int64_t coupon) {
    return Count("SELECT COUNT(*) FROM coupon_redemptions WHERE coupon_id = " +
                 std::to_string(coupon));
  }
  // A coupon of a fresh active brand-wide stock, granted to a member enrolled at store A1.
  Granted BrandCoupon(const Fields& changes = {}) {
    const int64_t stock = ActiveStock(Token("admin"), StockBody("brand", tree_.brand, changes));
    return GrantTo(Token("admin"), stock, NewMember(tree_.store_a1));
  }
  // A well-formed code (valid check character) that no coupon has.
  std::string UnknownCode() {
    FakeRandom random(99);
    return coupons::FormatCouponCode(coupons::NewCouponCode(random));
  }
  // RowCounts without the audit log (refusals by scope are on record as denied).
  std::map<std::string, int64_t> DataRows() {
    auto rows = RowCounts();
    rows.erase("audit_log");
    return rows;
  }
};

TEST_P(ConsoleRedemptionsTest, TheCounterLooksACodeUpAndRedeemsItOnce) {
  const Granted coupon = BrandCoupon();
  ASSERT_GT(coupon.id, 0);
  const std::string& clerk = Token("clerk_a1");
  // Typed in lower case without dashes: normalised.
  std::string typed;
  for (char c : coupon.code) {
    if (c != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  Reply found = Get("/api/console/coupons?code=" + typed, clerk);
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.json["id"].GetInt64(), coupon.id);
  EXPECT_EQ(found.json["code"].GetString(), coupon.code);
  EXPECT_STREQ(found.json["state"].GetString(), "issued");
  EXPECT_TRUE(found.json["redemption_id"].IsNull());
  // 30 days from the Beijing day of issue: until 23:59:59 Beijing of 2027-02-13.
  EXPECT_STREQ(found.json["expires_at"].GetString(), "2027-02-13T15:59:59Z");
  EXPECT_EQ(found.json["stock"]["value_fen"].GetInt64(), 500);
  EXPECT_EQ(found.json["stock"]["threshold_fen"].GetInt64(), 3000);

  Reply redeemed = Redeem(clerk, coupon.code, tree_.store_a1, 5000, "pos-1");
  ASSERT_EQ(redeemed.status, 200) << redeemed.body;
  EXPECT_EQ(redeemed.json["discount_fen"].GetInt64(), 500);
  const rapidjson::Value& r = redeemed.json["redemption"];
  const int64_t redemption = r["id"].GetInt64();
  EXPECT_EQ(r["coupon_id"].GetInt64(), coupon.id);
  EXPECT_EQ(r["store_id"].GetInt64(), tree_.store_a1);
  EXPECT_EQ(r["dealer_id"].GetInt64(), tree_.dealer_a);
  EXPECT_EQ(r["staff_id"].GetInt64(), tree_.staff["clerk_a1"]);
  EXPECT_EQ(r["order_amount_fen"].GetInt64(), 5000);
  EXPECT_EQ(r["discount_fen"].GetInt64(), 500);
  EXPECT_STREQ(r["request_id"].GetString(), "pos-1");
  EXPECT_TRUE(r["reversed_at"].IsNull());
  EXPECT_STREQ(redeemed.json["coupon"]["state"].GetString(), "redeemed");
  EXPECT_EQ(redeemed.json["coupon"]["redemption_id"].GetInt64(), redemption);
  EXPECT_EQ(CouponState(coupon.id), "redeemed");
  EXPECT_EQ(Redemptions(coupon.id), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'coupon.redeem'"), 1);

  // The same request again: the same answer, nothing new.
  Reply retried = Redeem(clerk, coupon.code, tree_.store_a1, 5000, "pos-1");
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(retried.json["redemption"]["id"].GetInt64(), redemption);
  EXPECT_EQ(retried.json["discount_fen"].GetInt64(), 500);
  EXPECT_EQ(Redemptions(coupon.id), 1);
  const auto rows = RowCounts();
  Reply reused = Redeem(clerk, coupon.code, tree_.store_a1, 6000, "pos-1");
  EXPECT_EQ(reused.status, 409) << reused.body;
  EXPECT_EQ(reused.code(), "REQUEST_ID_REUSED");
  Reply twice = Redeem(clerk, coupon.code, tree_.store_a1, 5000, "pos-2");
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(twice.code(), "ALREADY_REDEEMED");
  EXPECT_EQ(RowCounts(), rows);

  Reply after = Get("/api/console/coupons?code=" + coupon.code, clerk);
  EXPECT_STREQ(after.json["state"].GetString(), "redeemed");
  EXPECT_EQ(after.json["redemption_id"].GetInt64(), redemption);
  Reply stock = Get(StockPath(after.json["stock_id"].GetInt64()), clerk);
  EXPECT_EQ(stock.json["issued"].GetInt64(), 1);
  EXPECT_EQ(stock.json["redeemed"].GetInt64(), 1);
  const std::string store = "/api/console/stores/" + std::to_string(tree_.store_a1);
  EXPECT_EQ(Get(store + "/redemptions", clerk).ItemIds(), std::vector<int64_t>{redemption});
  EXPECT_EQ(Get(store + "/redemptions?day=" + std::string(kToday), clerk).ItemIds(),
            std::vector<int64_t>{redemption});
  EXPECT_EQ(Get(store + "/redemptions?day=2027-01-16", clerk).ItemIds(), std::vector<int64_t>{});
  EXPECT_EQ(Get(store + "/redemptions?day=15-01-2027", clerk).code(), "INVALID_FIELD");
  EXPECT_EQ(Get(store + "/redemptions?page_size=0", clerk).code(), "INVALID_PAGE");
  // Another store of the dealer has none.
  EXPECT_EQ(Get("/api/console/stores/" + std::to_string(tree_.store_a2) + "/redemptions",
                Token("dealer_a_manager"))
                .ItemIds(),
            std::vector<int64_t>{});
}

TEST_P(ConsoleRedemptionsTest, DiscountCouponsTakeTheirPercentCapped) {
  const int64_t stock = ActiveStock(Token("admin"), StockBody("brand", tree_.brand,
                                                              {{"type", R"("discount")"},
                                                               {"value_fen", ""},
                                                               {"threshold_fen", ""},
                                                               {"percent_off", "15"},
                                                               {"max_discount_fen", "1000"},
                                                               {"per_member_limit", "2"}}));
  const int64_t member = NewMember(tree_.store_a1);
  const Granted first = GrantTo(Token("admin"), stock, member);
  const Granted second = GrantTo(Token("admin"), stock, member);
  const std::string& clerk = Token("clerk_a1");
  // 15% of 50.01 yuan is 7.5015 yuan: 750 fen, rounded down; of 100 yuan 15 yuan, capped at 10.
  Reply small = Redeem(clerk, first.code, tree_.store_a1, 5001, "d-1");
  ASSERT_EQ(small.status, 200) << small.body;
  EXPECT_EQ(small.json["discount_fen"].GetInt64(), 750);
  Reply large = Redeem(clerk, second.code, tree_.store_a1, 10000, "d-2");
  ASSERT_EQ(large.status, 200) << large.body;
  EXPECT_EQ(large.json["discount_fen"].GetInt64(), 1000);
  EXPECT_EQ(Count("SELECT SUM(discount_fen) FROM coupon_redemptions"), 1750);
}

TEST_P(ConsoleRedemptionsTest, RefusedRedemptionsWriteNothing) {
  const std::string& manager = Token("dealer_a_manager");
  const std::string& clerk = Token("clerk_a1");
  // Dealer A's campaign redeemable at A1 only.
  const int64_t stock =
      ActiveStock(manager, StockBody("dealer", tree_.dealer_a,
                                     {{"store_ids", "[" + std::to_string(tree_.store_a1) + "]"},
                                      {"per_member_limit", "2"}}));
  const int64_t member = NewMember(tree_.store_a1);
  const Granted coupon = GrantTo(manager, stock, member);
  const Granted voided = GrantTo(manager, stock, member);
  ASSERT_EQ(CouponState(voided.id), "issued");
  // As a refund of its payment would leave it.
  {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)
                    ->Exec("UPDATE coupons SET state = 'voided', voided_at = ?, "
                           "void_reason = 'payment refunded' WHERE id = ?",
                           {db::Value(Now()), db::Value(voided.id)})
                    .ok());
  }
  struct Case {
    const std::string& token;
    std::string body;
    int status;
    std::string code;
  };
  const std::string a1 = std::to_string(tree_.store_a1);
  const std::vector<Case> cases = {
      {manager, RedeemBody(coupon.code, tree_.store_a2, 5000, "r-1"), 409, "WRONG_STORE"},
      {clerk, RedeemBody(coupon.code, tree_.store_a1, 2999, "r-2"), 409, "BELOW_THRESHOLD"},
      {clerk, RedeemBody(coupon.code, tree_.store_a1, 0, "r-3"), 400, "INVALID_ORDER_AMOUNT"},
      {clerk, RedeemBody(voided.code, tree_.store_a1, 5000, "r-4"), 409, "COUPON_VOIDED"},
      // A clerk redeems at their own store only: another store is outside their subtree.
      {clerk, RedeemBody(coupon.code, tree_.store_a2, 5000, "r-5"), 404, "NOT_FOUND"},
      {clerk, RedeemBody(coupon.code, tree_.store_b1, 5000, "r-6"), 404, "NOT_FOUND"},
      {clerk, RedeemBody(UnknownCode(), tree_.store_a1, 5000, "r-7"), 404, "COUPON_NOT_FOUND"},
  };
  for (const Case& c : cases) {
    const auto before = DataRows();
    Reply reply = Post("/api/console/redemptions", c.token, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body << " -> " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body << " -> " << reply.body;
    EXPECT_EQ(DataRows(), before) << c.body;
  }
  EXPECT_EQ(CouponState(coupon.id), "issued");
  EXPECT_EQ(CouponState(voided.id), "voided");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coupon_redemptions"), 0);
  // A store deactivated since is refused too.
  Reply deactivated =
      Post("/api/console/stores/" + std::to_string(tree_.store_a1) + "/deactivate", manager, "");
  ASSERT_EQ(deactivated.status, 200) << deactivated.body;
  Reply inactive = Redeem(manager, coupon.code, tree_.store_a1, 5000, "r-8");
  EXPECT_EQ(inactive.status, 409) << inactive.body;
  EXPECT_EQ(inactive.code(), "STORE_INACTIVE");
  EXPECT_EQ(CouponState(coupon.id), "issued");
}

TEST_P(ConsoleRedemptionsTest, AnExpiredCouponIsRefused) {
  const Granted coupon = BrandCoupon({{"valid_days", "1"}});
  clock_.Advance(std::chrono::hours(24));  // the next Beijing day: past 23:59:59 of the first
  tokens_.clear();                         // sessions idle for 8 h have ended
  const auto before = RowCounts();
  Reply reply = Redeem(Token("clerk_a1"), coupon.code, tree_.store_a1, 5000, "late");
  EXPECT_EQ(reply.status, 409) << reply.body;
  EXPECT_EQ(reply.code(), "COUPON_EXPIRED");
  auto after = RowCounts();
  after["audit_log"] -= 1;  // the login
  EXPECT_EQ(after, before);
  EXPECT_EQ(Redemptions(coupon.id), 0);
}

TEST_P(ConsoleRedemptionsTest, BadRedemptionBodiesAreRefusedBeforeAnyLookup) {
  const Granted coupon = BrandCoupon();
  const std::string& clerk = Token("clerk_a1");
  const std::string a1 = std::to_string(tree_.store_a1);
  std::string typo = coupon.code;
  typo.back() = typo.back() == 'A' ? 'B' : 'A';
  struct Case {
    std::string body;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"{", "MALFORMED_JSON"},
      {R"({"store_id":)" + a1 + R"(,"order_amount_fen":5000,"request_id":"x"})",
       "INVALID_REDEMPTION"},
      {R"({"code":")" + coupon.code + R"(","qr_token":"cq1.1.2.3.4","store_id":)" + a1 +
           R"(,"order_amount_fen":5000,"request_id":"x"})",
       "INVALID_REDEMPTION"},
      {RedeemBody(typo, tree_.store_a1, 5000, "x"), "INVALID_COUPON_CODE"},
      {RedeemBody("ABC", tree_.store_a1, 5000, "x"), "INVALID_COUPON_CODE"},
      {RedeemBody("cq1.garbage", tree_.store_a1, 5000, "x"), "INVALID_QR_TOKEN"},
      {RedeemBody(coupon.code, 0, 5000, "x"), "INVALID_ID"},
      {R"({"code":")" + coupon.code +
           R"(","store_id":"1","order_amount_fen":5000,"request_id":"x"})",
       "INVALID_ID"},
      {R"({"code":")" + coupon.code + R"(","order_amount_fen":5000,"request_id":"x"})",
       "MISSING_FIELD"},
      {RedeemBody(coupon.code, tree_.store_a1, -1, "x"), "INVALID_ORDER_AMOUNT"},
      {RedeemBody(coupon.code, tree_.store_a1, 100000000001, "x"), "INVALID_ORDER_AMOUNT"},
      {R"({"code":")" + coupon.code + R"(","store_id":)" + a1 +
           R"(,"order_amount_fen":1e30,"request_id":"x"})",
       "INVALID_FIELD"},
      {R"({"code":")" + coupon.code + R"(","store_id":)" + a1 +
           R"(,"order_amount_fen":"5000","request_id":"x"})",
       "INVALID_FIELD"},
      {RedeemBody(coupon.code, tree_.store_a1, 5000, "has space"), "INVALID_REQUEST_ID"},
      {RedeemBody(coupon.code, tree_.store_a1, 5000, std::string(65, 'x')), "INVALID_REQUEST_ID"},
      {R"({"code":")" + coupon.code + R"(","store_id":)" + a1 + R"(,"order_amount_fen":5000})",
       "MISSING_FIELD"},
      {R"({"code":")" + coupon.code + R"(","store_id":)" + a1 +
           R"(,"order_amount_fen":5000,"request_id":"x","discount_fen":99999})",
       "UNKNOWN_FIELD"},
  };
  const auto before = RowCounts();
  for (const Case& c : cases) {
    Reply reply = Post("/api/console/redemptions", clerk, c.body);
    EXPECT_EQ(reply.status, 400) << c.body << " -> " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body << " -> " << reply.body;
  }
  EXPECT_EQ(RowCounts(), before);
  EXPECT_EQ(CouponState(coupon.id), "issued");
  // The lookup: a typo is 400 before any read, an unknown code 404.
  EXPECT_EQ(Get("/api/console/coupons?code=" + typo, clerk).code(), "INVALID_COUPON_CODE");
  EXPECT_EQ(Get("/api/console/coupons", clerk).code(), "INVALID_COUPON_CODE");
  Reply unknown = Get("/api/console/coupons?code=" + UnknownCode(), clerk);
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(unknown.code(), "COUPON_NOT_FOUND");
}

TEST_P(ConsoleRedemptionsTest, QrTokensRedeemWhileFreshAndGenuine) {
  const int64_t stock = ActiveStock(Token("admin"), StockBody("brand", tree_.brand));
  const Granted first = GrantTo(Token("admin"), stock, NewMember(tree_.store_a1));
  const Granted second = GrantTo(Token("admin"), stock, NewMember(tree_.store_a1));
  const std::string& clerk = Token("clerk_a1");
  Result<coupons::QrToken> token = coupons().qr_tokens().Mint(first.id, Now());
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  Reply redeemed = Redeem(clerk, token->token, tree_.store_a1, 5000, "qr-1");
  ASSERT_EQ(redeemed.status, 200) << redeemed.body;
  EXPECT_EQ(redeemed.json["coupon"]["id"].GetInt64(), first.id);
  EXPECT_EQ(CouponState(first.id), "redeemed");

  const auto before = RowCounts();
  // A fresh token of the redeemed coupon: the redemption decides.
  Result<coupons::QrToken> again = coupons().qr_tokens().Mint(first.id, Now());
  ASSERT_TRUE(again.ok());
  Reply used = Redeem(clerk, again->token, tree_.store_a1, 5000, "qr-2");
  EXPECT_EQ(used.status, 409) << used.body;
  EXPECT_EQ(used.code(), "ALREADY_REDEEMED");
  // Altered: another coupon id under the first one's tag, or a changed tag.
  Result<coupons::QrToken> fresh = coupons().qr_tokens().Mint(second.id, Now());
  ASSERT_TRUE(fresh.ok());
  std::string other_id = fresh->token;
  other_id.replace(4, std::to_string(second.id).size(), std::to_string(first.id));
  std::string tampered = fresh->token;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  for (const std::string& forged : {other_id, tampered}) {
    Reply reply = Redeem(clerk, forged, tree_.store_a1, 5000, "qr-3");
    EXPECT_EQ(reply.status, 400) << forged << " -> " << reply.body;
    EXPECT_EQ(reply.code(), "INVALID_QR_TOKEN") << forged;
  }
  // 60 s later the genuine token has expired.
  clock_.Advance(std::chrono::seconds(60));
  Reply stale = Redeem(clerk, fresh->token, tree_.store_a1, 5000, "qr-4");
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.code(), "QR_TOKEN_EXPIRED");
  EXPECT_EQ(RowCounts(), before);
  EXPECT_EQ(CouponState(second.id), "issued");
}

TEST_P(ConsoleRedemptionsTest, TwentyConcurrentRedemptionsOfOneCouponRedeemItOnce) {
  const Granted coupon = BrandCoupon();
  const std::string clerk = Token("clerk_a1");
  constexpr int kRequests = 20;
  std::vector<Reply> replies(kRequests);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      replies[i] = Redeem(clerk, coupon.code, tree_.store_a1, 5000, "race-" + std::to_string(i));
    });
  }
  for (std::thread& t : threads) t.join();
  int ok = 0;
  int already = 0;
  for (const Reply& reply : replies) {
    if (reply.status == 200) ++ok;
    if (reply.status == 409 && reply.code() == "ALREADY_REDEEMED") ++already;
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(already, kRequests - 1);
  EXPECT_EQ(Redemptions(coupon.id), 1);
  EXPECT_EQ(CouponState(coupon.id), "redeemed");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.redeemed'"), 1);
}

TEST_P(ConsoleRedemptionsTest, ConcurrentRepeatsOfOneRequestAllAnswerTheSameRedemption) {
  const Granted coupon = BrandCoupon();
  const std::string clerk = Token("clerk_a1");
  constexpr int kRequests = 10;
  std::vector<Reply> replies(kRequests);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back(
        [&, i] { replies[i] = Redeem(clerk, coupon.code, tree_.store_a1, 5000, "till-7-0001"); });
  }
  for (std::thread& t : threads) t.join();
  std::set<int64_t> ids;
  for (const Reply& reply : replies) {
    ASSERT_EQ(reply.status, 200) << reply.body;
    ids.insert(reply.json["redemption"]["id"].GetInt64());
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(Redemptions(coupon.id), 1);
}

TEST_P(ConsoleRedemptionsTest, AManagerReversesARedemptionAndTheCouponIsUsableAgain) {
  const Granted coupon = BrandCoupon();
  Reply redeemed = Redeem(Token("clerk_a1"), coupon.code, tree_.store_a1, 5000, "pos-1");
  ASSERT_EQ(redeemed.status, 200) << redeemed.body;
  const int64_t redemption = redeemed.json["redemption"]["id"].GetInt64();
  const std::string& manager = Token("dealer_a_manager");

  struct Case {
    std::string token;
    std::string path;
    std::string body;
    int status;
    std::string code;
  };
  const std::vector<Case> refused = {
      {Token("clerk_a1"), ReversePath(redemption), R"({"reason":"typo"})", 403,
       "PERMISSION_DENIED"},
      {Token("analyst_a"), ReversePath(redemption), R"({"reason":"typo"})", 403,
       "PERMISSION_DENIED"},
      {Token("dealer_b_manager"), ReversePath(redemption), R"({"reason":"typo"})", 404,
       "REDEMPTION_NOT_FOUND"},
      {manager, ReversePath(999999), R"({"reason":"typo"})", 404, "REDEMPTION_NOT_FOUND"},
      {manager, ReversePath(redemption), R"({"reason":""})", 400, "INVALID_REASON"},
      {manager, ReversePath(redemption), R"({"reason":")" + std::string(256, 'x') + "\"}", 400,
       "INVALID_REASON"},
      {manager, ReversePath(redemption), "{}", 400, "MISSING_FIELD"},
      {manager, ReversePath(redemption), R"({"reason":7})", 400, "INVALID_FIELD"},
      {manager, ReversePath(redemption), R"({"reason":"typo","by":"me"})", 400, "UNKNOWN_FIELD"},
      {manager, "/api/console/redemptions/0/reverse", R"({"reason":"typo"})", 400, "INVALID_ID"},
  };
  for (const Case& c : refused) {
    const auto before = DataRows();
    Reply reply = Post(c.path, c.token, c.body);
    EXPECT_EQ(reply.status, c.status) << c.path << " " << c.body << " -> " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.path << " " << c.body;
    EXPECT_EQ(DataRows(), before) << c.body;
  }
  EXPECT_EQ(CouponState(coupon.id), "redeemed");

  Reply reversed = Post(ReversePath(redemption), manager, R"({"reason":"wrong coupon scanned"})");
  ASSERT_EQ(reversed.status, 200) << reversed.body;
  EXPECT_EQ(reversed.json["redemption"]["id"].GetInt64(), redemption);
  EXPECT_FALSE(reversed.json["redemption"]["reversed_at"].IsNull());
  EXPECT_EQ(reversed.json["redemption"]["reversed_by"].GetInt64(), tree_.staff["dealer_a_manager"]);
  EXPECT_STREQ(reversed.json["redemption"]["reverse_reason"].GetString(), "wrong coupon scanned");
  EXPECT_STREQ(reversed.json["coupon"]["state"].GetString(), "issued");
  EXPECT_EQ(CouponState(coupon.id), "issued");
  EXPECT_EQ(Text("SELECT reverse_reason FROM coupon_redemptions WHERE id = " +
                 std::to_string(redemption)),
            "wrong coupon scanned");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'redemption.reverse' AND "
                  "outcome = 'ok'"),
            1);
  Reply twice = Post(ReversePath(redemption), manager, R"({"reason":"again"})");
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(twice.code(), "ALREADY_REVERSED");
  // The store's list keeps the reversed redemption, marked.
  Reply listed = Get("/api/console/stores/" + std::to_string(tree_.store_a1) + "/redemptions",
                     Token("clerk_a1"));
  ASSERT_EQ(listed.ItemIds(), std::vector<int64_t>{redemption});
  EXPECT_FALSE(listed.json["items"][0]["reversed_at"].IsNull());
  // The coupon redeems again under a new request id.
  Reply again = Redeem(Token("clerk_a1"), coupon.code, tree_.store_a1, 5000, "pos-2");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Redemptions(coupon.id), 2);
}

// Dealer A's staff and dealer B's coupons and redemptions: 404 exactly like unknown ones.
TEST_P(ConsoleRedemptionsTest, AnotherDealersCouponsAndRedemptionsAreNotFound) {
  const std::string& b_manager = Token("dealer_b_manager");
  const int64_t b_stock = ActiveStock(b_manager, StockBody("dealer", tree_.dealer_b));
  const int64_t member_b = NewMember(tree_.store_b1);
  const Granted b_coupon = GrantTo(b_manager, b_stock, member_b);
  const Granted b_redeemed = GrantTo(Token("admin"), b_stock, NewMember(tree_.store_b1));
  Reply at_b1 = Redeem(Token("clerk_b1"), b_redeemed.code, tree_.store_b1, 5000, "b-1");
  ASSERT_EQ(at_b1.status, 200) << at_b1.body;
  const int64_t b_redemption = at_b1.json["redemption"]["id"].GetInt64();
  Result<coupons::QrToken> b_token = coupons().qr_tokens().Mint(b_coupon.id, Now());
  ASSERT_TRUE(b_token.ok());

  for (const char* caller : {"clerk_a1", "dealer_a_manager", "region1_manager", "analyst_a"}) {
    const std::string& token = Token(caller);
    Reply lookup = Get("/api/console/coupons?code=" + b_coupon.code, token);
    EXPECT_EQ(lookup.status, 404) << caller << ": " << lookup.body;
    EXPECT_EQ(lookup.code(), "COUPON_NOT_FOUND") << caller;
    EXPECT_EQ(lookup.body.find("not found") != std::string::npos, true);
    Reply list =
        Get("/api/console/stores/" + std::to_string(tree_.store_b1) + "/redemptions", token);
    EXPECT_EQ(list.status, 404) << caller << ": " << list.body;
    EXPECT_EQ(list.code(), "NOT_FOUND");
    Reply coupons = Get("/api/console/members/" + std::to_string(member_b) + "/coupons", token);
    EXPECT_EQ(coupons.status, 404) << caller << ": " << coupons.body;
    EXPECT_EQ(coupons.code(), "MEMBER_NOT_FOUND");
  }
  for (const char* caller : {"clerk_a1", "dealer_a_manager"}) {
    const auto before = DataRows();
    for (const std::string& key : {b_coupon.code, b_token->token}) {
      Reply redeem = Redeem(Token(caller), key, tree_.store_a1, 5000, "steal");
      EXPECT_EQ(redeem.status, 404) << caller << ": " << redeem.body;
      EXPECT_EQ(redeem.code(), "COUPON_NOT_FOUND") << caller;
    }
    EXPECT_EQ(DataRows(), before);
  }
  Reply reverse = Post(ReversePath(b_redemption), Token("dealer_a_manager"), R"({"reason":"x"})");
  EXPECT_EQ(reverse.status, 404) << reverse.body;
  EXPECT_EQ(reverse.code(), "REDEMPTION_NOT_FOUND");
  EXPECT_EQ(CouponState(b_coupon.id), "issued");
  EXPECT_EQ(CouponState(b_redeemed.id), "redeemed");
  // Dealer B's own staff see them.
  EXPECT_EQ(Get("/api/console/coupons?code=" + b_coupon.code, Token("clerk_b1")).status, 200);
  EXPECT_EQ(Get("/api/console/stores/" + std::to_string(tree_.store_b1) + "/redemptions", b_manager)
                .ItemIds(),
            std::vector<int64_t>{b_redemption});
}

TEST_P(ConsoleRedemptionsTest, AnotherBrandsCouponsAreNeverFound) {
  const org::Actor op = org::Actor::System("test");
  Result<org::Node> brand2 = org().hierarchy().CreateBrand(op, "Other brand");
  ASSERT_TRUE(brand2.ok()) << brand2.status().ToString();
  const int64_t b2 = brand2->path.id();
  Result<org::Node> region = org().hierarchy().Create(op, org::NodeType::kRegion, b2, "R");
  ASSERT_TRUE(region.ok());
  Result<org::Node> dealer =
      org().hierarchy().Create(op, org::NodeType::kDealer, region->path.id(), "D");
  ASSERT_TRUE(dealer.ok());
  Result<org::Node> store =
      org().hierarchy().Create(op, org::NodeType::kStore, dealer->path.id(), "S");
  ASSERT_TRUE(store.ok());
  coupons::NewStock stock;
  stock.node_type = org::NodeType::kBrand;
  stock.node_id = b2;
  stock.name = "Theirs";
  stock.value_fen = 100;
  stock.valid_days = 10;
  stock.total_quantity = 10;
  stock.channels = {coupons::Channel::kGrant};
  Result<coupons::Stock> theirs = coupons().stocks().Create(op, stock);
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  coupons::StockPatch activate;
  activate.state = coupons::StockState::kActive;
  ASSERT_TRUE(coupons().stocks().Update(op, theirs->id, activate).ok());
  const int64_t member = NewMember(store->path.id(), b2);
  Result<std::vector<coupons::GrantOutcome>> granted = coupons().grants().Grant(
      op, theirs->id, "other-brand", {coupons::GrantTarget{member, ""}}, Now());
  ASSERT_TRUE(granted.ok()) << granted.status().ToString();
  ASSERT_TRUE(granted->front().coupon.has_value()) << granted->front().outcome;
  const std::string code = coupons::FormatCouponCode(granted->front().coupon->code);

  const std::string& admin = Token("admin");
  Reply lookup = Get("/api/console/coupons?code=" + code, admin);
  EXPECT_EQ(lookup.status, 404) << lookup.body;
  EXPECT_EQ(lookup.code(), "COUPON_NOT_FOUND");
  const auto before = DataRows();
  Reply redeem = Redeem(admin, code, tree_.store_a1, 5000, "cross-brand");
  EXPECT_EQ(redeem.status, 404) << redeem.body;
  EXPECT_EQ(redeem.code(), "COUPON_NOT_FOUND");
  Reply at_their_store = Redeem(admin, code, store->path.id(), 5000, "cross-brand-2");
  EXPECT_EQ(at_their_store.status, 404) << at_their_store.body;
  EXPECT_EQ(DataRows(), before);
  EXPECT_EQ(CouponState(granted->front().coupon->id), "issued");
  Reply profile = Get("/api/console/members/" + std::to_string(member) + "/coupons", admin);
  EXPECT_EQ(profile.status, 404) << profile.body;
  EXPECT_EQ(profile.code(), "MEMBER_NOT_FOUND");
}

TEST_P(ConsoleRedemptionsTest, AMembersCouponsAreThoseOfTheStocksTheCallerSees) {
  const std::string& admin = Token("admin");
  const int64_t member = NewMember(tree_.store_a1);
  const int64_t brand_stock = ActiveStock(admin, StockBody("brand", tree_.brand));
  const int64_t only_b1 = ActiveStock(
      admin,
      StockBody("brand", tree_.brand, {{"store_ids", "[" + std::to_string(tree_.store_b1) + "]"}}));
  const Granted everywhere = GrantTo(admin, brand_stock, member);
  const Granted at_b1 = GrantTo(admin, only_b1, member);
  ASSERT_EQ(Redeem(Token("clerk_a1"), everywhere.code, tree_.store_a1, 5000, "m-1").status, 200);
  const std::string path = "/api/console/members/" + std::to_string(member) + "/coupons";

  Reply all = Get(path, admin);
  ASSERT_EQ(all.status, 200) << all.body;
  std::vector<int64_t> ids = all.ItemIds();
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()),
            (std::set<int64_t>{everywhere.id, at_b1.id}));
  EXPECT_EQ(all.json["total"].GetInt64(), 2);
  Reply dealer = Get(path, Token("dealer_a_manager"));
  ASSERT_EQ(dealer.status, 200) << dealer.body;
  EXPECT_EQ(dealer.ItemIds(), std::vector<int64_t>{everywhere.id});
  EXPECT_EQ(dealer.json["total"].GetInt64(), 1);
  EXPECT_EQ(dealer.json["items"][0]["stock"]["id"].GetInt64(), brand_stock);
  EXPECT_EQ(Get(path + "?state=redeemed", admin).ItemIds(), std::vector<int64_t>{everywhere.id});
  EXPECT_EQ(Get(path + "?state=issued", admin).ItemIds(), std::vector<int64_t>{at_b1.id});
  EXPECT_EQ(Get(path + "?page_size=1", admin).ItemIds().size(), 1u);
  EXPECT_EQ(Get(path + "?state=used", admin).code(), "INVALID_FIELD");
  EXPECT_EQ(Get(path + "?page=0", admin).code(), "INVALID_PAGE");
  EXPECT_EQ(Get("/api/console/members/x/coupons", admin).code(), "INVALID_ID");
  EXPECT_EQ(Get("/api/console/members/999999/coupons", admin).code(), "MEMBER_NOT_FOUND");
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleRedemptionsTest);

}  // namespace
}  // namespace mileage::testing
