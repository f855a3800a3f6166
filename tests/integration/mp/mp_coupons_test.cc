// The member's coupon routes over HTTP (docs/API.md, "Coupons (member side)"): what a
// member may claim, claims and each refusal, concurrent claims against the total and the limit,
// the member's coupons and their QR tokens redeemed at the counter, other members' and other
// brands' objects as 404, sessions, and bad input on every route, each checked in the answer
// and in what the database holds afterwards.
#include <algorithm>
#include <atomic>
#include <limits>
#include <random>
#include <regex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "coupons/qr_tokens.h"
#include "org/org_module.h"
#include "server/console/console_json.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

using coupons::Channel;
using coupons::NewStock;
using coupons::StockState;
using std::chrono::hours;
using std::chrono::seconds;

constexpr int64_t kBeijingOffset = 8 * 3600;

using Member = SignedIn;

class MpCouponsTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
  }

  int64_t Now() { return UnixSeconds(clock_.Now()); }

  // A cash stock of the fixture's brand: 100 yuan off 500, 30 days from issue, total 10, two a
  // member, claimable; `change` adjusts it. Activated unless `state` says otherwise.
  int64_t NewStock(const std::function<void(NewStock&)>& change = {},
                   StockState state = StockState::kActive, int64_t brand = 0) {
    coupons::NewStock s;
    s.node_type = org::NodeType::kBrand;
    s.node_id = brand == 0 ? brand_ : brand;
    s.name = "100 off 500";
    s.description = "maintenance";
    s.type = coupons::StockType::kCash;
    s.value_fen = 10000;
    s.threshold_fen = 50000;
    s.valid_days = 30;
    s.total_quantity = 10;
    s.per_member_limit = 2;
    s.channels = {Channel::kClaim};
    if (change) change(s);
    const org::Actor op = org::Actor::System("test");
    Result<coupons::Stock> created = app().coupons().stocks().Create(op, s);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return 0;
    std::vector<StockState> path;
    if (state != StockState::kDraft) path.push_back(StockState::kActive);
    if (state == StockState::kPaused || state == StockState::kEnded) path.push_back(state);
    for (StockState next : path) {
      coupons::StockPatch patch;
      patch.state = next;
      Status moved = app().coupons().stocks().Update(op, created->id, patch).status();
      EXPECT_TRUE(moved.ok()) << moved.ToString();
    }
    return created->id;
  }

  MpReply Claim(const Member& member, int64_t stock, const std::string& body = "") {
    return Send("POST", "/api/mp/stocks/" + std::to_string(stock) + "/claim", member.token, body);
  }
  // The id of a coupon the member claims (a 201), or 0 after a failure.
  int64_t ClaimedId(const Member& member, int64_t stock) {
    MpReply reply = Claim(member, stock);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.status == 201 ? reply.json["id"].GetInt64() : 0;
  }

  // What a coupon route could write, with the fixture's tables: "nothing written" compares two.
  std::map<std::string, int64_t> CouponsWritten() {
    std::map<std::string, int64_t> counts = Written();
    for (const char* table : {"coupons", "coupon_redemptions", "coupon_stock_days"}) {
      counts[table] = Scalar(std::string("SELECT COUNT(*) FROM ") + table);
    }
    counts["issued"] = Scalar("SELECT COALESCE(SUM(issued), 0) FROM coupon_stock_counters");
    counts["redeemed"] = Scalar("SELECT COUNT(*) FROM coupons WHERE state = 'redeemed'");
    return counts;
  }

  // The stock ids of GET /api/mp/stocks.
  std::set<int64_t> Offered(const Member& member) {
    MpReply reply = Send("GET", "/api/mp/stocks", member.token);
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::set<int64_t> ids;
    if (reply.status != 200) return ids;
    for (const auto& item : reply.json["items"].GetArray()) ids.insert(item["id"].GetInt64());
    return ids;
  }

  void SetTier(int64_t member, const std::string& tier) {
    Result<db::PooledConnection> conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(
        (*conn)
            ->Exec("UPDATE members SET tier = ? WHERE id = ?", {db::Value(tier), db::Value(member)})
            .ok());
  }

  Result<coupons::RedemptionResult> Redeem(const std::string& code_or_token, bool by_token,
                                           const std::string& request_id) {
    coupons::RedeemRequest request;
    (by_token ? request.qr_token : request.code) = code_or_token;
    request.store_id = store_;
    request.order_amount_fen = 60000;
    request.request_id = request_id;
    return app().coupons().redemptions().Redeem(org::Actor::System("test"), request, Now());
  }

  Member alice_, bob_;
};

// The last second of Beijing day (day of `t`) + days - 1, as a Unix time: when a coupon of a
// stock valid `days` days, issued at `t`, expires.
int64_t EndOfBeijingDay(int64_t t, int64_t days) {
  const int64_t local = t + kBeijingOffset;
  return local - local % 86400 + days * 86400 - 1 - kBeijingOffset;
}

TEST_P(MpCouponsTest, StocksListWhatTheMemberMayClaimNow) {
  const int64_t open = NewStock([](coupons::NewStock& s) { s.total_quantity = 3; });
  NewStock({}, StockState::kDraft);
  NewStock({}, StockState::kPaused);
  NewStock({}, StockState::kEnded);
  NewStock([](coupons::NewStock& s) { s.channels = {Channel::kGrant}; });
  const int64_t gold = NewStock([](coupons::NewStock& s) { s.min_tier = "gold"; });
  const int64_t sold_out = NewStock([](coupons::NewStock& s) { s.total_quantity = 1; });
  ASSERT_NE(ClaimedId(bob_, sold_out), 0);
  const int64_t window = NewStock([&](coupons::NewStock& s) {
    s.valid_days = 0;
    s.valid_from = Now() - 3600;
    s.valid_until = Now() + 600;
  });
  const int64_t other_brand =
      MustOk(app().org().hierarchy().CreateBrand(org::Actor::System("test"), "Other")).path.id();
  NewStock({}, StockState::kActive, other_brand);

  EXPECT_EQ(Offered(alice_), (std::set<int64_t>{open, window}));
  MpReply listed = Send("GET", "/api/mp/stocks", alice_.token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto& first = listed.json["items"][0];
  EXPECT_EQ(first["id"].GetInt64(), open);
  EXPECT_STREQ(first["name"].GetString(), "100 off 500");
  EXPECT_STREQ(first["type"].GetString(), "cash");
  EXPECT_EQ(first["value_fen"].GetInt64(), 10000);
  EXPECT_EQ(first["threshold_fen"].GetInt64(), 50000);
  EXPECT_EQ(first["valid_days"].GetInt64(), 30);
  EXPECT_TRUE(first["valid_from"].IsNull());
  EXPECT_EQ(first["per_member_limit"].GetInt64(), 2);
  EXPECT_EQ(first["remaining"].GetInt64(), 3);
  EXPECT_EQ(first["claimed"].GetInt64(), 0);
  EXPECT_EQ(first["brand_id"].GetInt64(), brand_);
  EXPECT_FALSE(first.HasMember("budget_fen")) << "the console's numbers stay in the console";
  EXPECT_FALSE(first.HasMember("created_by"));

  // A claim shows in the numbers; at the member's limit the stock is no longer offered.
  ASSERT_NE(ClaimedId(alice_, open), 0);
  listed = Send("GET", "/api/mp/stocks", alice_.token);
  EXPECT_EQ(listed.json["items"][0]["remaining"].GetInt64(), 2);
  EXPECT_EQ(listed.json["items"][0]["claimed"].GetInt64(), 1);
  ASSERT_NE(ClaimedId(alice_, open), 0);
  EXPECT_EQ(Offered(alice_), (std::set<int64_t>{window}));
  EXPECT_EQ(Offered(bob_), (std::set<int64_t>{open, window}));

  // Gold members see the gold stock; a fixed window that ended takes no more claims.
  SetTier(alice_.id, "gold");
  EXPECT_EQ(Offered(alice_), (std::set<int64_t>{window, gold}));
  clock_.Advance(seconds(601));
  EXPECT_EQ(Offered(alice_), (std::set<int64_t>{gold}));
}

TEST_P(MpCouponsTest, AClaimAnswers201WithTheCommittedCoupon) {
  const int64_t stock = NewStock();
  const auto before = CouponsWritten();
  const int64_t now = Now();
  MpReply claimed = Claim(alice_, stock);
  ASSERT_EQ(claimed.status, 201) << claimed.body;
  const int64_t id = claimed.json["id"].GetInt64();
  EXPECT_EQ(claimed.json["stock_id"].GetInt64(), stock);
  EXPECT_EQ(claimed.Text("state"), "issued");
  EXPECT_EQ(claimed.Text("channel"), "claim");
  EXPECT_TRUE(std::regex_match(claimed.Text("code"),
                               std::regex("([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]")))
      << claimed.Text("code");
  EXPECT_EQ(claimed.Text("issued_at"), server::Rfc3339(now));
  EXPECT_EQ(claimed.Text("expires_at"), server::Rfc3339(EndOfBeijingDay(now, 30)));
  EXPECT_TRUE(claimed.json["redeemed_at"].IsNull());

  // Committed: the coupon is the session's member's, with its code, its counter unit and its
  // event.
  std::string code = claimed.Text("code");
  code.erase(std::remove(code.begin(), code.end(), '-'), code.end());
  const std::string where = " FROM coupons WHERE id = " + std::to_string(id);
  EXPECT_EQ(Scalar("SELECT member_id" + where), alice_.id);
  EXPECT_EQ(Scalar("SELECT stock_id" + where), stock);
  EXPECT_EQ(Scalar("SELECT COUNT(*)" + where + " AND code = '" + code + "' AND state = 'issued'"),
            1);
  auto after = CouponsWritten();
  EXPECT_EQ(after["coupons"], before.at("coupons") + 1);
  EXPECT_EQ(after["issued"], before.at("issued") + 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.issued' AND "
                   "aggregate_ref = '" +
                   std::to_string(id) + "'"),
            1);

  MpReply fetched = Send("GET", "/api/mp/coupons/" + std::to_string(id), alice_.token);
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.Text("code"), claimed.Text("code"));
  EXPECT_EQ(fetched.json["stock"]["id"].GetInt64(), stock);
  EXPECT_STREQ(fetched.json["stock"]["description"].GetString(), "maintenance");
}

TEST_P(MpCouponsTest, EveryClaimRefusalHasItsCodeAndWritesNothing) {
  const int64_t sold_out = NewStock([](coupons::NewStock& s) { s.total_quantity = 1; });
  ASSERT_NE(ClaimedId(bob_, sold_out), 0);
  const int64_t one_each = NewStock([](coupons::NewStock& s) { s.per_member_limit = 1; });
  ASSERT_NE(ClaimedId(alice_, one_each), 0);
  const int64_t gold = NewStock([](coupons::NewStock& s) { s.min_tier = "gold"; });
  const int64_t granted = NewStock([](coupons::NewStock& s) { s.channels = {Channel::kGrant}; });
  const int64_t draft = NewStock({}, StockState::kDraft);
  const int64_t paused = NewStock({}, StockState::kPaused);
  const int64_t ended = NewStock({}, StockState::kEnded);
  const int64_t window = NewStock([&](coupons::NewStock& s) {
    s.valid_days = 0;
    s.valid_from = Now() - 3600;
    s.valid_until = Now() + 60;
  });
  const int64_t other_brand =
      MustOk(app().org().hierarchy().CreateBrand(org::Actor::System("test"), "Other")).path.id();
  const int64_t foreign = NewStock({}, StockState::kActive, other_brand);
  clock_.Advance(seconds(61));

  const auto before = CouponsWritten();
  const struct {
    int64_t stock;
    int status;
    const char* code;
  } cases[] = {
      {sold_out, 409, "SOLD_OUT"},       {one_each, 409, "LIMIT_REACHED"},
      {gold, 409, "NOT_ELIGIBLE"},       {granted, 409, "NOT_ELIGIBLE"},
      {draft, 409, "NOT_ACTIVE"},        {paused, 409, "NOT_ACTIVE"},
      {ended, 409, "NOT_ACTIVE"},        {window, 409, "NOT_ACTIVE"},
      {foreign, 404, "STOCK_NOT_FOUND"}, {foreign + 1000, 404, "STOCK_NOT_FOUND"},
  };
  for (const auto& c : cases) {
    MpReply reply = Claim(alice_, c.stock);
    EXPECT_EQ(reply.status, c.status) << c.code << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << reply.body;
  }
  EXPECT_EQ(CouponsWritten(), before);
  // Another brand's stock reads exactly like an id nobody has.
  const std::string foreign_text = Claim(alice_, foreign).Text("message");
  const std::string unknown_text = Claim(alice_, foreign + 1000).Text("message");
  EXPECT_EQ(foreign_text, "stock " + std::to_string(foreign) + " not found");
  EXPECT_EQ(unknown_text, "stock " + std::to_string(foreign + 1000) + " not found");
}

TEST_P(MpCouponsTest, TheCouponListPagesAndFiltersByState) {
  const int64_t first = NewStock([](coupons::NewStock& s) { s.per_member_limit = 3; });
  const int64_t second = NewStock([](coupons::NewStock& s) { s.name = "second"; });
  std::vector<int64_t> mine = {ClaimedId(alice_, first), ClaimedId(alice_, second),
                               ClaimedId(alice_, first)};
  const int64_t bobs = ClaimedId(bob_, first);
  ASSERT_NE(bobs, 0);
  MpReply shown = Send("GET", "/api/mp/coupons/" + std::to_string(mine[1]), alice_.token);
  ASSERT_EQ(shown.status, 200);
  ASSERT_TRUE(Redeem(shown.Text("code"), false, "counter-1").ok());

  MpReply all = Send("GET", "/api/mp/coupons", alice_.token);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json["total"].GetInt64(), 3);
  ASSERT_EQ(all.json["items"].Size(), 3u);
  // Newest first, each with its stock.
  EXPECT_EQ(all.json["items"][0]["id"].GetInt64(), mine[2]);
  EXPECT_EQ(all.json["items"][1]["id"].GetInt64(), mine[1]);
  EXPECT_EQ(all.json["items"][2]["id"].GetInt64(), mine[0]);
  EXPECT_STREQ(all.json["items"][1]["stock"]["name"].GetString(), "second");
  EXPECT_STREQ(all.json["items"][1]["state"].GetString(), "redeemed");
  EXPECT_FALSE(all.json["items"][1]["redeemed_at"].IsNull());

  MpReply redeemed = Send("GET", "/api/mp/coupons?state=redeemed", alice_.token);
  ASSERT_EQ(redeemed.json["total"].GetInt64(), 1);
  EXPECT_EQ(redeemed.json["items"][0]["id"].GetInt64(), mine[1]);
  MpReply issued = Send("GET", "/api/mp/coupons?state=issued&page=2&page_size=1", alice_.token);
  EXPECT_EQ(issued.json["total"].GetInt64(), 2);
  EXPECT_EQ(issued.json["page"].GetInt64(), 2);
  EXPECT_EQ(issued.json["page_size"].GetInt64(), 1);
  ASSERT_EQ(issued.json["items"].Size(), 1u);
  EXPECT_EQ(issued.json["items"][0]["id"].GetInt64(), mine[0]);
  EXPECT_EQ(Send("GET", "/api/mp/coupons?state=expired", alice_.token).json["total"].GetInt64(), 0);

  MpReply theirs = Send("GET", "/api/mp/coupons", bob_.token);
  ASSERT_EQ(theirs.json["total"].GetInt64(), 1);
  EXPECT_EQ(theirs.json["items"][0]["id"].GetInt64(), bobs);
}

TEST_P(MpCouponsTest, AnotherMembersCouponIsNotFound) {
  const int64_t stock = NewStock();
  const int64_t bobs = ClaimedId(bob_, stock);
  ASSERT_NE(bobs, 0);
  const int64_t unknown = bobs + 1000;
  const auto before = CouponsWritten();
  for (const int64_t id : {bobs, unknown}) {
    const std::string path = "/api/mp/coupons/" + std::to_string(id);
    for (const MpReply& reply :
         {Send("GET", path, alice_.token), Send("POST", path + "/qr", alice_.token)}) {
      EXPECT_EQ(reply.status, 404) << reply.body;
      EXPECT_EQ(reply.code(), "COUPON_NOT_FOUND");
      EXPECT_EQ(reply.Text("message"), "coupon " + std::to_string(id) + " not found");
    }
  }
  EXPECT_EQ(CouponsWritten(), before);
  EXPECT_EQ(Send("GET", "/api/mp/coupons/" + std::to_string(bobs), bob_.token).status, 200);
}

TEST_P(MpCouponsTest, TheQrTokenIsShortLivedAndRedeemsItsCouponOnce) {
  const int64_t stock = NewStock([](coupons::NewStock& s) {
    s.valid_days = 1;
    s.per_member_limit = 3;
  });
  const int64_t id = ClaimedId(alice_, stock);
  ASSERT_NE(id, 0);
  const std::string qr_path = "/api/mp/coupons/" + std::to_string(id) + "/qr";
  const auto before = CouponsWritten();
  const int64_t now = Now();
  MpReply qr = Send("POST", qr_path, alice_.token);
  ASSERT_EQ(qr.status, 200) << qr.body;
  EXPECT_EQ(qr.Text("expires_at"), server::Rfc3339(now + 60));
  const std::string token = qr.Text("qr_token");
  EXPECT_TRUE(std::regex_match(
      token, std::regex("cq1\\." + std::to_string(id) + "\\." + std::to_string(now + 60) +
                        "\\.[0-9a-f]{16}\\.[0-9a-f]{32}")))
      << token;
  EXPECT_EQ(CouponsWritten(), before) << "showing a QR code writes nothing";

  // Altered tokens are refused at the counter before any coupon is looked at: another coupon
  // id, another expiry, a flipped tag character, a cut tag.
  std::string other_coupon = token;
  other_coupon.replace(4, std::to_string(id).size(), std::to_string(id + 1));
  std::string later_expiry = token;
  const size_t expiry_at = token.find('.', 4) + 1;
  later_expiry.replace(expiry_at, std::to_string(now + 60).size(), std::to_string(now + 3600));
  std::string flipped = token;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  for (const std::string& bad :
       {other_coupon, later_expiry, flipped, token.substr(0, token.size() - 2)}) {
    Result<coupons::RedemptionResult> refused = Redeem(bad, true, "tampered");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(refused.status().reason(), "INVALID_QR_TOKEN") << bad;
  }
  EXPECT_EQ(CouponsWritten(), before);

  // The clerk scans it: the coupon is redeemed, once; the same token again (another scan,
  // another request id) is refused; a QR code of it is no longer shown.
  Result<coupons::RedemptionResult> redeemed = Redeem(token, true, "scan-1");
  ASSERT_TRUE(redeemed.ok()) << redeemed.status().ToString();
  EXPECT_EQ(redeemed->coupon.id, id);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE state = 'redeemed' AND id = " +
                   std::to_string(id)),
            1);
  const auto once = CouponsWritten();
  Result<coupons::RedemptionResult> twice = Redeem(token, true, "scan-2");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().reason(), "ALREADY_REDEEMED");
  EXPECT_EQ(CouponsWritten(), once);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupon_redemptions"), 1);
  MpReply again = Send("POST", qr_path, alice_.token);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "ALREADY_REDEEMED");
  MpReply shown = Send("GET", "/api/mp/coupons/" + std::to_string(id), alice_.token);
  EXPECT_EQ(shown.Text("state"), "redeemed");

  // A token is good for 60 s: at 60 s it is refused and writes nothing; a new one works.
  const int64_t second = ClaimedId(alice_, stock);
  ASSERT_NE(second, 0);
  const std::string second_path = "/api/mp/coupons/" + std::to_string(second) + "/qr";
  const std::string stale = Send("POST", second_path, alice_.token).Text("qr_token");
  ASSERT_FALSE(stale.empty());
  clock_.Advance(seconds(60));
  const auto unredeemed = CouponsWritten();
  Result<coupons::RedemptionResult> late = Redeem(stale, true, "late");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().reason(), "QR_TOKEN_EXPIRED");
  EXPECT_EQ(CouponsWritten(), unredeemed);
  MpReply fresh = Send("POST", second_path, alice_.token);
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_NE(fresh.Text("qr_token"), stale);
  EXPECT_TRUE(Redeem(fresh.Text("qr_token"), true, "fresh").ok());

  // A coupon past its last day shows no QR code either.
  const int64_t later = ClaimedId(alice_, stock);
  ASSERT_NE(later, 0);
  clock_.Advance(seconds(EndOfBeijingDay(Now(), 1) - Now() + 1));
  const auto expired_before = CouponsWritten();
  MpReply expired = Send("POST", "/api/mp/coupons/" + std::to_string(later) + "/qr", alice_.token);
  EXPECT_EQ(expired.status, 409) << expired.body;
  EXPECT_EQ(expired.code(), "COUPON_EXPIRED");
  EXPECT_EQ(CouponsWritten(), expired_before);
}

// A coupon past its last second reads expired to its member at once, in the list, its filter
// and on its own, before the hourly coupon_expiry job moves the row.
TEST_P(MpCouponsTest, ACouponPastItsLastDayReadsExpiredBeforeTheJobRuns) {
  const int64_t stock = NewStock([](coupons::NewStock& s) { s.valid_days = 1; });
  const int64_t coupon = ClaimedId(alice_, stock);
  ASSERT_NE(coupon, 0);
  clock_.Advance(seconds(EndOfBeijingDay(Now(), 1) - Now() + 1));
  const std::string path = "/api/mp/coupons/" + std::to_string(coupon);
  MpReply one = Send("GET", path, alice_.token);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.Text("state"), "expired");
  MpReply issued = Send("GET", "/api/mp/coupons?state=issued", alice_.token);
  ASSERT_EQ(issued.status, 200) << issued.body;
  EXPECT_EQ(issued.json["total"].GetInt64(), 0);
  MpReply expired = Send("GET", "/api/mp/coupons?state=expired", alice_.token);
  ASSERT_EQ(expired.status, 200) << expired.body;
  ASSERT_EQ(expired.json["items"].Size(), 1u);
  EXPECT_EQ(expired.json["items"][0]["id"].GetInt64(), coupon);
  EXPECT_EQ(std::string(expired.json["items"][0]["state"].GetString()), "expired");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE state = 'issued' AND id = " +
                   std::to_string(coupon)),
            1)
      << "a read wrote the state";
}

// Only a usable coupon gets a QR code: not before its stock's window opens, not once voided
// (a refunded payment's reward); asking writes nothing.
TEST_P(MpCouponsTest, AQrCodeIsShownOnlyForAUsableCoupon) {
  const int64_t opens = Now() + 3600;
  const int64_t stock = NewStock([&](coupons::NewStock& s) {
    s.valid_days = 0;
    s.valid_from = opens;
    s.valid_until = opens + 10 * 86400;
  });
  MpReply claimed = Claim(alice_, stock);
  ASSERT_EQ(claimed.status, 201) << claimed.body;
  EXPECT_EQ(claimed.Text("valid_from"), server::Rfc3339(opens));
  EXPECT_EQ(claimed.Text("expires_at"), server::Rfc3339(opens + 10 * 86400));
  const std::string id = std::to_string(claimed.json["id"].GetInt64());
  const auto before = CouponsWritten();
  MpReply early = Send("POST", "/api/mp/coupons/" + id + "/qr", alice_.token);
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(early.code(), "COUPON_NOT_YET_VALID");
  clock_.Advance(seconds(3600));
  EXPECT_EQ(Send("POST", "/api/mp/coupons/" + id + "/qr", alice_.token).status, 200);

  {
    Result<db::PooledConnection> conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)
                    ->Exec("UPDATE coupons SET state = 'voided', voided_at = ?, void_reason = "
                           "'refunded' WHERE id = ?",
                           {db::Value(Now()), db::Value(claimed.json["id"].GetInt64())})
                    .ok());
  }
  MpReply voided = Send("POST", "/api/mp/coupons/" + id + "/qr", alice_.token);
  EXPECT_EQ(voided.status, 409) << voided.body;
  EXPECT_EQ(voided.code(), "COUPON_VOIDED");
  EXPECT_EQ(Send("GET", "/api/mp/coupons/" + id, alice_.token).Text("state"), "voided");
  MpReply listed = Send("GET", "/api/mp/coupons?state=voided", alice_.token);
  ASSERT_EQ(listed.json["total"].GetInt64(), 1);
  EXPECT_EQ(std::to_string(listed.json["items"][0]["id"].GetInt64()), id);
  EXPECT_EQ(CouponsWritten(), before);
}

// Nothing in the request names the member: a member id in the body or the query is not read
// (like every /api/mp/ route, these ignore bodies and parameters they do not take).
TEST_P(MpCouponsTest, TheMemberComesFromTheSessionOnly) {
  const int64_t stock = NewStock([](coupons::NewStock& s) { s.per_member_limit = 3; });
  const std::string bob = std::to_string(bob_.id);
  MpReply in_body = Claim(alice_, stock, R"({"member_id":)" + bob + "}");
  ASSERT_EQ(in_body.status, 201) << in_body.body;
  MpReply in_query = Send(
      "POST", "/api/mp/stocks/" + std::to_string(stock) + "/claim?member_id=" + bob, alice_.token);
  ASSERT_EQ(in_query.status, 201) << in_query.body;
  for (const MpReply* claimed : {&in_body, &in_query}) {
    EXPECT_EQ(Scalar("SELECT member_id FROM coupons WHERE id = " +
                     std::to_string(claimed->json["id"].GetInt64())),
              alice_.id);
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE member_id = " + bob), 0);
  MpReply listed = Send("GET", "/api/mp/coupons?member_id=" + bob, alice_.token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json["total"].GetInt64(), 2) << "alice's own coupons";
  EXPECT_EQ(Send("GET", "/api/mp/coupons", bob_.token).json["total"].GetInt64(), 0);
}

TEST_P(MpCouponsTest, BadInputOnEveryRouteIsRefusedAndWritesNothing) {
  const int64_t stock = NewStock();
  const int64_t coupon = ClaimedId(alice_, stock);
  ASSERT_NE(coupon, 0);
  const auto before = CouponsWritten();
  const std::string huge = R"({"x":")" + std::string(2 << 20, 'a') + R"("})";
  const struct {
    std::string method;
    std::string path;
    std::string body;
    int status;
    const char* code;
  } cases[] = {
      // Malformed ids.
      {"POST", "/api/mp/stocks/abc/claim", "", 400, "INVALID_ID"},
      {"POST", "/api/mp/stocks/0/claim", "", 400, "INVALID_ID"},
      {"POST", "/api/mp/stocks/-1/claim", "", 400, "INVALID_ID"},
      {"POST", "/api/mp/stocks/1.5/claim", "", 400, "INVALID_ID"},
      {"POST", "/api/mp/stocks/99999999999999999999/claim", "", 400, "INVALID_ID"},
      {"GET", "/api/mp/coupons/abc", "", 400, "INVALID_ID"},
      {"GET", "/api/mp/coupons/0", "", 400, "INVALID_ID"},
      {"GET", "/api/mp/coupons/%2B1", "", 400, "INVALID_ID"},
      {"POST", "/api/mp/coupons/x1/qr", "", 400, "INVALID_ID"},
      {"POST", "/api/mp/coupons/99999999999999999999/qr", "", 400, "INVALID_ID"},
      // Bodies are bounded before any route runs.
      {"POST", "/api/mp/stocks/" + std::to_string(stock) + "/claim", huge, 413,
       "PAYLOAD_TOO_LARGE"},
      {"POST", "/api/mp/coupons/" + std::to_string(coupon) + "/qr", huge, 413, "PAYLOAD_TOO_LARGE"},
      // The list's state and paging.
      {"GET", "/api/mp/coupons?state=used", "", 400, "INVALID_FIELD"},
      {"GET", "/api/mp/coupons?state=ISSUED", "", 400, "INVALID_FIELD"},
      {"GET", "/api/mp/coupons?state=", "", 400, "INVALID_FIELD"},
      {"GET", "/api/mp/coupons?page=0", "", 400, "INVALID_PAGE"},
      {"GET", "/api/mp/coupons?page=x", "", 400, "INVALID_PAGE"},
      {"GET", "/api/mp/coupons?page_size=0", "", 400, "INVALID_PAGE"},
      {"GET", "/api/mp/coupons?page_size=201", "", 400, "INVALID_PAGE"},
      // No such routes.
      {"GET", "/api/mp/stocks/" + std::to_string(stock), "", 404, "NOT_FOUND"},
      {"GET", "/api/mp/stocks/" + std::to_string(stock) + "/claim", "", 405, "METHOD_NOT_ALLOWED"},
      {"POST", "/api/mp/coupons", "", 405, "METHOD_NOT_ALLOWED"},
  };
  for (const auto& c : cases) {
    MpReply reply = Send(c.method, c.path, alice_.token, c.body);
    EXPECT_EQ(reply.status, c.status) << c.method << " " << c.path << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.method << " " << c.path;
  }
  EXPECT_EQ(CouponsWritten(), before);
}

TEST_P(MpCouponsTest, TheCouponRoutesAreMemberRoutes) {
  const std::set<std::pair<std::string, std::string>> expected = {
      {"GET", "/api/mp/stocks"},
      {"POST", "/api/mp/stocks/{id}/claim"},
      {"GET", "/api/mp/coupons"},
      {"GET", "/api/mp/coupons/{id}"},
      {"POST", "/api/mp/coupons/{id}/qr"}};
  std::set<std::pair<std::string, std::string>> registered;
  for (const server::MpRouteInfo& route : app().member_api().router().routes()) {
    if (route.authenticated) registered.insert({route.method, route.path_template});
  }
  for (const auto& route : expected) {
    EXPECT_EQ(registered.count(route), 1u) << route.first << " " << route.second;
  }
  // A staff token is not a member token on these routes either.
  const int64_t stock = NewStock();
  MpReply staff = Claim({StaffToken(), 0}, stock);
  EXPECT_EQ(staff.status, 401);
  EXPECT_EQ(staff.code(), "INVALID_TOKEN");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons"), 0);
}

// Without a valid member session no coupon route runs: no token, a forged one, one logged out
// and one expired are refused (401 with the session's code) and write nothing.
TEST_P(MpCouponsTest, EveryCouponRouteNeedsAMemberSession) {
  const int64_t stock = NewStock();
  const int64_t coupon = ClaimedId(bob_, stock);
  ASSERT_NE(coupon, 0);
  const std::string logged_out = TokenOf("carol");
  ASSERT_EQ(Send("POST", "/api/mp/logout", logged_out).status, 204);
  const std::string forged = "mmt1." + std::string(64, 'a') + "." + std::string(32, 'b');
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/api/mp/stocks"},
      {"POST", "/api/mp/stocks/" + std::to_string(stock) + "/claim"},
      {"GET", "/api/mp/coupons"},
      {"GET", "/api/mp/coupons/" + std::to_string(coupon)},
      {"POST", "/api/mp/coupons/" + std::to_string(coupon) + "/qr"}};
  auto refused_with = [&](const std::string& token, const std::string& code) {
    for (const auto& [method, path] : routes) {
      MpReply reply = Send(method, path, token);
      EXPECT_EQ(reply.status, 401) << method << " " << path << ": " << reply.body;
      EXPECT_EQ(reply.code(), code) << method << " " << path;
      EXPECT_EQ(reply.Header("Cache-Control"), "no-store");
    }
  };
  const auto before = CouponsWritten();
  refused_with("", "MISSING_TOKEN");
  refused_with(forged, "INVALID_TOKEN");
  refused_with(logged_out, "SESSION_REVOKED");
  clock_.Advance(hours(24 * 7) + seconds(1));
  refused_with(bob_.token, "SESSION_EXPIRED");
  EXPECT_EQ(CouponsWritten(), before);
}

// One claim as the race saw it: who, which stock, the answer, and when it was sent and
// answered on one sequence shared by every thread.
struct RacedClaim {
  size_t member = 0;
  int64_t stock = 0;
  int status = 0;
  std::string code;
  int64_t coupon = 0;
  int64_t sent = 0;
  int64_t answered = 0;
};

// 100 members claim 3 times each, at once over 16 connections, from a stock of 50 (limit 2:
// it sells out) and from a stock of 1,000 (16 counter rows, which never runs out). A member's
// claims are queued side by side so that they race each other too. Exactly the total is
// issued, nobody holds more than the limit, and every refusal is the one the state explains.
TEST_P(MpCouponsTest, ConcurrentClaimsNeverExceedTheTotalOrTheLimit) {
  constexpr size_t kMembers = 100;
  constexpr int64_t kScarce = 50;
  constexpr int kThreads = 16;
  const int64_t scarce = NewStock([](coupons::NewStock& s) { s.total_quantity = kScarce; });
  const int64_t ample = NewStock([](coupons::NewStock& s) { s.total_quantity = 1000; });
  std::vector<Member> members;
  for (size_t i = 0; i < kMembers; ++i) {
    // Four client addresses, so the logins stay below one address's login limit.
    MpReply login =
        Login("racer-" + std::to_string(i), kAppid, "127.0.0." + std::to_string(2 + i % 4));
    ASSERT_EQ(login.status, 200) << login.body;
    members.push_back({login.Text("token"), login.json["member"]["id"].GetInt64()});
  }

  std::vector<size_t> order(kMembers);
  for (size_t i = 0; i < kMembers; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(42));
  std::vector<RacedClaim> claims;
  for (size_t m : order) {
    for (int64_t stock : {scarce, ample}) {
      for (int n = 0; n < 3; ++n) {
        RacedClaim claim;
        claim.member = m;
        claim.stock = stock;
        claims.push_back(claim);
      }
    }
  }
  std::atomic<size_t> next{0};
  std::atomic<int64_t> sequence{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, client = server_->Client()] {
      for (size_t i = next++; i < claims.size(); i = next++) {
        RacedClaim& claim = claims[i];
        const httplib::Headers auth = {{"Authorization", "Bearer " + members[claim.member].token}};
        claim.sent = sequence++;
        httplib::Result res =
            client->Post("/api/mp/stocks/" + std::to_string(claim.stock) + "/claim", auth, "",
                         "application/json");
        claim.answered = sequence++;
        if (!res) continue;
        claim.status = res->status;
        rapidjson::Document json;
        json.Parse(res->body.c_str());
        if (!json.IsObject()) continue;
        if (json.HasMember("code") && json["code"].IsString())
          claim.code = json["code"].GetString();
        if (json.HasMember("id") && json["id"].IsInt64()) claim.coupon = json["id"].GetInt64();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  // Every answer is a 201 with a coupon or a 409 the state explains.
  std::map<std::pair<size_t, int64_t>, int64_t> won;  // (member, stock) -> 201s
  int64_t first_sold_out = std::numeric_limits<int64_t>::max();
  for (const RacedClaim& c : claims) {
    if (c.status == 201) {
      ASSERT_NE(c.coupon, 0);
      EXPECT_EQ(Scalar("SELECT member_id FROM coupons WHERE id = " + std::to_string(c.coupon)),
                members[c.member].id);
      ++won[{c.member, c.stock}];
      continue;
    }
    ASSERT_EQ(c.status, 409) << "member " << c.member << " stock " << c.stock << ": " << c.code;
    ASSERT_TRUE(c.code == "SOLD_OUT" || c.code == "LIMIT_REACHED") << c.code;
    EXPECT_FALSE(c.stock == ample && c.code == "SOLD_OUT") << "1,000 never run out here";
    if (c.code == "SOLD_OUT") first_sold_out = std::min(first_sold_out, c.answered);
  }
  int64_t scarce_won = 0;
  for (const RacedClaim& c : claims) {
    if (c.status != 201) {
      // A member is told LIMIT_REACHED only when holding the limit.
      if (c.code == "LIMIT_REACHED") {
        EXPECT_EQ((won[{c.member, c.stock}]), 2) << "member " << c.member;
      }
      continue;
    }
    if (c.stock != scarce) continue;
    ++scarce_won;
    // Once a claim was answered SOLD_OUT, no claim sent later got a coupon.
    EXPECT_LT(c.sent, first_sold_out) << "a coupon after SOLD_OUT";
  }
  EXPECT_EQ(scarce_won, kScarce);
  std::map<std::pair<int64_t, std::string>, int64_t> refusals;  // (stock, code) -> count
  // Claims of one member for one stock that were in flight at the same time.
  int64_t raced_own = 0;
  for (size_t i = 0; i < claims.size(); ++i) {
    if (claims[i].status != 201) ++refusals[{claims[i].stock, claims[i].code}];
    for (size_t j = i + 1; j < claims.size() && j < i + 3; ++j) {
      const bool same = claims[j].member == claims[i].member && claims[j].stock == claims[i].stock;
      if (same && claims[j].sent < claims[i].answered && claims[i].sent < claims[j].answered) {
        ++raced_own;
      }
    }
  }
  EXPECT_GT(raced_own, 0) << "no member's claims raced each other";
  EXPECT_GT((refusals[{scarce, "SOLD_OUT"}]), 0);
  EXPECT_EQ((refusals[{scarce, "SOLD_OUT"}]) + (refusals[{scarce, "LIMIT_REACHED"}]),
            static_cast<int64_t>(3 * kMembers) - kScarce);
  EXPECT_EQ((refusals[{ample, "LIMIT_REACHED"}]), static_cast<int64_t>(kMembers));
  for (size_t m = 0; m < kMembers; ++m) {
    EXPECT_EQ((won[{m, ample}]), 2) << "member " << m << " at the limit of the ample stock";
    EXPECT_LE((won[{m, scarce}]), 2);
  }

  // The database agrees: rows, counters and slots.
  for (const auto& [stock, total] :
       std::vector<std::pair<int64_t, int64_t>>{{scarce, kScarce}, {ample, 2 * kMembers}}) {
    const std::string id = std::to_string(stock);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE stock_id = " + id), total);
    EXPECT_EQ(Scalar("SELECT SUM(issued) FROM coupon_stock_counters WHERE stock_id = " + id),
              total);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupon_stock_counters WHERE stock_id = " + id +
                     " AND issued > cap"),
              0);
    EXPECT_EQ(Scalar("SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM coupons WHERE "
                     "stock_id = " +
                     id + " GROUP BY member_id) AS per_member"),
              2);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE stock_id = " + id +
                     " AND member_slot NOT IN (1, 2)"),
              0);
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupon_stock_counters WHERE stock_id = " +
                   std::to_string(ample)),
            16);
  MpReply offered = Send("GET", "/api/mp/stocks", members[0].token);
  EXPECT_EQ(offered.json["items"].Size(), 0u) << "sold out and at the limit: nothing to claim";
}

MILEAGE_MP_TEST_SUITE(MpCouponsTest);

}  // namespace
}  // namespace mileage::testing
