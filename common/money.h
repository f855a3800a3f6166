#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace mileage {

// An amount of money in fen (1 yuan = 100 fen). Never floating point. A value type.
class Money {
 public:
  constexpr Money() = default;
  static constexpr Money Fen(int64_t fen) { return Money(fen); }
  static constexpr Money Yuan(int64_t yuan) { return Money(yuan * 100); }

  constexpr int64_t fen() const { return fen_; }
  // "12.34", "-0.05": for display and reports; APIs carry fen as integers.
  std::string ToYuanString() const;

  constexpr Money operator+(Money o) const { return Money(fen_ + o.fen_); }
  constexpr Money operator-(Money o) const { return Money(fen_ - o.fen_); }
  constexpr Money& operator+=(Money o) {
    fen_ += o.fen_;
    return *this;
  }
  constexpr Money& operator-=(Money o) {
    fen_ -= o.fen_;
    return *this;
  }
  constexpr auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(int64_t fen) : fen_(fen) {}
  int64_t fen_ = 0;
};

}  // namespace mileage
