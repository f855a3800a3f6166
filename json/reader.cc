#include "json/reader.h"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cmath>
#include <string>

namespace mileage::json {
namespace {

// Discards what UTF8<>::Validate copies.
struct NullSink {
  void Put(char) {}
};

// True when the decoded string is UTF-8 without surrogate code points. RapidJSON validates the
// bytes of the text but not what an escape decodes to, and 1.1.0 turns a lone low surrogate
// ("\udc00") into the bytes ED B0 80, which no UTF-8 reader (ours included) accepts later.
bool IsValidUtf8(const char* s, rapidjson::SizeType n) {
  rapidjson::MemoryStream input(s, n);
  NullSink sink;
  while (input.Tell() < n) {
    if (!rapidjson::UTF8<>::Validate(input, sink)) return false;
  }
  return true;
}

// Forwards the reader's events to the document it builds and stops the parse at the first
// array or object that would nest deeper than the limit, and at the first string whose escapes
// decode to something that is not UTF-8.
class DepthLimitedBuilder {
 public:
  DepthLimitedBuilder(rapidjson::Document& doc, int max_depth) : doc_(doc), max_depth_(max_depth) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned i) { return doc_.Uint(i); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t i) { return doc_.Uint64(i); }
  bool Double(double d) {
    // A number past a double is an error, never an infinity no JSON writer could write back.
    if (!std::isfinite(d)) bad_number_ = true;
    return !bad_number_ && doc_.Double(d);
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return doc_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return Utf8(s, n) && doc_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    return Utf8(s, n) && doc_.Key(s, n, copy);
  }
  bool StartObject() { return Enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return doc_.EndObject(members);
  }
  bool StartArray() { return Enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return doc_.EndArray(elements);
  }

  bool too_deep() const { return too_deep_; }
  bool bad_string() const { return bad_string_; }
  bool bad_number() const { return bad_number_; }

 private:
  bool Utf8(const char* s, rapidjson::SizeType n) {
    if (!IsValidUtf8(s, n)) bad_string_ = true;
    return !bad_string_;
  }
  bool Enter() {
    if (++depth_ > max_depth_) too_deep_ = true;
    return !too_deep_;
  }

  rapidjson::Document& doc_;
  const int max_depth_;
  int depth_ = 0;
  bool too_deep_ = false;
  bool bad_string_ = false;
  bool bad_number_ = false;
};

// What rapidjson::Document::Populate runs: the parse, remembering how it ended.
struct DepthLimitedParse {
  std::string_view text;
  int max_depth;
  rapidjson::ParseResult result;
  bool too_deep = false;
  bool bad_string = false;
  bool bad_number = false;

  bool operator()(rapidjson::Document& doc) {
    // Not kParseFullPrecisionFlag: in RapidJSON 1.1.0 its big-integer path breaks its own
    // contracts on some long numbers (found by the fuzzer). Doubles may be an ulp off instead;
    // the API has none (money and points are integers).
    constexpr unsigned kFlags =
        rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    DepthLimitedBuilder builder(doc, max_depth);
    rapidjson::MemoryStream memory(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> input(memory);
    rapidjson::Reader reader;
    result = reader.Parse<kFlags>(input, builder);
    too_deep = builder.too_deep();
    bad_string = builder.bad_string();
    bad_number = builder.bad_number();
    return !result.IsError();
  }
};

}  // namespace

Result<rapidjson::Document> Parse(std::string_view text, int max_depth) {
  rapidjson::Document doc;
  DepthLimitedParse parse{text, max_depth, {}, false, false, false};
  doc.Populate(parse);
  if (parse.too_deep) {
    return InvalidArgumentError("JSON nested deeper than " + std::to_string(max_depth) +
                                    " levels at byte " + std::to_string(parse.result.Offset()),
                                "JSON_TOO_DEEP");
  }
  if (parse.bad_number) {
    return InvalidArgumentError("malformed JSON at byte " + std::to_string(parse.result.Offset()) +
                                    ": a number is too big for a double",
                                "MALFORMED_JSON");
  }
  if (parse.bad_string) {
    return InvalidArgumentError(
        "malformed JSON at byte " + std::to_string(parse.result.Offset()) +
            ": a string escapes to an invalid code point (a lone surrogate)",
        "MALFORMED_JSON");
  }
  if (parse.result.IsError()) {
    return InvalidArgumentError(std::string("malformed JSON at byte ") +
                                    std::to_string(parse.result.Offset()) + ": " +
                                    rapidjson::GetParseError_En(parse.result.Code()),
                                "MALFORMED_JSON");
  }
  return doc;
}

}  // namespace mileage::json
