#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "db/db.h"

namespace mileage::growth {

// One value of a tag clause: a whole number or a text.
using FilterValue = std::variant<int64_t, std::string>;

// A segment's filter as written (docs/API.md "Segments"), before validation:
//   {"all": [F, ...]}   every one of the clauses      {"any": [F, ...]}  at least one
//   {"not": F}          not F
//   {"tag": KEY, "op": OP, "value": V} or {"tag": KEY, "op": "in"|"not_in", "values": [V, ...]}
//   {"manual": NAME}    staff put the manual tag NAME on the member
// The server reads JSON into this (shape errors are its INVALID_FILTER); ValidateFilter
// checks the rest.
struct FilterNode {
  enum class Kind { kAll, kAny, kNot, kTag, kManual };
  Kind kind = Kind::kAll;
  std::vector<FilterNode> children;  // all / any: the clauses; not: exactly one
  std::string tag;                   // kTag: the key; kManual: the tag name
  std::string op;                    // kTag only
  std::vector<FilterValue> values;   // kTag only: "value" as one element, or "values"
};

// The bounds of a filter: nesting of all/any/not, tag and manual clauses, values per clause.
inline constexpr int kMaxFilterDepth = 4;
inline constexpr int kMaxFilterClauses = 20;
inline constexpr size_t kMaxFilterValues = 20;

// Reads a stored filter (its canonical JSON, FilterJson) back into a node; supplied by the
// composition root, which owns the JSON reader. Errors: InvalidArgument INVALID_FILTER.
using FilterParser = std::function<Result<FilterNode>(std::string_view json)>;

// Checks a filter against the grammar: InvalidArgument FILTER_TOO_DEEP (all/any/not nested
// deeper than kMaxFilterDepth), FILTER_TOO_LARGE (more than kMaxFilterClauses tag and manual
// clauses, or more than kMaxFilterValues values in one), INVALID_FILTER (an empty all/any, a
// not without one clause, a clause without values or with "value" for in/not_in),
// UNKNOWN_TAG (a key that is not one of the tags below), INVALID_OP (an op the tag does not
// take), INVALID_VALUE (a text for a number, a number for a text, a score outside 1..5, a
// negative figure, a text over 64 bytes), INVALID_TAG_NAME (a manual name ValidateTagName
// refuses).
//
// Tags: rfm_r, rfm_f, rfm_m (scores 1..5), recency_days, visits_12m, spend_12m_fen (whole
// numbers >= 0) take eq, ne, gt, gte, lt, lte, in, not_in; tier, vehicle_age,
// partner_category, coupon_redeemer (texts) take eq, ne, in, not_in, where eq/in match a
// member who has the tag with one of the values and ne/not_in one who has none of them.
Status ValidateFilter(const FilterNode& filter);

// InvalidArgument INVALID_TAG_NAME unless `name` is 1..20 characters of UTF-8 (at most 80
// bytes) with no control character and no space at either end.
Status ValidateTagName(std::string_view name);

// The canonical JSON text of a valid filter (keys in a fixed order, no spaces).
std::string FilterJson(const FilterNode& filter);

// A valid filter as an SQL condition on member_rfm r of one brand (the brand's id is bound
// wherever a tag table is read), with its parameters appended to `params`: values are always
// bound, never written into the text.
std::string FilterSql(const FilterNode& filter, int64_t brand_id, std::vector<db::Value>& params);

}  // namespace mileage::growth
