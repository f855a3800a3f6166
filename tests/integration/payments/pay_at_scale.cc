#include "tests/integration/payments/pay_at_scale.h"

#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "coupons/types.h"
#include "tests/integration/payments/payments_checks.h"
#include "wechat/pay/notification.h"
#include "wechat/pay/transaction.h"

namespace mileage::testing {
namespace {

constexpr const char* kSandboxMchid = "1900000009";
constexpr int kPayments = 1000;
constexpr int kPayers = 300;
constexpr int kProbes = 5;
// Every payment of 200 yuan or more earns a coupon; every payer's first payment another.
constexpr int64_t kBigSpend = 20000;

}  // namespace

ForwardingProxy::ForwardingProxy(int target_port, wechat::pay::PlatformKeys keys,
                                 const std::string& apiv3_key)
    : target_port_(target_port),
      keys_(std::move(keys)),
      apiv3_key_(wechat::pay::ApiV3Key::Create(apiv3_key).value()) {
  server_.new_task_queue = [] { return new httplib::ThreadPool(4); };
  server_.Post(R"(/notify/(\d+))",
               [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

ForwardingProxy::~ForwardingProxy() {
  server_.stop();
  thread_.join();
}

void ForwardingProxy::Hold(const std::string& out_trade_no) {
  std::lock_guard lock(mu_);
  held_.insert(out_trade_no);
}

httplib::Result ForwardingProxy::Forward(const std::string& mchid, const httplib::Headers& headers,
                                         const std::string& body) {
  httplib::Client client("127.0.0.1", target_port_);
  client.set_read_timeout(std::chrono::seconds(60));
  return client.Post("/wechatpay/v3/notify/" + mchid, headers, body, "application/json");
}

bool ForwardingProxy::Held(const wechat::pay::Notification& notification) {
  if (notification.event != wechat::pay::NotificationEvent::kTransactionSuccess || released_) {
    return false;
  }
  Result<wechat::pay::Transaction> t = wechat::pay::ParseTransaction(notification.plaintext);
  std::lock_guard lock(mu_);
  return t.ok() && held_.count(t->out_trade_no) > 0;
}

void ForwardingProxy::Handle(const httplib::Request& req, httplib::Response& res) {
  const std::string mchid = req.matches[1].str();
  httplib::Headers headers;
  for (const char* name :
       {"Wechatpay-Serial", "Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce"}) {
    headers.emplace(name, req.get_header_value(name));
  }
  wechat::pay::WechatpayHeaders wechatpay{
      req.get_header_value("Wechatpay-Serial"), req.get_header_value("Wechatpay-Signature"),
      req.get_header_value("Wechatpay-Timestamp"), req.get_header_value("Wechatpay-Nonce")};
  Result<wechat::pay::Notification> verified =
      wechat::pay::VerifyNotification(keys_, apiv3_key_, wechatpay, req.body, clock_.Now());
  if (!verified.ok()) {  // a SIGNTEST probe: pass it on once, relay the answer
    httplib::Result forwarded = Forward(mchid, headers, req.body);
    res.status = forwarded ? forwarded->status : 502;
    return;
  }
  if (Held(*verified)) {
    ++held_answers_;
    res.status = 503;
    return;
  }
  std::string tampered = req.body;
  tampered[tampered.size() / 2] ^= 0x20;
  std::vector<int> statuses(3, 0);
  std::vector<std::thread> copies;
  for (int i = 0; i < 3; ++i) {
    copies.emplace_back([&, i] {
      httplib::Result r = Forward(mchid, headers, req.body);
      statuses[i] = r ? r->status : 0;
    });
  }
  httplib::Result bad = Forward(mchid, headers, tampered);
  for (auto& t : copies) t.join();
  const int bad_status = bad ? bad->status : 0;
  if (bad_status == 401) {
    ++tampered_rejected_;
  } else if (bad_status == 0 || bad_status == 502) {
    ++tampered_unanswered_;
  } else {
    ++tampered_accepted_;
  }
  bool all_accepted = true;
  for (int s : statuses) all_accepted = all_accepted && s == 204;
  if (!all_accepted) ++copies_not_accepted_;
  res.status = all_accepted ? 204 : 500;
}

int64_t PayAtScaleTest::RewardStock(const std::string& name, int64_t min_amount_fen,
                                    bool first_payment_only) {
  coupons::NewStock s;
  s.node_type = org::NodeType::kBrand;
  s.node_id = brand_;
  s.name = name;
  s.type = coupons::StockType::kCash;
  s.value_fen = 1000;
  s.valid_days = 30;
  s.total_quantity = 10000;
  s.per_member_limit = 100;
  s.channels = {coupons::Channel::kPayment};
  s.reward_min_amount_fen = min_amount_fen;
  s.reward_first_payment_only = first_payment_only;
  const org::Actor op = org::Actor::System("test");
  Result<coupons::Stock> created = server_->app().coupons().stocks().Create(op, s);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  if (!created.ok()) return 0;
  coupons::StockPatch active;
  active.state = coupons::StockState::kActive;
  EXPECT_TRUE(server_->app().coupons().stocks().Update(op, created->id, active).ok());
  return created->id;
}

void PayAtScaleTest::RunAndCheck(const StartTargets& start_targets, Faults faults) {
  ASSERT_NE(server_, nullptr) << "the fixture did not start (see above)";
  RunningSandbox sandbox([](wechat::sandbox::SandboxConfig& config) {
    config.merchants = {{kSandboxMchid, kAppid, "", "", "", ""}};
  });
  ASSERT_TRUE(sandbox.ok());
  MerchantExport exported = sandbox.Export(kSandboxMchid);
  RegisterMerchant(store1_, kSandboxMchid, kAppid, exported.apiv3_key,
                   {{exported.certificate_serial, exported.certificate_pem, 0},
                    {exported.public_key_id, exported.public_key_pem, 0}});
  const int64_t big_spend = RewardStock("Big spender", kBigSpend, false);
  const int64_t welcome = RewardStock("Welcome", 0, true);
  const int target = start_targets(sandbox);
  ASSERT_GT(target, 0) << "nothing serves the notifications";
  ForwardingProxy proxy(target, KeysFor(exported, true, true), exported.apiv3_key);

  PostWorkload(sandbox, proxy);
  ASSERT_FALSE(HasFatalFailure());
  CheckDeliveries(sandbox, proxy, faults);
  CheckPaymentsAndPoints();
  ASSERT_FALSE(HasFatalFailure());
  CheckRewards(big_spend, welcome);
}

void PayAtScaleTest::PostWorkload(RunningSandbox& sandbox, ForwardingProxy& proxy) {
  const std::string notify_url = proxy.url(kSandboxMchid);
  plan_.assign(kPayments, PaymentPlan());
  for (int k = 0; k < kPayments; ++k) {
    plan_[k].openid = "payer-" + std::to_string(k % kPayers);
    plan_[k].amount = 100 + (static_cast<int64_t>(k) * 7919) % 50000;
    plan_[k].out_trade_no = "SCALE" + std::to_string(k);
    if (k % 25 == 2) proxy.Hold(plan_[k].out_trade_no);  // its refund arrives first
  }
  auto post = [&](const std::string& path, const std::string& body) {
    rapidjson::Document reply = sandbox.PostJson(path, body);
    EXPECT_TRUE(reply.IsObject()) << path << " " << body;
  };
  std::vector<std::thread> payers;
  for (int t = 0; t < 4; ++t) {
    payers.emplace_back([&, t] {
      for (int k = t; k < kPayments; k += 4) {
        post("/sandbox/payments", R"({"mchid":")" + std::string(kSandboxMchid) + R"(","amount":)" +
                                      std::to_string(plan_[k].amount) + R"(,"openid":")" +
                                      plan_[k].openid + R"(","out_trade_no":")" +
                                      plan_[k].out_trade_no + R"(","notify_url":")" + notify_url +
                                      R"("})");
      }
    });
  }
  for (auto& t : payers) t.join();

  refunds_ = 0;
  auto refund = [&](int k, int64_t amount) {
    post("/sandbox/refunds", R"({"mchid":")" + std::string(kSandboxMchid) +
                                 R"(","out_trade_no":")" + plan_[k].out_trade_no +
                                 R"(","amount":)" + std::to_string(amount) + R"(,"notify_url":")" +
                                 notify_url + R"("})");
    plan_[k].refunded += amount;
    ++refunds_;
  };
  for (int k = 0; k < kPayments; ++k) {
    if (k % 10 == 0) refund(k, plan_[k].amount);  // full
    if (k % 10 == 1) {                            // two partial
      refund(k, plan_[k].amount / 3);
      refund(k, plan_[k].amount / 4);
    }
    if (k % 25 == 2) refund(k, plan_[k].amount / 2);  // before its payment
  }
  for (int i = 0; i < kProbes; ++i) {
    post("/sandbox/merchants/" + std::string(kSandboxMchid) + "/signtest",
         R"({"notify_url":")" + notify_url + R"("})");
  }
  // Let the held payments come back on WeChat's retry schedule once their refunds were seen.
  // The sandbox delivers one notification at a time: minutes under the sanitizers.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (Count("payment_refunds") < refunds_ && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(Count("payment_refunds"), refunds_);
  proxy.Release();
}

void PayAtScaleTest::CheckDeliveries(RunningSandbox& sandbox, const ForwardingProxy& proxy,
                                     Faults faults) {
  DeliveryTally tally =
      AwaitDeliveries(sandbox, "?mchid=" + std::string(kSandboxMchid), std::chrono::minutes(10));
  std::map<std::string, int>& states = tally.states;
  EXPECT_EQ(states["pending"], 0);
  EXPECT_EQ(states["delivered"], kPayments + refunds_);
  EXPECT_EQ(states["probe_rejected"], kProbes);
  EXPECT_EQ(states["gave_up"], 0);
  EXPECT_GT(proxy.held_answers(), 0);
  EXPECT_EQ(proxy.tampered_accepted(), 0);
  if (!faults.expected) {
    EXPECT_EQ(proxy.copies_not_accepted(), 0);
    EXPECT_EQ(proxy.tampered_unanswered(), 0);
  }
  // Each delivery the sandbox saw acknowledged came with a tampered copy; with faults some of
  // those met a dead node instead of a verifying one.
  EXPECT_GE(proxy.tampered_rejected() + proxy.tampered_unanswered(), kPayments + refunds_);
}

void PayAtScaleTest::CheckPaymentsAndPoints() {
  EXPECT_EQ(Count("members"), kPayers);
  EXPECT_EQ(Count("payment_transactions"), kPayments);
  EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT transaction_id) FROM payment_transactions"), kPayments);
  EXPECT_EQ(Count("payment_refunds"), refunds_);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM payment_refunds WHERE applied = 1"), refunds_);
  // One inbox row per distinct notification: no tampered copy and no probe was recorded.
  EXPECT_EQ(Count("payment_notifications"), kPayments + refunds_);

  // Each payment as recorded, against the plan: its amount, the points it earned and what its
  // refunds took back (floor of earned x refunded share, on the refunded total).
  const std::map<std::string, std::vector<int64_t>> recorded = PaymentsByOutTradeNo(*database_);
  ASSERT_EQ(recorded.size(), static_cast<size_t>(kPayments));
  std::map<std::string, int64_t> expected;
  int64_t earned = 0, reversed = 0;
  int wrong_payments = 0;
  for (const PaymentPlan& p : plan_) {
    const std::vector<int64_t> want = {p.amount, PointsEarned(p.amount), p.refunded,
                                       PointsReversed(p.amount, p.refunded)};
    auto found = recorded.find(p.out_trade_no);
    const std::vector<int64_t> got =
        found == recorded.end() ? std::vector<int64_t>{} : found->second;
    if (got != want && ++wrong_payments <= 5) {
      ADD_FAILURE() << p.out_trade_no << ": {amount, earned, refunded, reversed} recorded as "
                    << ::testing::PrintToString(got) << ", expected "
                    << ::testing::PrintToString(want);
    }
    expected[p.openid] += PointsKept(p.amount, p.refunded);
    earned += PointsEarned(p.amount);
    reversed += PointsReversed(p.amount, p.refunded);
  }
  EXPECT_EQ(wrong_payments, 0);
  int wrong = 0;
  for (const auto& [openid, points] : expected) {
    const int64_t balance = BalanceOfOpenid(openid);
    if (balance != points && ++wrong <= 5) {
      ADD_FAILURE() << openid << " has " << balance << " points, expected " << points;
    }
  }
  EXPECT_EQ(wrong, 0);
  // Every payment earned (all are 1 yuan or more); a refund posts a journal when it takes back
  // a point, which with two partial refunds depends on their order: count them from the
  // refunds' records, whose sum the per-payment check above pinned down.
  const int64_t refunds_reversing =
      Scalar("SELECT COUNT(*) FROM payment_refunds WHERE points_reversed > 0");
  EXPECT_GT(refunds_reversing, 0);
  EXPECT_LE(refunds_reversing, refunds_);
  EXPECT_EQ(Scalar("SELECT COALESCE(SUM(points_reversed), 0) FROM payment_refunds"), reversed);
  ExpectLedger(*database_, brand_, kPayments, earned, refunds_reversing, reversed);
}

// The payments whose reward coupons of `stock_id` are not as expected, each with its coupon rows
// (id, member, state, issue time) and the stock's coupons no payment explains; "" when all match.
std::string PayAtScaleTest::DifferingRewards(const RewardStates& got, const RewardStates& want,
                                             int64_t stock_id) {
  std::ostringstream out;
  std::set<std::string> keys;
  for (const auto& [key, states] : got) keys.insert(key);
  for (const auto& [key, states] : want) keys.insert(key);
  const auto describe = [this](const std::string& where) {
    std::ostringstream rows;
    Result<db::PooledConnection> conn = database_->db().Acquire();
    if (!conn.ok()) return conn.status().ToString();
    Result<std::vector<db::Row>> found = (*conn)->Query(
        "SELECT c.id, c.member_id, c.member_slot, c.source_ref, c.state, c.issued_at, "
        "(SELECT MIN(i.value) FROM member_identities i WHERE i.member_id = c.member_id AND "
        "i.kind = 'openid'), (SELECT MIN(t.out_trade_no) FROM payment_transactions t WHERE "
        "t.member_id = c.member_id), (SELECT COUNT(*) FROM members m WHERE m.id = c.member_id) "
        "FROM coupons c WHERE " +
        where);
    if (!found.ok()) return found.status().ToString();
    for (const db::Row& row : *found) {
      rows << " {coupon " << row.Int(0) << ", member " << row.Int(1) << ", slot " << row.Int(2)
           << ", " << row.OptionalText(3).value_or("NULL") << ", " << row.Text(4) << ", at "
           << row.Int(5) << ", member of " << row.OptionalText(6).value_or("no openid") << ", paid "
           << row.OptionalText(7).value_or("none") << (row.Int(8) == 0 ? ", no such member" : "")
           << "}";
    }
    return rows.str();
  };
  for (const std::string& key : keys) {
    auto g = got.find(key);
    auto w = want.find(key);
    const std::vector<std::string> none;
    const auto& got_states = g == got.end() ? none : g->second;
    const auto& want_states = w == want.end() ? none : w->second;
    if (got_states == want_states) continue;
    out << key << ": " << ::testing::PrintToString(got_states) << ", expected "
        << ::testing::PrintToString(want_states) << ";"
        << describe("c.stock_id = " + std::to_string(stock_id) + " AND c.source_ref IN (SELECT " +
                    RewardSourceRefSql(*database_, "t") +
                    " FROM payment_transactions t WHERE t.out_trade_no = '" + key + "')")
        << "\n";
  }
  const std::string unexplained =
      describe("c.stock_id = " + std::to_string(stock_id) +
               " AND (c.source_ref IS NULL OR c.source_ref NOT IN (SELECT " +
               RewardSourceRefSql(*database_, "t") + " FROM payment_transactions t))");
  if (!unexplained.empty()) out << "coupons of no payment:" << unexplained << "\n";
  return out.str();
}

void PayAtScaleTest::CheckRewards(int64_t big_spend, int64_t welcome) {
  // Reward coupons, from the plan: one per payment of kBigSpend or more, voided when its
  // refunds left less than kBigSpend of it; one per payer for their first recorded payment
  // (any amount; which one was first depends on delivery order), voided when that payment was
  // refunded in full.
  const auto big = RewardsByPayment(*database_, big_spend);
  RewardStates big_expected;
  for (const PaymentPlan& p : plan_) {
    if (p.amount < kBigSpend) continue;
    big_expected[p.out_trade_no] = {p.amount - p.refunded < kBigSpend ? "voided" : "issued"};
  }
  EXPECT_GT(big_expected.size(), 100u);
  EXPECT_EQ(DifferingRewards(big, big_expected, big_spend), "");
  const auto firsts = RewardsByPayment(*database_, welcome);
  EXPECT_EQ(firsts.size(), static_cast<size_t>(kPayers));
  // Which payment was a payer's first depends on delivery order: expected are the states of
  // the payments that have one, and one such payment per payer.
  RewardStates welcome_expected;
  std::map<std::string, std::vector<std::string>> welcomes_by_payer;
  for (const PaymentPlan& p : plan_) {
    if (firsts.count(p.out_trade_no) == 0) continue;
    welcomes_by_payer[p.openid].push_back(p.out_trade_no);
    welcome_expected[p.out_trade_no] = {p.refunded >= p.amount ? "voided" : "issued"};
  }
  EXPECT_EQ(DifferingRewards(firsts, welcome_expected, welcome), "");
  EXPECT_EQ(welcomes_by_payer.size(), static_cast<size_t>(kPayers));
  for (const auto& [openid, payments] : welcomes_by_payer) {
    EXPECT_EQ(payments.size(), 1u)
        << openid << " welcomed for " << ::testing::PrintToString(payments);
  }
  EXPECT_EQ(Count("coupons"), static_cast<int64_t>(big_expected.size()) + kPayers);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.issued'"),
            Count("coupons"));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'coupon.voided'"),
            Scalar("SELECT COUNT(*) FROM coupons WHERE state = 'voided'"));
}

}  // namespace mileage::testing
