// Partner settlement (points/settlement.h) on SQLite and MariaDB: statements of a month with
// three partners and the brand worked out by hand, their sum, the trace of every line, closing
// (once, in order, only after the month), immutability and a late event landing in the next
// period. Activity is made with PartnerPoints and the Ledger under a controlled clock.

#include "points/settlement.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/testing/fake_clock.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "points/partner_points.h"
#include "tests/contract/points/points_fixture.h"

namespace mileage::points {
namespace {

using testing::Backend;

// Beijing time: 2026-10-01, 2026-11-01, 2026-11-10, 2026-12-01, 2027-01-01 (00:00).
constexpr int64_t kOct1 = 1790784000;
constexpr int64_t kNov1 = 1793462400;
constexpr int64_t kNov10 = 1794240000;
constexpr int64_t kDec1 = 1796054400;
constexpr int64_t kJan1 = 1798732800;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

// (counterparty, points_paid, points_received, breakage_points, amount_fen)
using Line = std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t>;

class SettlementTest : public PointsDbTest {
 protected:
  void SetUp() override {
    PointsDbTest::SetUp();
    if (database_ == nullptr) return;
    brand_ = NewBrand("b");
    other_brand_ = NewBrand("other");
    // 1.5 fen a point, so that odd points leave half fen to round.
    Exec("UPDATE brands SET point_value_fen_per_100 = 150 WHERE id = ?", {db::Value(brand_)});
    x_ = NewPartner(brand_, "fuel-x");
    y_ = NewPartner(brand_, "wash-y");
    z_ = NewPartner(brand_, "park-z");
    other_partner_ = NewPartner(other_brand_, "other-p");
    m1_ = NewMember(brand_);
    m2_ = NewMember(brand_);
    partner_points_.emplace(db(), ExpiryPolicy{24});
    for (auto [partner, per_yuan] : {std::pair{x_, 1}, {y_, 1}, {z_, 2}}) {
      PartnerEarningRule rule;
      rule.brand_id = brand_;
      rule.partner_id = partner;
      rule.points_per_yuan = per_yuan;
      POINTS_ASSERT_OK(partner_points_->PutRule(rule, 1000));
    }
    writer_.emplace(db(), clock_);
    service_.emplace(db(), authorizer_, *writer_, clock_);
  }

  int64_t Insert(const std::string& sql, std::vector<db::Value> params) {
    Result<db::PooledConnection> conn = db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return 0;
    Result<int64_t> inserted = (*conn)->Insert(sql, params);
    EXPECT_TRUE(inserted.ok()) << inserted.status().ToString();
    return inserted.ok() ? *inserted : 0;
  }
  void Exec(const std::string& sql, std::vector<db::Value> params) {
    Result<db::PooledConnection> conn = db().Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Result<db::ExecResult> done = (*conn)->Exec(sql, params);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
  }

  int64_t NewPartner(int64_t brand, const std::string& name) {
    return Insert(
        "INSERT INTO partners (brand_id, name, category, api_key_id, active, created_at, "
        "updated_at) VALUES (?, ?, 'fuel', ?, 1, 0, 0)",
        {db::Value(brand), db::Value(name), db::Value("key-" + name)});
  }
  int64_t NewMember(int64_t brand) {
    char number[16];
    std::snprintf(number, sizeof(number), "%012d", ++members_made_);
    return Insert(
        "INSERT INTO members (brand_id, number, tier, status, enrolled_via, created_at, "
        "updated_at) VALUES (?, ?, 'silver', 'active', 'partner', 0, 0)",
        {db::Value(brand), db::Value(std::string(number))});
  }

  void PartnerEarn(int64_t partner, int64_t member, const std::string& id, int64_t fen,
                   int64_t now) {
    POINTS_ASSERT_OK(partner_points_->Earn(
        {partner, brand_, member, id, fen, now - 60, R"({"litres":"40"})", now}));
  }
  void Burn(int64_t partner, int64_t member, const std::string& id, int64_t points, int64_t now) {
    POINTS_ASSERT_OK(partner_points_->Burn({partner, brand_, member, id, points, now}));
  }
  // A ledger earning funded by `partner` (0: the brand) with a lot expiring at `expires_at`.
  void LedgerEarn(int64_t partner, int64_t member, const std::string& key, int64_t points,
                  int64_t now, int64_t expires_at) {
    EarnRequest r;
    r.brand_id = brand_;
    r.member_id = member;
    r.points = points;
    r.idempotency_key = key;
    r.reason = partner == 0 ? "payment" : "partner_earn";
    r.source_ref = key;
    r.now = now;
    r.expires_at = expires_at;
    r.partner_id = partner;
    POINTS_ASSERT_OK(InTx([&](Ledger& l) { return l.Earn(r); }));
  }

  // November 2026, worked out by hand (lots are taken soonest expiry first, never-expiring
  // last; the PartnerPoints lots expire in 2028):
  //   E1 Nov10 01h  m1 +100 from a payment (brand lot, never expires)
  //   E2 Nov10 02h  m1 +300 at X (30000 fen at 1 point/yuan)
  //   E3 Nov10 03h  m2 +51 funded by X, expiring Nov20
  //   E4 Nov10 04h  m2 +100 at Z (5000 fen at 2 points/yuan)
  //   B1 Nov11      m1 burns 350 at Y: X lot 300 (X->Y), brand lot 50 (0->Y)
  //   B2 Nov11      m2 burns 30 at Y: the Nov20 X lot (X->Y 30), 21 left
  //   expiry Nov21  m2's X lot: 21 expire (X->brand, breakage)
  //   S1 Nov22      m2 spends 11 at the brand: Z lot (Z->0 11)
  //   R1 Nov25      X reverses E2 in full, 300 points: its lot is empty, the brand lot's last
  //                 50 (0->X 50), 250 become m1's debt
  void NovemberActivity() {
    LedgerEarn(0, m1_, "pay:e1", 100, kNov10 + 1 * kHour, 0);
    PartnerEarn(x_, m1_, "e2", 30000, kNov10 + 2 * kHour);
    LedgerEarn(x_, m2_, "x:e3", 51, kNov10 + 3 * kHour, kNov10 + 10 * kDay);
    PartnerEarn(z_, m2_, "e4", 5000, kNov10 + 4 * kHour);
    Burn(y_, m1_, "b1", 350, kNov10 + kDay);
    Burn(y_, m2_, "b2", 30, kNov10 + kDay + kHour);
    POINTS_ASSERT_OK(InTx([&](Ledger& l) { return l.ExpireDue(brand_, kNov10 + 11 * kDay, 100); }));
    DebitRequest spend;
    spend.brand_id = brand_;
    spend.member_id = m2_;
    spend.points = 11;
    spend.idempotency_key = "redeem:s1";
    spend.reason = "redeem";
    spend.now = kNov10 + 12 * kDay;
    POINTS_ASSERT_OK(InTx([&](Ledger& l) { return l.Spend(spend); }));
    POINTS_ASSERT_OK(partner_points_->Reverse({x_, brand_, "e2", "r1", 30000, kNov10 + 15 * kDay}));
  }

  // (party -> lines) and nets of a statement.
  static std::map<int64_t, std::vector<Line>> LinesOf(const SettlementStatement& s) {
    std::map<int64_t, std::vector<Line>> out;
    for (const PartyStatement& party : s.parties) {
      std::vector<Line>& lines = out[party.party_id];
      for (const SettlementLine& l : party.lines) {
        EXPECT_EQ(l.party_id, party.party_id);
        lines.emplace_back(l.counterparty_id, l.points_paid, l.points_received, l.breakage_points,
                           l.amount_fen);
      }
    }
    return out;
  }
  static std::map<int64_t, int64_t> NetsOf(const SettlementStatement& s) {
    std::map<int64_t, int64_t> out;
    for (const PartyStatement& party : s.parties) out[party.party_id] = party.net_fen;
    return out;
  }
  static std::map<int64_t, int64_t> FundedOf(const SettlementStatement& s) {
    std::map<int64_t, int64_t> out;
    for (const PartyStatement& party : s.parties) out[party.party_id] = party.points_funded;
    return out;
  }

  std::map<int64_t, std::vector<Line>> NovemberLines() const {
    // Pairs: (0,X) brand paid 50, X's 21 expired: net for the brand -29 points = -43.5 fen,
    // rounded away from zero to -44; (0,Y) brand paid 50: -75; (0,Z) Z paid 11: +16.5 -> +17;
    // (X,Y) X paid 330: -495.
    return {{0, {{x_, 50, 0, 21, -44}, {y_, 50, 0, 0, -75}, {z_, 0, 11, 0, 17}}},
            {x_, {{0, 0, 50, 21, 44}, {y_, 330, 0, 0, -495}}},
            {y_, {{0, 0, 50, 0, 75}, {x_, 0, 330, 0, 495}}},
            {z_, {{0, 11, 0, 0, -17}}}};
  }
  std::map<int64_t, int64_t> NovemberNets() const {
    return {{0, -44 - 75 + 17}, {x_, 44 - 495}, {y_, 75 + 495}, {z_, -17}};
  }

  void ExpectNovember(const SettlementStatement& s) {
    EXPECT_EQ(s.period, "2026-11");
    EXPECT_EQ(s.starts_at, kNov1);
    EXPECT_EQ(s.ends_at, kDec1);
    EXPECT_EQ(s.point_value_fen_per_100, 150);
    EXPECT_EQ(LinesOf(s), NovemberLines());
    EXPECT_EQ(NetsOf(s), NovemberNets());
    // Funded: the brand's payment; X: E2 300 + E3 51; Z: E4 100.
    EXPECT_EQ(FundedOf(s), (std::map<int64_t, int64_t>{{0, 100}, {x_, 351}, {y_, 0}, {z_, 100}}));
    EXPECT_EQ(s.lot_uses, 6);  // B1 two lots, B2, the expiry, S1, R1
    EXPECT_EQ(s.points_moved, 300 + 50 + 30 + 21 + 11 + 50);
    EXPECT_EQ(s.amount_fen, 570);  // the positive nets: Y's
    EXPECT_EQ(s.parties.front().name, "b");
  }

  std::vector<int64_t> SettlementCounts() {
    return {QueryInt("SELECT COUNT(*) FROM settlement_periods"),
            QueryInt("SELECT COUNT(*) FROM settlement_parties"),
            QueryInt("SELECT COUNT(*) FROM settlement_lines"),
            QueryInt("SELECT COUNT(*) FROM point_lot_uses WHERE settlement_period_id IS NULL"),
            QueryInt("SELECT COUNT(*) FROM audit_log")};
  }

  Result<SettlementStatement> Close(const std::string& period) {
    return service_->Close(op_, brand_, period);
  }
  Result<SettlementStatement> Read(const std::string& period) {
    return service_->Statement(op_, brand_, period);
  }

  // Every line's trace adds up to its points: uses the party funded (paid), the counterparty
  // funded (received), those of expiry journals (breakage).
  void ExpectTracesAddUp(const SettlementStatement& s) {
    for (const PartyStatement& party : s.parties) {
      for (const SettlementLine& line : party.lines) {
        SCOPED_TRACE("line " + std::to_string(party.party_id) + "/" +
                     std::to_string(line.counterparty_id));
        int64_t paid = 0;
        int64_t received = 0;
        int64_t breakage = 0;
        PageRequest page;
        page.page_size = 2;  // more than one page for most lines
        int64_t seen = 0;
        for (;; ++page.page) {
          Result<PageOf<TraceRow>> rows =
              service_->Trace(op_, brand_, s.period, party.party_id, line.counterparty_id, page);
          ASSERT_TRUE(rows.ok()) << rows.status().ToString();
          for (const TraceRow& row : rows->items) {
            ++seen;
            EXPECT_GT(row.journal_id, 0);
            EXPECT_EQ(QueryInt("SELECT kind = ? FROM point_journals WHERE id = ?",
                               {db::Value(row.journal_kind), db::Value(row.journal_id)}),
                      1);
            if (row.journal_kind == "expire") {
              breakage += row.points;
            } else if (row.funder_id == party.party_id) {
              EXPECT_EQ(row.consumer_id, line.counterparty_id);
              paid += row.points;
            } else {
              EXPECT_EQ(row.funder_id, line.counterparty_id);
              EXPECT_EQ(row.consumer_id, party.party_id);
              received += row.points;
            }
          }
          if (seen >= rows->total) break;
        }
        EXPECT_EQ(paid, line.points_paid);
        EXPECT_EQ(received, line.points_received);
        EXPECT_EQ(breakage, line.breakage_points);
      }
    }
  }

  int64_t brand_ = 0;
  int64_t other_brand_ = 0;
  int64_t x_ = 0;
  int64_t y_ = 0;
  int64_t z_ = 0;
  int64_t other_partner_ = 0;
  int64_t m1_ = 0;
  int64_t m2_ = 0;
  int members_made_ = 0;
  testing::FakeClock clock_;
  org::Authorizer authorizer_;
  const org::Actor op_ = org::Actor::System("test");
  std::optional<PartnerPoints> partner_points_;
  std::optional<org::AuditedWriter> writer_;
  std::optional<SettlementService> service_;
};

TEST_P(SettlementTest, AnOpenMonthShowsTheHandComputedStatementsThatSumToZero) {
  NovemberActivity();
  clock_.SetUnixSeconds(kNov10 + 20 * kDay);
  Result<SettlementStatement> s = Read("2026-11");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->closed);
  EXPECT_EQ(s->period_id, 0);
  ExpectNovember(*s);
  int64_t sum = 0;
  for (const PartyStatement& party : s->parties) sum += party.net_fen;
  EXPECT_EQ(sum, 0);
  ExpectTracesAddUp(*s);
  ExpectConsistent(brand_);
  // Reading writes nothing; October has nothing.
  Result<SettlementStatement> october = Read("2026-10");
  ASSERT_TRUE(october.ok());
  EXPECT_EQ(october->lot_uses, 0);
  for (const PartyStatement& party : october->parties) EXPECT_TRUE(party.lines.empty());
  EXPECT_EQ(SettlementCounts()[0], 0);
}

TEST_P(SettlementTest, ClosingStoresTheStatementsOnceAndALateEventLandsInTheNextPeriod) {
  NovemberActivity();
  clock_.SetUnixSeconds(kDec1 - 1);
  const std::vector<int64_t> before = SettlementCounts();
  Result<SettlementStatement> early = Close("2026-11");
  EXPECT_EQ(early.status().reason(), "PERIOD_NOT_ENDED");
  EXPECT_EQ(SettlementCounts(), before);

  clock_.SetUnixSeconds(kDec1 + kHour);
  Result<SettlementStatement> closed = Close("2026-11");
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_TRUE(closed->closed);
  EXPECT_FALSE(closed->already_closed);
  EXPECT_GT(closed->period_id, 0);
  EXPECT_EQ(closed->closed_at, kDec1 + kHour);
  ExpectNovember(*closed);
  ExpectTracesAddUp(*closed);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_lot_uses WHERE settlement_period_id = ?",
                     {db::Value(closed->period_id)}),
            6);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'settlement.close' AND "
                     "object_id = ? AND brand_id = ?",
                     {db::Value(closed->period_id), db::Value(brand_)}),
            1);
  const std::vector<int64_t> after_close = SettlementCounts();

  // Closing again changes nothing and answers the stored statements.
  Result<SettlementStatement> again = Close("2026-11");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_closed);
  EXPECT_EQ(again->period_id, closed->period_id);
  ExpectNovember(*again);
  EXPECT_EQ(SettlementCounts(), after_close);

  // December: E5 repays 100 of m1's debt at Z (Z->0 100, lot 0); B3 m2 burns 40 at Y (Z->Y).
  // B4 is late: committed after the close with a created_at in November (m2 burns 5 at Y,
  // Z->Y): November does not change, December takes it.
  clock_.SetUnixSeconds(kDec1 + 2 * kDay);
  Burn(y_, m2_, "b4", 5, kNov10 + 18 * kDay);
  PartnerEarn(z_, m1_, "e5", 5000, kDec1 + kDay);
  Burn(y_, m2_, "b3", 40, kDec1 + 2 * kDay);
  Result<SettlementStatement> november = Read("2026-11");
  ASSERT_TRUE(november.ok());
  ExpectNovember(*november);
  EXPECT_EQ(SettlementCounts()[1], after_close[1]);
  EXPECT_EQ(SettlementCounts()[2], after_close[2]);

  // (0,Z): Z paid 100 -> brand +150; (Y,Z): Y received 45 = 67.5 -> +68.
  const std::map<int64_t, std::vector<Line>> december_lines = {
      {0, {{z_, 0, 100, 0, 150}}},
      {x_, {}},
      {y_, {{z_, 0, 45, 0, 68}}},
      {z_, {{0, 100, 0, 0, -150}, {y_, 45, 0, 0, -68}}}};
  const std::map<int64_t, int64_t> december_nets = {{0, 150}, {x_, 0}, {y_, 68}, {z_, -218}};
  Result<SettlementStatement> open = Read("2026-12");
  ASSERT_TRUE(open.ok());
  EXPECT_FALSE(open->closed);
  EXPECT_EQ(LinesOf(*open), december_lines);
  EXPECT_EQ(NetsOf(*open), december_nets);
  EXPECT_EQ(FundedOf(*open)[z_], 100);
  ExpectTracesAddUp(*open);

  clock_.SetUnixSeconds(kJan1);
  Result<SettlementStatement> december = Close("2026-12");
  ASSERT_TRUE(december.ok()) << december.status().ToString();
  EXPECT_EQ(LinesOf(*december), december_lines);
  EXPECT_EQ(NetsOf(*december), december_nets);
  EXPECT_EQ(december->lot_uses, 3);
  ExpectTracesAddUp(*december);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_lot_uses WHERE settlement_period_id IS NULL"), 0);
  ExpectConsistent(brand_);
}

TEST_P(SettlementTest, PeriodsCloseInOrder) {
  NovemberActivity();
  clock_.SetUnixSeconds(kJan1 + kHour);
  const std::vector<int64_t> before = SettlementCounts();
  Result<SettlementStatement> december = Close("2026-12");
  EXPECT_EQ(december.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(december.status().reason(), "EARLIER_PERIOD_OPEN");
  EXPECT_NE(december.status().message().find("2026-11"), std::string::npos);
  EXPECT_EQ(SettlementCounts(), before);

  // October had no activity: it closes (empty), and so does November after it.
  Result<SettlementStatement> october = Close("2026-10");
  ASSERT_TRUE(october.ok()) << october.status().ToString();
  EXPECT_EQ(october->lot_uses, 0);
  EXPECT_EQ(october->starts_at, kOct1);
  POINTS_ASSERT_OK(Close("2026-11"));
  POINTS_ASSERT_OK(Close("2026-12"));
  const std::vector<int64_t> closed = SettlementCounts();
  Result<SettlementStatement> september = Close("2026-09");
  EXPECT_EQ(september.status().reason(), "LATER_PERIOD_CLOSED");
  EXPECT_EQ(SettlementCounts(), closed);
}

TEST_P(SettlementTest, ConcurrentClosesStoreThePeriodOnce) {
  NovemberActivity();
  clock_.SetUnixSeconds(kDec1 + kHour);
  std::vector<Result<SettlementStatement>> results(4, InternalError("not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = Close("2026-11"); });
  }
  for (std::thread& t : threads) t.join();
  int first = 0;
  for (const Result<SettlementStatement>& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ExpectNovember(*r);
    if (!r->already_closed) ++first;
  }
  EXPECT_EQ(first, 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM settlement_periods"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM settlement_lines"), 8);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'settlement.close'"), 1);
}

TEST_P(SettlementTest, BadInputIsRefusedAndWritesNothing) {
  NovemberActivity();
  clock_.SetUnixSeconds(kJan1);
  const std::vector<int64_t> before = SettlementCounts();
  for (const char* period : {"", "2026-13", "2026-00", "2026-1", "26-11", "2026-11-01", "2026/11",
                             "1999-12", "2201-01", "2026-1x", " 2026-11"}) {
    SCOPED_TRACE(period);
    EXPECT_EQ(Close(period).status().reason(), "INVALID_PERIOD");
    EXPECT_EQ(Read(period).status().reason(), "INVALID_PERIOD");
  }
  EXPECT_EQ(service_->Party(op_, brand_, "2026-11", other_partner_).status().reason(),
            "PARTY_NOT_FOUND");
  EXPECT_EQ(service_->Party(op_, brand_, "2026-11", 999999).status().reason(), "PARTY_NOT_FOUND");
  EXPECT_EQ(service_->Party(op_, brand_, "2026-11", -1).status().reason(), "INVALID_ID");
  PageRequest page;
  EXPECT_EQ(service_->Trace(op_, brand_, "2026-11", x_, x_, page).status().reason(),
            "INVALID_FIELD");
  EXPECT_EQ(service_->Trace(op_, brand_, "2026-11", x_, other_partner_, page).status().reason(),
            "PARTY_NOT_FOUND");
  page.page_size = 0;
  EXPECT_EQ(service_->Trace(op_, brand_, "2026-11", x_, y_, page).status().reason(),
            "INVALID_PAGE");
  EXPECT_EQ(service_->Close(op_, 999999, "2026-11").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(SettlementCounts(), before);
  // The other brand's period is its own: empty, and closing it leaves this brand's uses alone.
  Result<SettlementStatement> other = service_->Close(op_, other_brand_, "2026-11");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(other->lot_uses, 0);
  ASSERT_EQ(other->parties.size(), 2u);  // the brand and its one partner
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM point_lot_uses WHERE settlement_period_id IS NULL"), 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, SettlementTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendName);

// The statement arithmetic alone: a burn cancelled as a reversed lot use (the same funder and
// consumer, negative points) or as a swapped one (the consumer funds it back) nets out
// exactly, whatever the rounding of the rest.
TEST(ComputeStatementsTest, CancellationsNetOutAndEveryPairSumsToZero) {
  const int64_t x = 7;
  const int64_t y = 9;
  // X->Y 333 burned, then 100 of it cancelled as negative points; Y->X 0.
  Result<std::vector<PartyStatement>> negative =
      ComputeStatements({{x, y, false, 333}, {x, y, false, -100}}, {0, x, y}, 150);
  // The same with the cancellation swapped: Y "funds" 100 that X consumes.
  Result<std::vector<PartyStatement>> swapped =
      ComputeStatements({{x, y, false, 333}, {y, x, false, 100}}, {0, x, y}, 150);
  Result<std::vector<PartyStatement>> plain =
      ComputeStatements({{x, y, false, 233}}, {0, x, y}, 150);
  ASSERT_TRUE(negative.ok() && swapped.ok() && plain.ok());
  for (const auto* result : {&*negative, &*swapped, &*plain}) {
    ASSERT_EQ(result->size(), 3u);
    EXPECT_EQ((*result)[0].net_fen, 0);
    EXPECT_EQ((*result)[1].net_fen, -350);  // 233 * 1.5 = 349.5, away from zero
    EXPECT_EQ((*result)[2].net_fen, 350);
  }
  // A burn cancelled in full leaves no amount.
  Result<std::vector<PartyStatement>> cancelled =
      ComputeStatements({{x, y, false, 40}, {x, y, false, -40}}, {0, x, y}, 150);
  ASSERT_TRUE(cancelled.ok());
  for (const PartyStatement& party : *cancelled) {
    EXPECT_EQ(party.net_fen, 0);
    EXPECT_TRUE(party.lines.empty());
  }
}

TEST(ComputeStatementsTest, SelfUseIsLeftOutAndAmountsOutOfRangeAreRefused) {
  Result<std::vector<PartyStatement>> self = ComputeStatements({{3, 3, false, 50}}, {0, 3}, 100);
  ASSERT_TRUE(self.ok());
  for (const PartyStatement& party : *self) EXPECT_TRUE(party.lines.empty());
  EXPECT_EQ(ComputeStatements({{3, 0, false, INT64_MAX}}, {0, 3}, 1000).status().code(),
            StatusCode::kInternal);
}

}  // namespace
}  // namespace mileage::points
