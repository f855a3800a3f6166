#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "common/result.h"

// The one JSON reader of Mileage (DESIGN.md section 1): the server's request bodies, config
// files and the answers of other services, and the WeChat protocols' documents.
namespace mileage::json {

// The deepest nesting of arrays and objects read: `[[1]]` is 2 levels.
inline constexpr int kMaxDepth = 64;

// One UTF-8 JSON value and nothing after it, parsed iteratively so that no input can exhaust
// the stack, with nesting deeper than `max_depth` refused before it is built, strings whose
// escapes decode to lone surrogates refused, and numbers past a double refused (never an
// infinity). InvalidArgument MALFORMED_JSON (with the byte offset; invalid UTF-8 included) or
// JSON_TOO_DEEP.
Result<rapidjson::Document> Parse(std::string_view text, int max_depth = kMaxDepth);

}  // namespace mileage::json
