// Coupon codes: what a clerk types, what is stored and what is shown. The check character is
// computed here by a reference Luhn mod 32 written from its definition, not by the code under
// test.
#include "coupons/codes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/testing/fake_random.h"

namespace mileage::coupons {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int Value(char c) { return static_cast<int>(std::string(kAlphabet).find(c)); }

// Luhn mod N (N = 32) from its definition: from the right, every second value of the payload
// starting with the rightmost is doubled, a doubled value is folded (v / 32 + v % 32), and the
// check value makes the total a multiple of 32.
char ReferenceCheck(const std::string& payload) {
  int sum = 0;
  for (size_t k = 0; k < payload.size(); ++k) {
    int v = Value(payload[payload.size() - 1 - k]);
    if (k % 2 == 0) v *= 2;
    sum += v / 32 + v % 32;
  }
  return kAlphabet[(32 - sum % 32) % 32];
}

TEST(CouponCodes, ANewCodeIsSixteenAlphabetCharactersAndItsCheck) {
  testing::FakeRandom random(7);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string code = NewCouponCode(random);
    ASSERT_EQ(code.size(), 17u) << code;
    for (char c : code) EXPECT_NE(std::string(kAlphabet).find(c), std::string::npos) << code;
    EXPECT_EQ(code.back(), ReferenceCheck(code.substr(0, 16))) << code;
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 1000u) << "80 random bits: no repeats in a thousand";
}

TEST(CouponCodes, TheCheckCharacterOfAKnownPayload) {
  // Worked by hand: "0000000000000001": the rightmost 1 is doubled to 2, so the check is 30
  // ('Y'); "000000000000000Z": Z is 31, doubled 62 folds to 1 + 30 = 31, so the check is 1.
  EXPECT_EQ(CodeCheckCharacter("0000000000000001"), 'Y');
  EXPECT_EQ(CodeCheckCharacter("000000000000000Z"), '1');
  EXPECT_EQ(ReferenceCheck("0000000000000001"), 'Y');
  EXPECT_EQ(ReferenceCheck("000000000000000Z"), '1');
}

TEST(CouponCodes, TypedFormsNormalise) {
  const std::string stored = "ABCD0123EFGH4567";
  const std::string code = stored + ReferenceCheck(stored);
  const std::string shown = FormatCouponCode(code);
  EXPECT_EQ(shown, "ABCD-0123-EFGH-4567-" + std::string(1, code.back()));
  for (const std::string& typed :
       {code, shown,
        std::string("abcd-0123-efgh-4567-") + static_cast<char>(std::tolower(code.back())),
        std::string(" ABCD 0123 EFGH 4567 ") + code.back(),
        // O is read as 0 and I, L as 1.
        std::string("ABCD-O123-EFGH-4567-") + code.back(),
        std::string("ABCD-0I23-EFGH-4567-") + code.back(),
        std::string("ABCD-0l23-EFGH-4567-") + code.back()}) {
    Result<std::string> normal = NormalizeCouponCode(typed);
    ASSERT_TRUE(normal.ok()) << typed << ": " << normal.status().ToString();
    EXPECT_EQ(*normal, code) << typed;
  }
}

TEST(CouponCodes, EverySingleMistypedCharacterIsCaught) {
  testing::FakeRandom random(11);
  int tried = 0;
  for (int n = 0; n < 20; ++n) {
    const std::string code = NewCouponCode(random);
    for (size_t i = 0; i < code.size(); ++i) {
      for (char c : std::string(kAlphabet)) {
        if (c == code[i]) continue;
        std::string typo = code;
        typo[i] = c;
        Result<std::string> normal = NormalizeCouponCode(typo);
        ASSERT_FALSE(normal.ok()) << typo << " passed for " << code;
        EXPECT_EQ(normal.status().reason(), "INVALID_COUPON_CODE");
        ++tried;
      }
    }
  }
  EXPECT_EQ(tried, 20 * 17 * 31);
}

TEST(CouponCodes, MalformedInputIsRefused) {
  const std::string stored = "ABCD0123EFGH4567";
  const std::string code = stored + ReferenceCheck(stored);
  for (const std::string& bad :
       {std::string(""), code.substr(0, 16), code + "0", std::string("ABCD-0123-EFGH-4567-U"),
        code.substr(0, 8) + "U" + code.substr(9), code.substr(0, 8) + "*" + code.substr(9),
        std::string(65, '0'), code + std::string("\n")}) {
    Result<std::string> normal = NormalizeCouponCode(bad);
    ASSERT_FALSE(normal.ok()) << bad;
    EXPECT_EQ(normal.status().reason(), "INVALID_COUPON_CODE") << bad;
  }
}

}  // namespace
}  // namespace mileage::coupons
