#include "db/outbox.h"

#include <gtest/gtest.h>

namespace mileage::db {
namespace {

TEST(OutboxPayloadTest, WritesFieldsInOrder) {
  EXPECT_EQ(PayloadJson({{"member_id", int64_t{42}}, {"number", "123456789012"}}),
            R"({"member_id":42,"number":"123456789012"})");
  EXPECT_EQ(PayloadJson({}), "{}");
}

TEST(OutboxPayloadTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(PayloadJson({{"reason", "a\"b\\c\nd"}}), R"({"reason":"a\"b\\c\u000ad"})");
}

TEST(OutboxPayloadTest, NegativeNumbers) {
  EXPECT_EQ(PayloadJson({{"refund_fen", int64_t{-5}}}), R"({"refund_fen":-5})");
}

}  // namespace
}  // namespace mileage::db
