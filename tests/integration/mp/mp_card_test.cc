// The owner card and the points history over HTTP (docs/API.md, "Owner card and points"):
// paying before or after the first login is one member whose points and reward coupons show at
// once; the tier progress against the config's tiers; points expiring within 30 days by lots
// placed on the test's clock; usable coupons; the member code; other members' data never
// shown; sessions and bad paging refused, each checked in the answer and in the database.
#include <set>
#include <string>
#include <vector>

#include "common/civil_time.h"
#include "crypto/data_key.h"
#include "db/db.h"
#include "members/member_codes.h"
#include "points/ledger.h"
#include "server/console/console_json.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

constexpr int64_t kDay = 86400;

// The tiers of the tier test's config; its expectations are computed from these numbers.
constexpr int64_t kGoldSpend = 30000, kGoldVisits = 3;
constexpr int64_t kPlatinumSpend = 100000, kPlatinumVisits = 10;

std::set<std::string> Keys(const rapidjson::Value& object) {
  std::set<std::string> keys;
  for (const auto& member : object.GetObject()) keys.insert(member.name.GetString());
  return keys;
}

class MpCardTest : public MpTest {
 protected:
  int64_t Now() { return UnixSeconds(clock_.Now()); }

  MpReply Card(const std::string& token) { return Send("GET", "/api/mp/card", token); }
  MpReply History(const std::string& token, const std::string& query = "") {
    return Send("GET", "/api/mp/points" + query, token);
  }

  // An active payment-channel stock of the brand: any payment of at least 1 yuan earns one.
  int64_t RewardStock() {
    coupons::NewStock s;
    s.node_type = org::NodeType::kBrand;
    s.node_id = brand_;
    s.name = "Thanks for your visit";
    s.type = coupons::StockType::kCash;
    s.value_fen = 2000;
    s.valid_days = 30;
    s.total_quantity = 100;
    s.per_member_limit = 10;
    s.channels = {coupons::Channel::kPayment};
    s.reward_min_amount_fen = 100;
    return Activate(s);
  }
  // An active claimable stock of the brand, coupons valid `days` days.
  int64_t ClaimStock(int64_t days) {
    coupons::NewStock s;
    s.node_type = org::NodeType::kBrand;
    s.node_id = brand_;
    s.name = "wash";
    s.type = coupons::StockType::kExchange;
    s.item = "car wash";
    s.valid_days = days;
    s.total_quantity = 100;
    s.per_member_limit = 5;
    s.channels = {coupons::Channel::kClaim};
    return Activate(s);
  }
  int64_t Activate(const coupons::NewStock& s) {
    const org::Actor op = org::Actor::System("test");
    Result<coupons::Stock> created = app().coupons().stocks().Create(op, s);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return 0;
    coupons::StockPatch active;
    active.state = coupons::StockState::kActive;
    EXPECT_TRUE(app().coupons().stocks().Update(op, created->id, active).ok());
    return created->id;
  }

  // Posts to the member's points through the ledger, as the payment flow does: an earning whose
  // lot expires at `expires_at` (0: never), or a spend.
  void Earn(int64_t member, int64_t points, int64_t expires_at, const std::string& key) {
    Status done = db::InTransaction(app().db(), [&](db::Connection& conn) {
      points::EarnRequest r;
      r.brand_id = brand_;
      r.member_id = member;
      r.points = points;
      r.idempotency_key = key;
      r.reason = "adjustment";
      r.source_ref = "test:" + key;
      r.now = Now();
      r.expires_at = expires_at;
      return points::Ledger(conn).Earn(r).status();
    });
    ASSERT_TRUE(done.ok()) << done.ToString();
  }
  void Spend(int64_t member, int64_t points, const std::string& key) {
    Status done = db::InTransaction(app().db(), [&](db::Connection& conn) {
      points::DebitRequest r;
      r.brand_id = brand_;
      r.member_id = member;
      r.points = points;
      r.idempotency_key = key;
      r.reason = "redeem";
      r.source_ref = "test:" + key;
      r.now = Now();
      return points::Ledger(conn).Spend(r).status();
    });
    ASSERT_TRUE(done.ok()) << done.ToString();
  }

  // The transaction ids WeChat Pay gave the payments, in the order recorded.
  std::vector<std::string> TransactionIds() {
    Result<db::PooledConnection> conn = app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    std::vector<std::string> ids;
    if (!conn.ok()) return ids;
    Result<std::vector<db::Row>> rows =
        (*conn)->Query("SELECT transaction_id FROM payment_transactions ORDER BY id", {});
    EXPECT_TRUE(rows.ok());
    if (rows.ok()) {
      for (const db::Row& row : *rows) ids.push_back(row.Text(0));
    }
    return ids;
  }

  // Every field of the card's shape, exactly.
  void ExpectCardShape(const MpReply& card) {
    ASSERT_EQ(card.status, 200) << card.body;
    EXPECT_EQ(card.Header("Cache-Control"), "no-store");
    const rapidjson::Value& j = card.json;
    EXPECT_EQ(Keys(j), (std::set<std::string>{"member", "tier", "points", "coupons", "vehicles",
                                              "member_code"}));
    EXPECT_EQ(Keys(j["member"]),
              (std::set<std::string>{"id", "number", "tier", "status", "enrolled_at"}));
    EXPECT_EQ(Keys(j["tier"]),
              (std::set<std::string>{"current", "next", "spend_fen_to_next", "visits_to_next"}));
    EXPECT_EQ(Keys(j["points"]),
              (std::set<std::string>{"balance", "expiring_30d", "next_expiry_at"}));
    EXPECT_EQ(Keys(j["coupons"]), (std::set<std::string>{"usable"}));
    ASSERT_TRUE(j["vehicles"].IsArray());
    EXPECT_EQ(j["vehicles"].Size(), 0u);
    EXPECT_EQ(Keys(j["member_code"]), (std::set<std::string>{"token", "expires_at"}));
  }
};

// Pay first, log in later: the payment's points and its reward coupon are on the card and in
// the history at the first login, under the member the payment enrolled.
TEST_P(MpCardTest, APaymentBeforeTheFirstLoginShowsAtOnce) {
  RewardStock();
  Pay("carol", 12345);
  ASSERT_EQ(Scalar("SELECT COUNT(*) FROM members"), 1);
  const int64_t enrolled = Scalar("SELECT id FROM members");

  const SignedIn carol = SignIn("carol");
  EXPECT_EQ(carol.id, enrolled);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members"), 1);
  MpReply card = Card(carol.token);
  ExpectCardShape(card);
  EXPECT_EQ(card.json["member"]["id"].GetInt64(), enrolled);
  EXPECT_EQ(card.json["points"]["balance"].GetInt64(), 12345 / 100);  // 1 point a yuan
  EXPECT_EQ(card.json["coupons"]["usable"].GetInt64(), 1);

  MpReply history = History(carol.token);
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.json["total"].GetInt64(), 1);
  const rapidjson::Value& line = history.json["items"][0];
  EXPECT_EQ(Keys(line), (std::set<std::string>{"id", "points", "balance_change", "debt_change",
                                               "reason", "source_ref", "created_at"}));
  EXPECT_EQ(line["points"].GetInt64(), 123);
  EXPECT_EQ(line["balance_change"].GetInt64(), 123);
  EXPECT_EQ(line["debt_change"].GetInt64(), 0);
  EXPECT_EQ(std::string(line["reason"].GetString()), "payment");
  const std::vector<std::string> transactions = TransactionIds();
  ASSERT_EQ(transactions.size(), 1u);
  EXPECT_EQ(std::string(line["source_ref"].GetString()), "wxpay:" + transactions[0]);
}

// Log in first, pay later: the same member, whose card and history show the payment once it
// is accepted.
TEST_P(MpCardTest, APaymentAfterTheLoginIsTheSameMember) {
  RewardStock();
  const SignedIn dave = SignIn("dave");
  MpReply before = Card(dave.token);
  ExpectCardShape(before);
  EXPECT_EQ(before.json["points"]["balance"].GetInt64(), 0);
  EXPECT_EQ(before.json["points"]["expiring_30d"].GetInt64(), 0);
  EXPECT_TRUE(before.json["points"]["next_expiry_at"].IsNull());
  EXPECT_EQ(before.json["coupons"]["usable"].GetInt64(), 0);
  MpReply empty = History(dave.token);
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.json["total"].GetInt64(), 0);
  EXPECT_EQ(empty.json["items"].Size(), 0u);

  Pay("dave", 50000);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM members"), 1);
  MpReply after = Card(dave.token);
  ExpectCardShape(after);
  EXPECT_EQ(after.json["member"]["id"].GetInt64(), dave.id);
  EXPECT_EQ(after.json["points"]["balance"].GetInt64(), 500);
  EXPECT_EQ(after.json["coupons"]["usable"].GetInt64(), 1);
  MpReply history = History(dave.token);
  ASSERT_EQ(history.json["total"].GetInt64(), 1);
  EXPECT_EQ(history.json["items"][0]["points"].GetInt64(), 500);
  // The card's member is /api/mp/me's.
  MpReply me = Me(dave.token);
  ASSERT_EQ(me.status, 200);
  EXPECT_TRUE(me.json["member"] == after.json["member"]) << me.body << "\n" << after.body;
}

// What is left to the next tier, by spend or by visits over the rolling 12 months, from the
// config's tiers; null at the top.
TEST_P(MpCardTest, TierProgressFollowsTheConfiguredTiers) {
  StartServer({}, [](Config& c) {
    c.tiers = {{"silver", 0, 0},
               {"gold", kGoldSpend, kGoldVisits},
               {"platinum", kPlatinumSpend, kPlatinumVisits}};
  });
  const SignedIn erin = SignIn("erin");
  auto tier = [&] {
    MpReply card = Card(erin.token);
    EXPECT_EQ(card.status, 200) << card.body;
    rapidjson::Document copy;
    copy.CopyFrom(card.json["tier"], copy.GetAllocator());
    return copy;
  };
  rapidjson::Document fresh = tier();
  EXPECT_EQ(std::string(fresh["current"].GetString()), "silver");
  EXPECT_EQ(std::string(fresh["next"].GetString()), "gold");
  EXPECT_EQ(fresh["spend_fen_to_next"].GetInt64(), kGoldSpend);
  EXPECT_EQ(fresh["visits_to_next"].GetInt64(), kGoldVisits);

  Pay("erin", 12000);
  rapidjson::Document one = tier();
  EXPECT_EQ(std::string(one["current"].GetString()), "silver");
  EXPECT_EQ(one["spend_fen_to_next"].GetInt64(), kGoldSpend - 12000);
  EXPECT_EQ(one["visits_to_next"].GetInt64(), kGoldVisits - 1);

  Pay("erin", 20000);  // 32000 fen in two visits: gold by spend
  rapidjson::Document gold = tier();
  EXPECT_EQ(std::string(gold["current"].GetString()), "gold");
  EXPECT_EQ(std::string(gold["next"].GetString()), "platinum");
  EXPECT_EQ(gold["spend_fen_to_next"].GetInt64(), kPlatinumSpend - 32000);
  EXPECT_EQ(gold["visits_to_next"].GetInt64(), kPlatinumVisits - 2);

  Pay("erin", 70000);  // 102000 fen: platinum, the top
  rapidjson::Document top = tier();
  EXPECT_EQ(std::string(top["current"].GetString()), "platinum");
  EXPECT_TRUE(top["next"].IsNull());
  EXPECT_TRUE(top["spend_fen_to_next"].IsNull());
  EXPECT_TRUE(top["visits_to_next"].IsNull());
  EXPECT_EQ(Scalar("SELECT tier = 'platinum' FROM members WHERE id = " + std::to_string(erin.id)),
            1);
}

// The points of the lots that expire within 30 days of now (the bound included), the earliest
// expiry of any lot holding points, and both after a spend consumed the oldest lots.
TEST_P(MpCardTest, PointsExpiringWithinThirtyDaysComeFromTheLots) {
  const SignedIn fay = SignIn("fay");
  const int64_t t0 = Now();
  Earn(fay.id, 10, t0 + 10 * kDay, "a");
  Earn(fay.id, 20, t0 + 30 * kDay, "b");
  Earn(fay.id, 40, t0 + 30 * kDay + 1, "c");
  Earn(fay.id, 80, 0, "d");  // never expires
  Earn(fay.id, 160, t0 + 60 * kDay, "e");

  MpReply card = Card(fay.token);
  ExpectCardShape(card);
  EXPECT_EQ(card.json["points"]["balance"].GetInt64(), 10 + 20 + 40 + 80 + 160);
  EXPECT_EQ(card.json["points"]["expiring_30d"].GetInt64(), 10 + 20);
  EXPECT_EQ(std::string(card.json["points"]["next_expiry_at"].GetString()),
            server::Rfc3339(t0 + 10 * kDay));

  clock_.Advance(seconds(5 * kDay));  // within the session's 7 idle days
  MpReply later = Card(fay.token);
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(later.json["points"]["expiring_30d"].GetInt64(), 10 + 20 + 40);

  Spend(fay.id, 15, "spend");  // the oldest expiry first: all of a, 5 of b
  MpReply spent = Card(fay.token);
  EXPECT_EQ(spent.json["points"]["balance"].GetInt64(), 310 - 15);
  EXPECT_EQ(spent.json["points"]["expiring_30d"].GetInt64(), 15 + 40);
  EXPECT_EQ(std::string(spent.json["points"]["next_expiry_at"].GetString()),
            server::Rfc3339(t0 + 30 * kDay));

  // The history, newest first, paged.
  MpReply first = History(fay.token, "?page=1&page_size=2");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json["total"].GetInt64(), 6);
  EXPECT_EQ(first.json["page"].GetInt64(), 1);
  EXPECT_EQ(first.json["page_size"].GetInt64(), 2);
  ASSERT_EQ(first.json["items"].Size(), 2u);
  EXPECT_EQ(first.json["items"][0]["points"].GetInt64(), -15);
  EXPECT_EQ(first.json["items"][0]["balance_change"].GetInt64(), -15);
  EXPECT_EQ(std::string(first.json["items"][0]["reason"].GetString()), "redeem");
  EXPECT_EQ(std::string(first.json["items"][0]["source_ref"].GetString()), "test:spend");
  EXPECT_EQ(first.json["items"][1]["points"].GetInt64(), 160);
  MpReply last = History(fay.token, "?page=3&page_size=2");
  ASSERT_EQ(last.json["items"].Size(), 2u);
  EXPECT_EQ(last.json["items"][1]["points"].GetInt64(), 10);
  EXPECT_EQ(std::string(last.json["items"][1]["created_at"].GetString()), server::Rfc3339(t0));
  EXPECT_EQ(History(fay.token, "?page=4&page_size=2").json["items"].Size(), 0u);
}

// Usable: issued and not past expires_at; a voided, an expired (by time, before the job) or
// another member's coupon does not count.
TEST_P(MpCardTest, UsableCouponsAreIssuedAndNotPastTheirExpiry) {
  const int64_t week = ClaimStock(7);
  const int64_t day = ClaimStock(1);
  const SignedIn gus = SignIn("gus");
  const SignedIn hal = SignIn("hal");
  auto claim = [&](const SignedIn& who, int64_t stock) {
    MpReply r = Send("POST", "/api/mp/stocks/" + std::to_string(stock) + "/claim", who.token);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json["id"].GetInt64() : 0;
  };
  claim(gus, week);
  const int64_t voided = claim(gus, week);
  claim(gus, day);
  claim(hal, week);
  EXPECT_EQ(Card(gus.token).json["coupons"]["usable"].GetInt64(), 3);
  ASSERT_TRUE(app()
                  .db()
                  .Acquire()
                  .value()
                  ->Exec("UPDATE coupons SET state = 'voided' WHERE id = ?", {db::Value(voided)})
                  .ok());
  EXPECT_EQ(Card(gus.token).json["coupons"]["usable"].GetInt64(), 2);
  clock_.Advance(hours(48));  // past the one-day coupon's last day
  EXPECT_EQ(Card(gus.token).json["coupons"]["usable"].GetInt64(), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM coupons WHERE state = 'issued'"), 3);  // no job ran
  EXPECT_EQ(Card(hal.token).json["coupons"]["usable"].GetInt64(), 1);
}

// The member code names the session's member for 60 s under the brand's key: the counter's
// check (MemberCodes with the deployment's data key) reads the member back; another brand's
// check refuses it; it is fresh on every card.
TEST_P(MpCardTest, TheMemberCodeIdentifiesTheMemberForSixtySeconds) {
  const SignedIn ivy = SignIn("ivy");
  MpReply card = Card(ivy.token);
  ExpectCardShape(card);
  const std::string code = card.json["member_code"]["token"].GetString();
  EXPECT_EQ(code.substr(0, 4), "mc2.") << code;
  EXPECT_EQ(code.substr(21, 11), std::to_string(Now() + 60) + ".") << code;
  EXPECT_EQ(code.find("." + std::to_string(ivy.id) + "."), std::string::npos) << code;
  EXPECT_EQ(std::string(card.json["member_code"]["expires_at"].GetString()),
            server::Rfc3339(Now() + 60));
  FakeRandom random{1};
  members::MemberCodes counter(crypto::DataKey::FromHex(config_.data_key).value(), random);
  Result<int64_t> scanned = counter.Verify(brand_, code, Now() + 59);
  ASSERT_TRUE(scanned.ok()) << scanned.status().ToString();
  EXPECT_EQ(*scanned, ivy.id);
  EXPECT_EQ(counter.Verify(brand_, code, Now() + 60).status().reason(), "MEMBER_CODE_EXPIRED");
  EXPECT_EQ(counter.Verify(brand_ + 1, code, Now()).status().reason(), "INVALID_MEMBER_CODE");
  EXPECT_NE(Card(ivy.token).json["member_code"]["token"].GetString(), code);
}

// Another member's payments, points and coupons never appear on a card or in a history, and
// nothing in the request can name another member.
TEST_P(MpCardTest, AnotherMembersDataNeverAppears) {
  RewardStock();
  const SignedIn alice = SignIn("alice");
  const SignedIn bob = SignIn("bob");
  Pay("bob", 88800);
  Earn(bob.id, 50, Now() + kDay, "bob-lot");
  const std::string bob_id = std::to_string(bob.id);
  for (const std::string& query : {std::string(), "?member_id=" + bob_id}) {
    MpReply card = Send("GET", "/api/mp/card" + query, alice.token);
    ExpectCardShape(card);
    EXPECT_EQ(card.json["member"]["id"].GetInt64(), alice.id);
    EXPECT_EQ(card.json["points"]["balance"].GetInt64(), 0);
    EXPECT_EQ(card.json["points"]["expiring_30d"].GetInt64(), 0);
    EXPECT_TRUE(card.json["points"]["next_expiry_at"].IsNull());
    EXPECT_EQ(card.json["coupons"]["usable"].GetInt64(), 0);
    EXPECT_EQ(card.json["tier"]["spend_fen_to_next"].GetInt64(), 500000);  // the default gold
    MpReply history = Send("GET", "/api/mp/points?member_id=" + bob_id, alice.token);
    EXPECT_EQ(history.json["total"].GetInt64(), 0);
  }
  MpReply bobs = Card(bob.token);
  EXPECT_EQ(bobs.json["points"]["balance"].GetInt64(), 888 + 50);
  EXPECT_EQ(bobs.json["points"]["expiring_30d"].GetInt64(), 50);
  EXPECT_EQ(bobs.json["coupons"]["usable"].GetInt64(), 1);
  EXPECT_EQ(History(bob.token).json["total"].GetInt64(), 2);
}

// The card lists the member's own vehicles, plate and VIN in clear (it is the owner's), and
// nobody else's.
TEST_P(MpCardTest, TheCardListsTheMembersOwnVehicles) {
  const SignedIn alice = SignIn("alice");
  const SignedIn bob = SignIn("bob");
  ASSERT_EQ(Send("POST", "/api/mp/vehicles", alice.token,
                 R"({"plate":"京A12345","vin":"LVSHCAMB1CE054249","model":"宝马 X5"})")
                .status,
            201);
  ASSERT_EQ(Send("POST", "/api/mp/vehicles", bob.token, R"({"plate":"沪B54321","model":"Model 3"})")
                .status,
            201);
  MpReply card = Card(alice.token);
  ASSERT_EQ(card.status, 200) << card.body;
  const rapidjson::Value& vehicles = card.json["vehicles"];
  ASSERT_TRUE(vehicles.IsArray());
  ASSERT_EQ(vehicles.Size(), 1u);
  EXPECT_EQ(std::string(vehicles[0]["plate"].GetString()), "京A12345");
  EXPECT_EQ(std::string(vehicles[0]["vin"].GetString()), "LVSHCAMB1CE054249");
  EXPECT_EQ(std::string(vehicles[0]["model"].GetString()), "宝马 X5");
  MpReply bobs = Card(bob.token);
  ASSERT_EQ(bobs.json["vehicles"].Size(), 1u);
  EXPECT_EQ(std::string(bobs.json["vehicles"][0]["plate"].GetString()), "沪B54321");
}

// Both routes need a live member session: none, a malformed or console token, an idle-expired
// or a logged-out session answer 401 with their codes.
TEST_P(MpCardTest, BothRoutesNeedAMemberSession) {
  const SignedIn jo = SignIn("jo");
  const SignedIn kim = SignIn("kim");
  ASSERT_EQ(Send("POST", "/api/mp/logout", kim.token).status, 204);
  const std::string staff = StaffToken();
  for (const char* path : {"/api/mp/card", "/api/mp/points"}) {
    MpReply none = Send("GET", path, "");
    EXPECT_EQ(none.status, 401) << path;
    EXPECT_EQ(none.code(), "MISSING_TOKEN");
    for (const std::string& bad : {std::string("mmt1.nope"), staff, jo.token + "0"}) {
      MpReply refused = Send("GET", path, bad);
      EXPECT_EQ(refused.status, 401) << path << " " << bad;
      EXPECT_EQ(refused.code(), "INVALID_TOKEN") << path;
    }
    MpReply revoked = Send("GET", path, kim.token);
    EXPECT_EQ(revoked.status, 401);
    EXPECT_EQ(revoked.code(), "SESSION_REVOKED");
  }
  clock_.Advance(hours(24 * 7) + seconds(1));
  for (const char* path : {"/api/mp/card", "/api/mp/points"}) {
    MpReply expired = Send("GET", path, jo.token);
    EXPECT_EQ(expired.status, 401) << path;
    EXPECT_EQ(expired.code(), "SESSION_EXPIRED") << path;
  }
}

// Paging out of range or malformed is 400 INVALID_PAGE, and reading writes nothing.
TEST_P(MpCardTest, BadPagingIsRefusedAndNothingIsWritten) {
  const SignedIn lu = SignIn("lu");
  Earn(lu.id, 10, 0, "x");
  const auto before = Written();
  for (const char* query : {"?page=0", "?page=-1", "?page=abc", "?page_size=0", "?page_size=201",
                            "?page=1&page_size=1.5", "?page=", "?page=99999999999999999999"}) {
    MpReply reply = History(lu.token, query);
    EXPECT_EQ(reply.status, 400) << query << ": " << reply.body;
    EXPECT_EQ(reply.code(), "INVALID_PAGE") << query;
  }
  EXPECT_EQ(History(lu.token, "?page_size=200").status, 200);
  EXPECT_EQ(Card(lu.token).status, 200);
  EXPECT_EQ(Written(), before);
}

MILEAGE_MP_TEST_SUITE(MpCardTest);

}  // namespace
}  // namespace mileage::testing
