#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "common/result.h"
#include "growth/segment_filter.h"
#include "growth/segment_types.h"
#include "growth/tag_service.h"
#include "server/http/json.h"

namespace mileage::server {

// A segment filter's JSON (growth/segment_filter.h's grammar) as a node: InvalidArgument
// INVALID_FILTER for a shape the grammar has no place for (not an object, not exactly one of
// all/any/not/tag/manual, unknown members, a value neither a whole number nor a text). The
// grammar's own checks (tags, ops, bounds) are growth::ValidateFilter's. Recursion follows the
// document, whose depth json::Parse bounds.
Result<growth::FilterNode> ParseFilter(const rapidjson::Value& value);
// The same from text (a stored filter): growth::FilterParser.
Result<growth::FilterNode> ParseFilterText(std::string_view text);

// SEGMENT, SEGMENT_GRANT and MEMBER_TAGS of docs/API.md.
void WriteSegmentView(JsonWriter& w, const growth::SegmentView& view);
void WriteSegmentGrant(JsonWriter& w, const growth::SegmentGrant& grant);
void WriteMemberTags(JsonWriter& w, const growth::MemberTags& tags);

}  // namespace mileage::server
