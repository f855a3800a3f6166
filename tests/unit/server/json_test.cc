#include "server/http/json.h"

#include <gtest/gtest.h>

#include <string>

namespace mileage::server {
namespace {

// `depth` arrays, one inside the other: "[[[]]]" is depth 3.
std::string NestedArrays(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

// {"a":{"a":...{"a":1}...}} with `depth` objects.
std::string NestedObjects(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += "{\"a\":";
  text += "1";
  text += std::string(static_cast<size_t>(depth), '}');
  return text;
}

TEST(JsonReaderTest, SixtyFourLevelsAreReadSixtyFiveRefused) {
  ASSERT_EQ(json::kMaxDepth, 64);
  Result<rapidjson::Document> arrays = json::Parse(NestedArrays(64));
  ASSERT_TRUE(arrays.ok()) << arrays.status().ToString();
  const rapidjson::Value* v = &*arrays;
  int depth = 0;
  while (v->IsArray()) {
    ++depth;
    if (v->Empty()) break;
    v = &(*v)[0];
  }
  EXPECT_EQ(depth, 64);

  Result<rapidjson::Document> too_deep = json::Parse(NestedArrays(65));
  ASSERT_FALSE(too_deep.ok());
  EXPECT_EQ(too_deep.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_deep.status().reason(), "JSON_TOO_DEEP");

  EXPECT_TRUE(json::Parse(NestedObjects(64)).ok());
  EXPECT_EQ(json::Parse(NestedObjects(65)).status().reason(), "JSON_TOO_DEEP");
  // Arrays and objects count alike.
  EXPECT_TRUE(json::Parse("{\"a\":" + NestedArrays(63) + "}").ok());
  EXPECT_EQ(json::Parse("{\"a\":" + NestedArrays(64) + "}").status().reason(), "JSON_TOO_DEEP");
}

TEST(JsonReaderTest, AnExplicitLimitIsHonoured) {
  EXPECT_TRUE(json::Parse("[[1]]", 2).ok());
  EXPECT_EQ(json::Parse("[[[1]]]", 2).status().reason(), "JSON_TOO_DEEP");
  EXPECT_TRUE(json::Parse("7", 0).ok());
  EXPECT_EQ(json::Parse("[]", 0).status().reason(), "JSON_TOO_DEEP");
}

TEST(JsonReaderTest, HundredsOfThousandsOfBracketsAreRefusedWithoutRecursion) {
  // The body that took the server down: unclosed, and closed.
  EXPECT_EQ(json::Parse(std::string(150000, '[')).status().reason(), "JSON_TOO_DEEP");
  EXPECT_EQ(ParseJsonObject(NestedArrays(150000)).status().reason(), "JSON_TOO_DEEP");
  std::string objects;
  for (int i = 0; i < 150000; ++i) objects += "{\"a\":";
  EXPECT_EQ(ParseJsonObject(objects).status().reason(), "JSON_TOO_DEEP");
}

TEST(JsonReaderTest, MalformedTextSaysWhere) {
  struct Case {
    std::string text;
    size_t offset;
  };
  for (const Case& c : {Case{"{\"name\":", 8}, Case{"", 0}, Case{"{} trailing", 3},
                        Case{"{\"a\":01}", 6}, Case{"[1,]", 3}, Case{"{\"a\":\"\xff\"}", 6}}) {
    Result<rapidjson::Document> doc = json::Parse(c.text);
    ASSERT_FALSE(doc.ok()) << c.text;
    EXPECT_EQ(doc.status().reason(), "MALFORMED_JSON") << c.text;
    EXPECT_NE(doc.status().message().find("at byte " + std::to_string(c.offset)), std::string::npos)
        << c.text << " -> " << doc.status().message();
  }
}

TEST(JsonReaderTest, EscapesMustDecodeToUnicodeCodePoints) {
  // A pair is one code point (U+1F600); a lone low surrogate is none (found by the fuzzer:
  // RapidJSON 1.1.0 accepts it and stores bytes that are not UTF-8).
  Result<rapidjson::Document> pair = json::Parse(R"(["\ud83d\ude00","\u00e9\u0000"])");
  ASSERT_TRUE(pair.ok()) << pair.status().ToString();
  EXPECT_EQ(std::string((*pair)[0].GetString(), (*pair)[0].GetStringLength()), "\xF0\x9F\x98\x80");
  for (const char* text : {R"(["\ude00"])", R"({"\udfff":1})", R"(["a\ud41d\udc00"])",
                           R"(["\ud83d"])", R"(["\ud83dx"])"}) {
    Result<rapidjson::Document> doc = json::Parse(text);
    EXPECT_FALSE(doc.ok()) << text;
    EXPECT_EQ(doc.status().reason(), "MALFORMED_JSON") << text;
  }
}

TEST(JsonReaderTest, NumbersBeyondADoubleAreMalformed) {
  for (const char* text : {"[2e308]", "[-2e308]", "[1e400]"}) {
    EXPECT_EQ(json::Parse(text).status().reason(), "MALFORMED_JSON") << text;
  }
  EXPECT_EQ((*json::Parse("[1e-400]"))[0].GetDouble(), 0.0);
  // A long number that broke RapidJSON's full-precision path (found by the fuzzer) is read.
  EXPECT_TRUE(json::Parse("[92233720368547758083681.5e200,922337203623372036828016920]").ok());
}

TEST(JsonReaderTest, ObjectBodiesOnly) {
  EXPECT_TRUE(ParseJsonObject(R"({"name":"粤B12345","n":[1,{"x":null}]})").ok());
  for (const char* text : {"[1,2]", "\"text\"", "42", "null"}) {
    EXPECT_EQ(ParseJsonObject(text).status().reason(), "BODY_NOT_OBJECT") << text;
  }
}

TEST(JsonFieldTest, AccessorsNameTheFieldAndItsProblem) {
  Result<rapidjson::Document> doc =
      ParseJsonObject(R"({"name":"ops","count":7,"big":1e40,"neg":-3,"none":null,"s":"7"})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*RequiredString(*doc, "name"), "ops");
  EXPECT_EQ(*RequiredInt(*doc, "count"), 7);
  EXPECT_EQ(*RequiredInt(*doc, "neg"), -3);
  EXPECT_EQ(RequiredString(*doc, "missing").status().reason(), "MISSING_FIELD");
  EXPECT_EQ(RequiredString(*doc, "none").status().reason(), "MISSING_FIELD");
  EXPECT_EQ(RequiredString(*doc, "count").status().reason(), "INVALID_FIELD");
  EXPECT_EQ(RequiredInt(*doc, "s").status().reason(), "INVALID_FIELD");
  EXPECT_EQ(RequiredInt(*doc, "big").status().reason(), "INVALID_FIELD");
  EXPECT_FALSE(OptionalString(*doc, "none")->has_value());
  EXPECT_FALSE(OptionalInt(*doc, "missing")->has_value());
}

TEST(JsonFieldTest, FlagsAndTimesAreReadStrictly) {
  Result<rapidjson::Document> doc = ParseJsonObject(
      R"({"on":true,"off":false,"one":1,"utc":"2027-01-15T08:00:00Z",)"
      R"("beijing":"2027-01-15T16:00:00.750+08:00","unix":1800000000,"day":"2027-01-15",)"
      R"("none":null})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*OptionalBool(*doc, "on"), std::optional<bool>(true));
  EXPECT_EQ(*OptionalBool(*doc, "off"), std::optional<bool>(false));
  EXPECT_FALSE(OptionalBool(*doc, "none")->has_value());
  EXPECT_EQ(OptionalBool(*doc, "one").status().reason(), "INVALID_FIELD");
  // 1800000000 is 2027-01-15T08:00:00Z; the offset is applied and the fraction dropped.
  EXPECT_EQ(*OptionalTime(*doc, "utc"), std::optional<int64_t>(1800000000));
  EXPECT_EQ(*OptionalTime(*doc, "beijing"), std::optional<int64_t>(1800000000));
  EXPECT_FALSE(OptionalTime(*doc, "missing")->has_value());
  EXPECT_FALSE(OptionalTime(*doc, "none")->has_value());
  for (const char* field : {"unix", "day", "on"}) {
    Result<std::optional<int64_t>> bad = OptionalTime(*doc, field);
    EXPECT_EQ(bad.status().reason(), "INVALID_FIELD") << field;
    EXPECT_NE(bad.status().message().find(field), std::string::npos) << bad.status().message();
  }
}

TEST(JsonFieldTest, AccessorsOnANonObjectFindNothingInsteadOfBreakingAContract) {
  Result<rapidjson::Document> array = json::Parse("[1,2]");
  ASSERT_TRUE(array.ok());
  EXPECT_EQ(RequiredString(*array, "name").status().reason(), "MISSING_FIELD");
  EXPECT_FALSE(OptionalInt(*array, "count")->has_value());
}

TEST(RapidJsonContractTest, ABrokenContractThrowsInsteadOfAborting) {
  // cmake/rapidjson_assert.h is in effect: GetString() on a number must not abort the process.
  Result<rapidjson::Document> doc = ParseJsonObject(R"({"n":1})");
  ASSERT_TRUE(doc.ok());
  EXPECT_THROW((void)(*doc)["n"].GetString(), JsonContractError);
  EXPECT_THROW((void)(*doc)["absent"], JsonContractError);
}

}  // namespace
}  // namespace mileage::server
