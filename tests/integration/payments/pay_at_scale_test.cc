// The end-to-end proof on one in-process server: the real server driven by the WeChat
// sandbox with 1,000 payments by 300 payers, every notification delivered three times at once
// and out of order, refunds (partial, full, some before their payment), SIGNTEST probes and
// tampered copies (pay_at_scale.h). Then: one member per payer, each transaction once,
// balances as the payments and refunds imply (computed from docs/API.md's rule), a ledger with
// exactly their journals, nothing written by any tampered copy, and the payment-reward coupons:
// one per qualifying payment, voided exactly when its refunds took the payment below the
// reward's minimum. multinode_pay_at_scale_test.cc runs the same over three processes.
#include "tests/integration/payments/pay_at_scale.h"

namespace mileage::testing {
namespace {

TEST_P(PayAtScaleTest, AThousandPaymentsDeliveredThriceWithRefundsProbesAndTampering) {
  RunAndCheck([this](RunningSandbox&) { return server_->port(); }, Faults{});
}

MILEAGE_PAYMENTS_TEST_SUITE(PayAtScaleTest);

}  // namespace
}  // namespace mileage::testing
