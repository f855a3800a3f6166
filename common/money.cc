#include "common/money.h"

#include <cstdlib>

namespace mileage {

std::string Money::ToYuanString() const {
  // Work in unsigned to stay defined for INT64_MIN.
  uint64_t magnitude = fen_ < 0 ? 0 - static_cast<uint64_t>(fen_) : static_cast<uint64_t>(fen_);
  std::string cents = std::to_string(magnitude % 100);
  if (cents.size() == 1) cents.insert(0, "0");
  return (fen_ < 0 ? "-" : "") + std::to_string(magnitude / 100) + "." + cents;
}

}  // namespace mileage
