#pragma once

#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"

namespace mileage::coupons {

// Coupon codes: 16 characters of Crockford base32 (0-9 and A-Z without I, L, O, U: nothing a
// clerk can confuse) carrying 80 random bits, then one check character, Luhn mod 32 over the
// alphabet, which catches every single mistyped character and most swaps of neighbours. Stored
// as the 17 characters; shown as XXXX-XXXX-XXXX-XXXX-C. Pure functions (NewCouponCode draws
// from `random`); safe for concurrent use.

inline constexpr std::string_view kCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
inline constexpr size_t kCodeDataLength = 16;
inline constexpr size_t kCodeLength = kCodeDataLength + 1;

// A new code (17 characters, check character last).
std::string NewCouponCode(RandomSource& random);

// The Luhn mod 32 check character of `data` (characters of kCodeAlphabet).
char CodeCheckCharacter(std::string_view data);

// The stored form of what a clerk typed: upper-cased, spaces and dashes dropped, I and L read
// as 1 and O as 0, then 17 characters of the alphabet whose check character is right. Checked
// before any lookup. InvalidArgument INVALID_COUPON_CODE otherwise (at most kMaxCodeInput
// bytes are looked at).
inline constexpr size_t kMaxCodeInput = 64;
Result<std::string> NormalizeCouponCode(std::string_view input);

// "XXXX-XXXX-XXXX-XXXX-C" for a stored code (other text is returned unchanged).
std::string FormatCouponCode(std::string_view code);

}  // namespace mileage::coupons
