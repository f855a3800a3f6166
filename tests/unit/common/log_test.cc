#include "common/log.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/stderr_capture.h"

namespace mileage {
namespace {

std::string Escaped(std::string text, size_t from = 0) {
  EscapeControlCharacters(text, from);
  return text;
}

TEST(EscapeControlCharactersTest, EveryControlCharacterBecomesAnEscape) {
  EXPECT_EQ(Escaped("plain text, 粤B12345"), "plain text, 粤B12345");
  EXPECT_EQ(Escaped("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(Escaped(std::string("nul\0esc\x1b del\x7f", 13)), "nul\\x00esc\\x1b del\\x7f");
  EXPECT_EQ(Escaped(""), "");
}

TEST(EscapeControlCharactersTest, LeavesTheTextBeforeFromAlone) {
  EXPECT_EQ(Escaped("kept\nescaped\n", 5), "kept\nescaped\\n");
  EXPECT_EQ(Escaped("short\n", 100), "short\n");
}

TEST(LogLineTest, AValueWithANewlineCannotForgeASecondLine) {
  testing::StderrCapture captured;
  const std::string mchid = "1900000001\n2026-11-22T23:42:52.123Z INFO req=- forged.cc:1] paid";
  {
    ScopedRequestId id("req-7");
    MILEAGE_LOG(kWarn) << "notification for " << mchid << " rejected\tfor\x1b[31m colour";
  }
  const std::string text = captured.Text();
  // Exactly one line: the only newline is the one that ends it.
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
  EXPECT_NE(text.find(" WARN req=req-7 log_test.cc:"), std::string::npos) << text;
  EXPECT_NE(text.find("notification for 1900000001\\n2026-11-22T23:42:52.123Z INFO req=- "
                      "forged.cc:1] paid rejected\\tfor\\x1b[31m colour\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace mileage
