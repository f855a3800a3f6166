#pragma once

// The end-to-end payments workload and its end-state checks, shared by the single-node
// test (pay_at_scale_test.cc) and the multi-node one (multinode_pay_at_scale_test.cc): 1,000
// payments by 300 payers through the WeChat sandbox, every notification delivered three times
// at once and out of order plus a tampered copy, refunds (partial, full, some before their
// payment) and SIGNTEST probes; then every expectation computed from the plan.

#include <httplib.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/payments/payments_fixture.h"
#include "tests/support/running_sandbox.h"
#include "wechat/pay/api_v3_key.h"
#include "wechat/pay/platform_keys.h"

namespace mileage::testing {

// Stands between the sandbox and the server (or a balancer in front of several): forwards every
// notification three times concurrently plus one copy with a flipped body byte, and answers the
// sandbox 204 only when all three were accepted (so the sandbox retries otherwise). Holds chosen
// payments (503, so WeChat's retry schedule brings them back later) until released. Serves from
// its own threads; the counters are safe to read from any thread.
class ForwardingProxy {
 public:
  ForwardingProxy(int target_port, wechat::pay::PlatformKeys keys, const std::string& apiv3_key);
  ~ForwardingProxy();

  std::string url(const std::string& mchid) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/notify/" + mchid;
  }
  void Hold(const std::string& out_trade_no);
  void Release() { released_ = true; }
  int held_answers() const { return held_answers_; }
  int tampered_accepted() const { return tampered_accepted_; }
  int tampered_rejected() const { return tampered_rejected_; }
  // Tampered copies nobody answered (a node died with it, or no node was up: 502).
  int tampered_unanswered() const { return tampered_unanswered_; }
  int copies_not_accepted() const { return copies_not_accepted_; }

 private:
  httplib::Result Forward(const std::string& mchid, const httplib::Headers& headers,
                          const std::string& body);
  void Handle(const httplib::Request& req, httplib::Response& res);
  // True when the verified notification is a held payment (answered 503).
  bool Held(const wechat::pay::Notification& notification);

  int target_port_;
  wechat::pay::PlatformKeys keys_;
  wechat::pay::ApiV3Key apiv3_key_;
  SystemClock clock_;
  std::mutex mu_;
  std::set<std::string> held_;
  std::atomic<bool> released_{false};
  std::atomic<int> held_answers_{0};
  std::atomic<int> tampered_accepted_{0};
  std::atomic<int> tampered_rejected_{0};
  std::atomic<int> tampered_unanswered_{0};
  std::atomic<int> copies_not_accepted_{0};
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

// One payment of the plan and what the plan refunds of it.
struct PaymentPlan {
  std::string openid;
  int64_t amount = 0;
  std::string out_trade_no;
  int64_t refunded = 0;
};

// The payments fixture on a real clock (the sandbox signs with the real time) that runs the
// workload. Where the notifications go is the caller's: the in-process server, or a balancer
// in front of `mileage serve` processes started once the merchant and the reward stocks exist.
class PayAtScaleTest : public PaymentsTest {
 protected:
  PayAtScaleTest() { real_clock_ = true; }

  // What a run may meet besides duplicates and tampering.
  struct Faults {
    // Nodes die or lose Redis during the run: some copies are refused (the sandbox delivers
    // again), so the proxy's "every copy accepted" and "every tampered copy answered 401"
    // counts hold only for the deliveries that met no fault.
    bool expected = false;
  };
  // Starts what serves the notifications, given the sandbox (the WeChat APIs the nodes call);
  // returns the port the proxy forwards to (0 after a failure).
  using StartTargets = std::function<int(RunningSandbox&)>;

  // Runs the workload and checks the end state (gtest failures on any difference).
  void RunAndCheck(const StartTargets& start_targets, Faults faults);

  // An active payment-reward stock of the brand (as the console would create it).
  int64_t RewardStock(const std::string& name, int64_t min_amount_fen, bool first_payment_only);

 private:
  // The plan: payments, which are held until their refund was seen, and the refunds.
  void PostWorkload(RunningSandbox& sandbox, ForwardingProxy& proxy);
  void CheckDeliveries(RunningSandbox& sandbox, const ForwardingProxy& proxy, Faults faults);
  void CheckPaymentsAndPoints();
  void CheckRewards(int64_t big_spend, int64_t welcome);
  using RewardStates = std::map<std::string, std::vector<std::string>>;
  std::string DifferingRewards(const RewardStates& got, const RewardStates& want, int64_t stock_id);

  std::vector<PaymentPlan> plan_;
  int refunds_ = 0;
};

}  // namespace mileage::testing
