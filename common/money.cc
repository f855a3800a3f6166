#include "common/money.h"

#include <cstdlib>

namespace mileage {

std::string Money::ToYuanString() const {
  // Work in unsigned to stay defined for INT64_MIN.
  uint64_t magnitude = fen_ < 0 ? 0 - static_cast<uint64_t>(fen_) : static_cast<uint64_t>(fen_);
  // Appended piece by piece: GCC 12 -O3 warns falsely (-Wrestrict) on chained operator+.
  std::string out = fen_ < 0 ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  uint64_t cents = magnitude % 100;
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
  return out;
}

}  // namespace mileage
