// The partners that know a member, over HTTP (docs/API.md, "Partners that know me"): the list
// with the answer and the links behind it, unlinking (idempotent) and what it does to the
// partner's id, another member's or an unknown partner as 404 with nothing written, bad ids,
// sessions and the unlink limit. Partners identify members through members::PartnerIdentities
// directly (their signed API is another route's).
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "org/org_module.h"
#include "points/partner_points.h"
#include "points/partner_rules.h"
#include "tests/integration/mp/mp_fixture.h"

namespace mileage::testing {
namespace {

class MpPartnersTest : public MpTest {
 protected:
  void SetUp() override {
    MpTest::SetUp();
    if (server_ == nullptr) return;
    alice_ = SignIn("alice");
    bob_ = SignIn("bob");
    const org::Actor op = org::Actor::System("test");
    fuel_ = MustOk(app().org().partners().Create(op, brand_, "中石化加油", "fuel")).partner;
    parking_ = MustOk(app().org().partners().Create(op, brand_, "捷停车", "parking")).partner;
  }

  // The partner identifies the member by the code of their owner card now; returns the
  // partner_member_id it was given.
  std::string Identify(const org::Partner& partner, const SignedIn& member) {
    MpReply card = Send("GET", "/api/mp/card", member.token);
    EXPECT_EQ(card.status, 200) << card.body;
    if (card.status != 200) return "";
    return MustOk(app().partner_identities().Identify(
                      partner, {members::MemberLookup::kCode,
                                card.json["member_code"]["token"].GetString()}))
        .partner_member_id;
  }

  MpReply List(const SignedIn& member) { return Send("GET", "/api/mp/partners", member.token); }
  MpReply Unlink(const SignedIn& member, const std::string& id) {
    return Send("DELETE", "/api/mp/partners/" + id, member.token);
  }

  // The partner ids of a list answer, in order.
  static std::vector<int64_t> Ids(const MpReply& reply) {
    std::vector<int64_t> out;
    for (const auto& item : reply.json["items"].GetArray()) out.push_back(item["id"].GetInt64());
    return out;
  }

  // Every link row in id order, "partner:member:generation:unlinked_at or -1" (ids are not
  // consecutive on Galera, whose nodes interleave auto-increment values).
  std::string Links() {
    Result<db::PooledConnection> conn = database_->db().Acquire();
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return "";
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT partner_id, member_id, generation, COALESCE(unlinked_at, -1) "
        "FROM partner_member_links ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok()) return "";
    std::string out;
    for (const db::Row& row : *rows) {
      out += std::to_string(row.Int(0)) + ":" + std::to_string(row.Int(1)) + ":" +
             std::to_string(row.Int(2)) + ":" + std::to_string(row.Int(3)) + " ";
    }
    return out;
  }

  SignedIn alice_, bob_;
  org::Partner fuel_, parking_;
};

TEST_P(MpPartnersTest, AMemberSeesThePartnersThatKnowThemAndUnlinksOne) {
  const MpReply none = List(alice_);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.body, R"({"items":[]})");
  EXPECT_EQ(none.Header("Cache-Control"), "no-store");

  const std::string at_fuel = Identify(fuel_, alice_);
  const int64_t fuel_seen = UnixSeconds(clock_.Now());
  clock_.Advance(std::chrono::minutes(10));
  const std::string at_parking = Identify(parking_, alice_);
  Identify(parking_, bob_);

  MpReply listed = List(alice_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Ids(listed), (std::vector<int64_t>{parking_.id, fuel_.id}));  // last seen first
  const auto& fuel = listed.json["items"][1];
  EXPECT_STREQ(fuel["name"].GetString(), "中石化加油");
  EXPECT_STREQ(fuel["category"].GetString(), "fuel");
  EXPECT_EQ(fuel["linked_at"].GetString(), civil::FormatRfc3339Utc(fuel_seen));
  EXPECT_EQ(fuel["last_seen_at"].GetString(), civil::FormatRfc3339Utc(fuel_seen));
  EXPECT_STREQ(listed.json["items"][0]["category"].GetString(), "parking");
  // The member's list never carries the partners' ids of them.
  EXPECT_EQ(listed.body.find(at_fuel), std::string::npos);
  EXPECT_EQ(listed.body.find(at_parking), std::string::npos);
  EXPECT_EQ(Ids(List(bob_)), std::vector<int64_t>{parking_.id});

  clock_.Advance(std::chrono::minutes(1));
  const int64_t unlinked_at = UnixSeconds(clock_.Now());
  MpReply unlinked = Unlink(alice_, std::to_string(parking_.id));
  EXPECT_EQ(unlinked.status, 204) << unlinked.body;
  EXPECT_EQ(unlinked.body, "");
  EXPECT_EQ(Ids(List(alice_)), std::vector<int64_t>{fuel_.id});
  EXPECT_EQ(Ids(List(bob_)), std::vector<int64_t>{parking_.id});  // Bob's link stays
  const std::string after = Links();
  EXPECT_EQ(after, std::to_string(fuel_.id) + ":" + std::to_string(alice_.id) + ":1:-1 " +
                       std::to_string(parking_.id) + ":" + std::to_string(alice_.id) +
                       ":1:" + std::to_string(unlinked_at) + " " + std::to_string(parking_.id) +
                       ":" + std::to_string(bob_.id) + ":1:-1 ");
  // The partner's old id stops resolving.
  Result<members::PartnerMember> old = app().partner_identities().Identify(
      parking_, {members::MemberLookup::kPartnerMemberId, at_parking});
  EXPECT_EQ(old.status().reason(), "MEMBER_NOT_FOUND");

  // Idempotent: again 204, nothing changes.
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(Unlink(alice_, std::to_string(parking_.id)).status, 204);
  EXPECT_EQ(Links(), after);

  // Showing the card again links anew under another id.
  const std::string relinked = Identify(parking_, alice_);
  EXPECT_NE(relinked, at_parking);
  EXPECT_EQ(Ids(List(alice_)), (std::vector<int64_t>{parking_.id, fuel_.id}));
}

TEST_P(MpPartnersTest, AnotherMembersOrAnUnknownPartnerIsNotFoundAndNothingChanges) {
  Identify(fuel_, alice_);
  const std::string before = Links();
  const auto written = Written();
  for (const std::string& id :
       {std::to_string(fuel_.id), std::to_string(parking_.id), std::string("999999")}) {
    MpReply refused = Unlink(bob_, id);
    EXPECT_EQ(refused.status, 404) << id << ": " << refused.body;
    EXPECT_EQ(refused.code(), "PARTNER_NOT_FOUND") << id;
  }
  for (const std::string& id : {std::string("0"), std::string("-1"), std::string("abc")}) {
    MpReply bad = Unlink(bob_, id);
    EXPECT_EQ(bad.status, 400) << id << ": " << bad.body;
    EXPECT_EQ(bad.code(), "INVALID_ID") << id;
  }
  EXPECT_EQ(Links(), before);
  EXPECT_EQ(Written(), written);
  EXPECT_EQ(Ids(List(alice_)), std::vector<int64_t>{fuel_.id});
}

TEST_P(MpPartnersTest, EachPartnerShowsTheNetPointsTheMemberEarnedThere) {
  Identify(fuel_, alice_);
  Identify(parking_, alice_);
  Identify(fuel_, bob_);
  Identify(parking_, bob_);
  {
    Result<db::PooledConnection> conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    for (const auto& [partner, per_yuan] : {std::pair{fuel_.id, 2}, std::pair{parking_.id, 1}}) {
      points::PartnerEarningRule rule;
      rule.brand_id = brand_;
      rule.partner_id = partner;
      rule.points_per_yuan = per_yuan;
      MustOk(points::PartnerRuleStore(**conn).Put(rule, UnixSeconds(clock_.Now())));
    }
  }
  const int64_t now = UnixSeconds(clock_.Now());
  const auto earn = [&](const org::Partner& p, const SignedIn& m, const std::string& id,
                        int64_t fen) {
    return MustOk(app().partner_points().Earn({p.id, brand_, m.id, id, fen, now - 60, "{}", now}))
        .points;
  };
  ASSERT_EQ(earn(fuel_, alice_, "a-1", 5000), 100);
  ASSERT_EQ(earn(fuel_, alice_, "a-2", 2500), 50);
  ASSERT_EQ(earn(parking_, alice_, "a-3", 3000), 30);
  ASSERT_EQ(earn(fuel_, bob_, "b-1", 10000), 200);
  // Half of a-1 reversed takes back 50; a burn is spending, not earning, and changes nothing.
  ASSERT_EQ(
      MustOk(app().partner_points().Reverse({fuel_.id, brand_, "a-1", "rv-1", 2500, now})).points,
      50);
  MustOk(app().partner_points().Burn({fuel_.id, brand_, alice_.id, "burn-1", 20, now}));

  // Partner id -> points_earned of a member's list.
  const auto earned = [this](const SignedIn& member) {
    std::map<int64_t, int64_t> out;
    const MpReply listed = List(member);
    EXPECT_EQ(listed.status, 200) << listed.body;
    if (listed.status != 200) return out;
    for (const auto& item : listed.json["items"].GetArray()) {
      out[item["id"].GetInt64()] = item["points_earned"].GetInt64();
    }
    return out;
  };
  EXPECT_EQ(earned(alice_),
            (std::map<int64_t, int64_t>{{fuel_.id, 100 + 50 - 50}, {parking_.id, 30}}));
  EXPECT_EQ(earned(bob_), (std::map<int64_t, int64_t>{{fuel_.id, 200}, {parking_.id, 0}}));
}

TEST_P(MpPartnersTest, TheRoutesTakeASession) {
  Identify(fuel_, alice_);
  const std::string before = Links();
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/mp/partners"},
           {"DELETE", "/api/mp/partners/" + std::to_string(fuel_.id)}}) {
    MpReply anonymous = Send(method, path, "");
    EXPECT_EQ(anonymous.status, 401) << method;
    EXPECT_EQ(anonymous.code(), "MISSING_TOKEN") << method;
    MpReply forged = Send(method, path, std::string(64, 'a'));
    EXPECT_EQ(forged.status, 401) << method;
  }
  EXPECT_EQ(Links(), before);
}

TEST_P(MpPartnersTest, UnlinksAreLimitedPerMember) {
  Identify(fuel_, alice_);
  const std::string path = std::to_string(fuel_.id);
  for (int i = 0; i < 30; ++i) ASSERT_EQ(Unlink(alice_, path).status, 204) << i;
  MpReply limited = Unlink(alice_, path);
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.code(), "RATE_LIMITED");
  EXPECT_NE(limited.Header("Retry-After"), "");
  // Another member's limit is their own.
  Identify(fuel_, bob_);
  EXPECT_EQ(Unlink(bob_, path).status, 204);
}

MILEAGE_MP_TEST_SUITE(MpPartnersTest);

}  // namespace
}  // namespace mileage::testing
