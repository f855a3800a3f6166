// The partner network under concurrency (issue 13, "What it must show"): 4 partners (one per
// category) and kMembers members earn, burn, cancel burns and reverse earnings at the same time
// through the real server, with signed requests from several client threads, on SQLite and on
// MariaDB + Redis. Afterwards the ledger sums to zero, every member's balance equals the replay
// of their journal lines and what the answers said, no balance is negative, and the funder and
// consumer sums of point_lot_uses equal what the requests did. Expected figures come from the
// requests and the answers, not from the ledger code.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/civil_time.h"
#include "crypto/data_key.h"
#include "members/member_codes.h"
#include "points/ledger.h"
#include "server/console/console_json.h"
#include "tests/integration/console/partner_fixture.h"

namespace mileage::testing {
namespace {

constexpr int kMembers = 500;
constexpr int kThreads = 8;
constexpr int kPartners = 4;

class PartnerNetworkTest : public PartnerTest {
 protected:
  int64_t Scalar(const std::string& sql, std::vector<db::Value> params = {}) {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return 0;
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql, params);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : 0;
  }

  // kMembers active members of the brand, inserted directly (their enrolment is not under test).
  std::vector<int64_t> NewMembers() {
    std::vector<int64_t> ids;
    Status made = db::InTransaction(server_->app().db(), [&](db::Connection& conn) -> Status {
      ids.clear();
      for (int i = 0; i < kMembers; ++i) {
        char number[16];
        std::snprintf(number, sizeof(number), "7%011d", i);
        MILEAGE_ASSIGN_OR_RETURN(
            int64_t inserted,
            conn.Insert(
                "INSERT INTO members (brand_id, number, tier, status, enrolled_via, "
                "created_at, updated_at) VALUES (?, ?, 'silver', 'active', 'partner', 0, 0)",
                {db::Value(tree_.brand), db::Value(std::string(number))}));
        ids.push_back(inserted);
      }
      return Status::Ok();
    });
    EXPECT_TRUE(made.ok()) << made.ToString();
    return ids;
  }

  // The month's statements as the brand admin reads them (open, so computed now from every lot
  // use of the run): the parties' nets sum to zero, each line's amount is the opposite of the
  // counterparty's line, and each line is what its trace adds up to.
  void ExpectTheMonthsStatementsSumToZeroAndTrace() {
    const std::string period =
        civil::FormatDate(civil::BeijingDate(UnixSeconds(clock_.Now()))).substr(0, 7);
    const std::string admin = Token("admin");
    Reply statement = Get("/api/console/settlements?period=" + period, admin);
    ASSERT_EQ(statement.status, 200) << statement.body;
    int64_t sum = 0;
    std::map<std::pair<int64_t, int64_t>, int64_t> amounts;
    for (const rapidjson::Value& party : statement.json["parties"].GetArray()) {
      sum += party["net_fen"].GetInt64();
      const int64_t id = party["party_id"].GetInt64();
      for (const rapidjson::Value& line : party["lines"].GetArray()) {
        const int64_t other = line["counterparty_id"].GetInt64();
        amounts[{id, other}] = line["amount_fen"].GetInt64();
        int64_t paid = 0, received = 0, breakage = 0;
        for (int page = 1;; ++page) {
          Reply trace =
              Get("/api/console/settlements/" + period + "/parties/" + std::to_string(id) +
                      "/trace?counterparty=" + std::to_string(other) +
                      "&page_size=200&page=" + std::to_string(page),
                  admin);
          ASSERT_EQ(trace.status, 200) << trace.body;
          for (const rapidjson::Value& use : trace.json["items"].GetArray()) {
            const int64_t points = use["points"].GetInt64();
            if (std::string(use["journal_kind"].GetString()) == "expire") {
              breakage += points;
            } else if (use["funder_id"].GetInt64() == id) {
              paid += points;
            } else {
              received += points;
            }
          }
          if (page * 200 >= trace.json["total"].GetInt64()) break;
        }
        EXPECT_EQ(paid, line["points_paid"].GetInt64()) << id << " -> " << other;
        EXPECT_EQ(received, line["points_received"].GetInt64()) << id << " -> " << other;
        EXPECT_EQ(breakage, line["breakage_points"].GetInt64()) << id << " -> " << other;
      }
    }
    EXPECT_EQ(sum, 0);
    EXPECT_GT(statement.json["points_moved"].GetInt64(), 0);
    for (const auto& [pair, amount] : amounts) {
      const auto mirror = amounts.find({pair.second, pair.first});
      ASSERT_NE(mirror, amounts.end()) << pair.first << " / " << pair.second;
      EXPECT_EQ(mirror->second, -amount) << pair.first << " / " << pair.second;
    }
  }

  // Runs `tasks` on kThreads threads, each task once.
  static void RunConcurrently(const std::vector<std::function<void()>>& tasks) {
    std::atomic<size_t> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (size_t i = next++; i < tasks.size(); i = next++) tasks[i]();
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
};

// What the answers said, per partner.
struct Totals {
  int64_t earned = 0;
  int64_t burned = 0;
  int64_t cancelled = 0;
  int64_t reversed = 0;
};

TEST_P(PartnerNetworkTest, FourPartnersAndTheirMembersKeepTheLedgerWhole) {
  const auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> categories = {"fuel", "parking", "carwash", "toll"};
  const std::vector<std::string> details = {R"({"millilitres":30000,"grade":"92"})",
                                            R"({"minutes":45})", R"({"wash_type":"basic"})",
                                            R"({"section":"G4"})"};
  std::vector<TestPartner> partners;
  for (int p = 0; p < kPartners; ++p) {
    partners.push_back(CreatePartner("Partner " + categories[p], categories[p]));
    Reply rule = Put("/api/console/partners/" + std::to_string(partners.back().id) + "/rule",
                     Token("admin"), R"({"points_per_yuan":1})");
    ASSERT_EQ(rule.status, 200) << rule.body;
  }
  const std::vector<int64_t> members = NewMembers();
  ASSERT_EQ(members.size(), static_cast<size_t>(kMembers));
  Result<crypto::DataKey> key = crypto::DataKey::FromHex(kDataKey);
  ASSERT_TRUE(key.ok());
  OsRandom random;
  members::MemberCodes codes(*key, random);
  std::vector<std::string> refs;
  for (int64_t member : members) {
    Result<members::MemberCode> code = codes.Mint(tree_.brand, member, UnixSeconds(clock_.Now()));
    ASSERT_TRUE(code.ok());
    refs.push_back(R"({"code":")" + code->token + R"("})");
  }
  const std::string occurred = server::Rfc3339(UnixSeconds(clock_.Now()) - 60);
  auto amount = [](int m, int p) -> int64_t { return 1000 + (m * 37 + p * 1100) % 9000; };

  std::mutex mu;
  std::vector<Totals> totals(kPartners);
  std::map<int64_t, int64_t> expected_balance;  // by member, from the answers
  std::atomic<int> failures{0};
  auto expect = [&](const Reply& reply, int status, const std::string& what) {
    if (reply.status == status) return true;
    if (++failures <= 10) ADD_FAILURE() << what << ": " << reply.status << " " << reply.body;
    return false;
  };

  // Phase 1: every member earns at every partner, all at once.
  std::vector<std::function<void()>> earnings;
  for (int m = 0; m < kMembers; ++m) {
    for (int p = 0; p < kPartners; ++p) {
      earnings.push_back([&, m, p] {
        const std::string body = R"({"request_id":"e-)" + std::to_string(m) + R"(","member":)" +
                                 refs[m] + R"(,"amount_fen":)" + std::to_string(amount(m, p)) +
                                 R"(,"occurred_at":")" + occurred + R"(","detail":)" + details[p] +
                                 "}";
        Reply r = PartnerPost(partners[p], "/api/partner/v1/earnings", body);
        if (!expect(r, 201, "earning")) return;
        const int64_t points = r.json["points"].GetInt64();
        if (points != amount(m, p) / 100) ++failures;
        std::lock_guard<std::mutex> lock(mu);
        totals[p].earned += points;
        expected_balance[members[m]] += points;
      });
    }
  }
  std::shuffle(earnings.begin(), earnings.end(), std::mt19937(1));
  RunConcurrently(earnings);
  ASSERT_EQ(failures.load(), 0);

  // Phase 2: each member burns half of what they earned at one partner (every fifth cancels
  // it), and has half of another partner's earning reversed, all at once, a member's burn and
  // reversal racing each other.
  std::vector<std::function<void()>> phase2;
  for (int m = 0; m < kMembers; ++m) {
    const int burn_at = m % kPartners;
    const int reverse_at = (m + 1) % kPartners;
    const int64_t earned = [&] {
      int64_t sum = 0;
      for (int p = 0; p < kPartners; ++p) sum += amount(m, p) / 100;
      return sum;
    }();
    phase2.push_back([&, m, burn_at, earned] {
      const std::string id = "b-" + std::to_string(m);
      Reply r = PartnerPost(partners[burn_at], "/api/partner/v1/redemptions",
                            R"({"request_id":")" + id + R"(","member":)" + refs[m] +
                                R"(,"points":)" + std::to_string(earned / 2) + "}");
      if (!expect(r, 201, "burn")) return;
      {
        std::lock_guard<std::mutex> lock(mu);
        totals[burn_at].burned += earned / 2;
        expected_balance[members[m]] -= earned / 2;
      }
      if (m % 5 != 0) return;
      Reply c = PartnerPost(partners[burn_at], "/api/partner/v1/redemptions/" + id + "/cancel", "");
      if (!expect(c, 200, "cancel")) return;
      std::lock_guard<std::mutex> lock(mu);
      totals[burn_at].cancelled += c.json["points"].GetInt64();
      expected_balance[members[m]] += c.json["points"].GetInt64();
    });
    phase2.push_back([&, m, reverse_at] {
      const int64_t half = amount(m, reverse_at) / 2;
      Reply r = PartnerPost(partners[reverse_at],
                            "/api/partner/v1/earnings/e-" + std::to_string(m) + "/reversal",
                            R"({"reversal_id":"v-)" + std::to_string(m) + R"(","amount_fen":)" +
                                std::to_string(half) + "}");
      if (!expect(r, 201, "reversal")) return;
      // floor(points * half / amount), worked out from the request.
      const int64_t points = (amount(m, reverse_at) / 100) * half / amount(m, reverse_at);
      if (r.json["points"].GetInt64() != points) ++failures;
      std::lock_guard<std::mutex> lock(mu);
      totals[reverse_at].reversed += points;
      expected_balance[members[m]] -= points;
    });
  }
  std::shuffle(phase2.begin(), phase2.end(), std::mt19937(2));
  RunConcurrently(phase2);
  ASSERT_EQ(failures.load(), 0);

  // The ledger sums to zero.
  {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    Result<int64_t> sum = points::Ledger(**conn).SumOfEntries(tree_.brand);
    ASSERT_TRUE(sum.ok());
    EXPECT_EQ(*sum, 0);
  }
  // Every balance: the answers', the replay of the member's journal lines', never negative.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM point_accounts WHERE kind = 'member' AND balance < 0"), 0);
  int mismatches = 0;
  for (int64_t member : members) {
    const int64_t balance =
        Scalar("SELECT balance FROM point_accounts WHERE kind = 'member' AND owner_id = ?",
               {db::Value(member)});
    const int64_t replay = Scalar(
        "SELECT COALESCE(SUM(CASE kind WHEN 'earn' THEN points + debt_change "
        "WHEN 'unspend' THEN points WHEN 'reverse' THEN debt_change - points "
        "ELSE -points END), 0) FROM point_journals WHERE member_id = ?",
        {db::Value(member)});
    if (balance != replay || balance != expected_balance[member]) {
      if (++mismatches <= 5) {
        ADD_FAILURE() << "member " << member << ": balance " << balance << ", replay " << replay
                      << ", answers " << expected_balance[member];
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  // Funders and consumers, per partner.
  for (int p = 0; p < kPartners; ++p) {
    const db::Value id(partners[p].id);
    SCOPED_TRACE(categories[p]);
    EXPECT_EQ(
        Scalar("SELECT COALESCE(SUM(amount), 0) FROM point_lots WHERE funder_partner_id = ?", {id}),
        totals[p].earned);
    EXPECT_EQ(Scalar("SELECT COALESCE(SUM(u.points), 0) FROM point_lot_uses u JOIN point_journals "
                     "j ON j.id = u.journal_id WHERE u.consumer_partner_id = ? AND j.kind IN "
                     "('spend', 'unspend')",
                     {id}),
              totals[p].burned - totals[p].cancelled);
    EXPECT_EQ(Scalar("SELECT COALESCE(SUM(u.points), 0) FROM point_lot_uses u JOIN point_journals "
                     "j ON j.id = u.journal_id WHERE u.consumer_partner_id = ? AND "
                     "j.kind = 'reverse'",
                     {id}),
              totals[p].reversed);
    EXPECT_EQ(Scalar("SELECT COALESCE(SUM(points), 0) FROM point_lot_uses WHERE "
                     "funder_partner_id = ?",
                     {id}) +
                  Scalar("SELECT COALESCE(SUM(remaining), 0) FROM point_lots WHERE "
                         "funder_partner_id = ?",
                         {id}),
              totals[p].earned);
    EXPECT_GT(totals[p].burned, 0);
    EXPECT_GT(totals[p].cancelled, 0);
    EXPECT_GT(totals[p].reversed, 0);
  }
  ExpectTheMonthsStatementsSumToZeroAndTrace();
  // A proof, not a soak: bounded.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(120));
}

MILEAGE_CONSOLE_TEST_SUITE(PartnerNetworkTest);

}  // namespace
}  // namespace mileage::testing
