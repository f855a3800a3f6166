#include "payments/types.h"

namespace mileage::payments {

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kApplied:
      return "applied";
    case Outcome::kDuplicate:
      return "duplicate";
    case Outcome::kRefundPending:
      return "refund_pending";
    case Outcome::kIgnored:
      return "ignored";
  }
  return "ignored";
}

}  // namespace mileage::payments
