#include "growth/segment_filter.h"

#include <array>

namespace mileage::growth {
namespace {

constexpr size_t kMaxTextValue = 64;

enum class TagType { kScore, kFigure, kText };

struct TagDef {
  std::string_view key;
  TagType type;
  std::string_view column;  // member_rfm's column for numbers; "" for texts (member_tags)
};

constexpr std::array<TagDef, 10> kTags = {{
    {"rfm_r", TagType::kScore, "r.r_score"},
    {"rfm_f", TagType::kScore, "r.f_score"},
    {"rfm_m", TagType::kScore, "r.m_score"},
    {"recency_days", TagType::kFigure, "r.recency_days"},
    {"visits_12m", TagType::kFigure, "r.visits_12m"},
    {"spend_12m_fen", TagType::kFigure, "r.spend_12m_fen"},
    {"tier", TagType::kText, ""},
    {"vehicle_age", TagType::kText, ""},
    {"partner_category", TagType::kText, ""},
    {"coupon_redeemer", TagType::kText, ""},
}};

const TagDef* FindTag(std::string_view key) {
  for (const TagDef& def : kTags) {
    if (def.key == key) return &def;
  }
  return nullptr;
}

// The SQL comparison of a single-value numeric op; "" for others.
std::string_view Comparison(std::string_view op) {
  if (op == "eq") return "=";
  if (op == "ne") return "<>";
  if (op == "gt") return ">";
  if (op == "gte") return ">=";
  if (op == "lt") return "<";
  if (op == "lte") return "<=";
  return "";
}

bool IsListOp(std::string_view op) { return op == "in" || op == "not_in"; }

Status Invalid(std::string message) {
  return InvalidArgumentError(std::move(message), "INVALID_FILTER");
}

Status CheckValue(const TagDef& def, const FilterValue& value) {
  if (def.type == TagType::kText) {
    const std::string* text = std::get_if<std::string>(&value);
    if (text == nullptr || text->empty() || text->size() > kMaxTextValue) {
      return InvalidArgumentError("tag " + std::string(def.key) + " takes texts of 1.." +
                                      std::to_string(kMaxTextValue) + " bytes",
                                  "INVALID_VALUE");
    }
    return Status::Ok();
  }
  const int64_t* number = std::get_if<int64_t>(&value);
  const int64_t low = 0;
  const int64_t high = def.type == TagType::kScore ? 5 : INT64_MAX;
  if (number == nullptr || *number < (def.type == TagType::kScore ? 1 : low) || *number > high) {
    return InvalidArgumentError(
        "tag " + std::string(def.key) +
            (def.type == TagType::kScore ? " takes scores 1..5" : " takes whole numbers >= 0"),
        "INVALID_VALUE");
  }
  return Status::Ok();
}

Status CheckTag(const FilterNode& node) {
  const TagDef* def = FindTag(node.tag);
  if (def == nullptr) {
    return InvalidArgumentError("unknown tag \"" + node.tag.substr(0, 64) + "\"", "UNKNOWN_TAG");
  }
  const bool list = IsListOp(node.op);
  const bool single = Comparison(node.op) != "";
  if (!list && !single) return InvalidArgumentError("unknown op", "INVALID_OP");
  if (def->type == TagType::kText && single && node.op != "eq" && node.op != "ne") {
    return InvalidArgumentError("tag " + node.tag + " takes eq, ne, in and not_in", "INVALID_OP");
  }
  if (node.values.empty()) return Invalid("a tag clause needs a value");
  if (!list && node.values.size() != 1) return Invalid("op " + node.op + " takes one value");
  if (node.values.size() > kMaxFilterValues) {
    return InvalidArgumentError("at most " + std::to_string(kMaxFilterValues) + " values",
                                "FILTER_TOO_LARGE");
  }
  for (const FilterValue& v : node.values) MILEAGE_RETURN_IF_ERROR(CheckValue(*def, v));
  return Status::Ok();
}

Status Check(const FilterNode& node, int depth, int& clauses) {
  switch (node.kind) {
    case FilterNode::Kind::kAll:
    case FilterNode::Kind::kAny:
    case FilterNode::Kind::kNot:
      if (depth >= kMaxFilterDepth) {
        return InvalidArgumentError(
            "all, any and not nest at most " + std::to_string(kMaxFilterDepth) + " deep",
            "FILTER_TOO_DEEP");
      }
      if (node.children.empty()) return Invalid("all and any need at least one clause");
      if (node.kind == FilterNode::Kind::kNot && node.children.size() != 1) {
        return Invalid("not takes one clause");
      }
      for (const FilterNode& child : node.children) {
        MILEAGE_RETURN_IF_ERROR(Check(child, depth + 1, clauses));
      }
      return Status::Ok();
    case FilterNode::Kind::kTag:
    case FilterNode::Kind::kManual:
      if (++clauses > kMaxFilterClauses) {
        return InvalidArgumentError("at most " + std::to_string(kMaxFilterClauses) + " clauses",
                                    "FILTER_TOO_LARGE");
      }
      if (node.kind == FilterNode::Kind::kManual) return ValidateTagName(node.tag);
      return CheckTag(node);
  }
  return Invalid("unknown clause");
}

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void AppendJsonValue(std::string& out, const FilterValue& v) {
  if (const int64_t* n = std::get_if<int64_t>(&v)) {
    out += std::to_string(*n);
  } else {
    AppendJsonString(out, std::get<std::string>(v));
  }
}

void AppendJson(std::string& out, const FilterNode& node) {
  switch (node.kind) {
    case FilterNode::Kind::kAll:
    case FilterNode::Kind::kAny: {
      out += node.kind == FilterNode::Kind::kAll ? "{\"all\":[" : "{\"any\":[";
      for (size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) out += ',';
        AppendJson(out, node.children[i]);
      }
      out += "]}";
      return;
    }
    case FilterNode::Kind::kNot:
      out += "{\"not\":";
      AppendJson(out, node.children.front());
      out += '}';
      return;
    case FilterNode::Kind::kManual:
      out += "{\"manual\":";
      AppendJsonString(out, node.tag);
      out += '}';
      return;
    case FilterNode::Kind::kTag:
      out += "{\"tag\":";
      AppendJsonString(out, node.tag);
      out += ",\"op\":";
      AppendJsonString(out, node.op);
      if (IsListOp(node.op)) {
        out += ",\"values\":[";
        for (size_t i = 0; i < node.values.size(); ++i) {
          if (i > 0) out += ',';
          AppendJsonValue(out, node.values[i]);
        }
        out += "]}";
      } else {
        out += ",\"value\":";
        AppendJsonValue(out, node.values.front());
        out += '}';
      }
      return;
  }
}

db::Value Bound(const FilterValue& v) {
  if (const int64_t* n = std::get_if<int64_t>(&v)) return db::Value(*n);
  return db::Value(std::get<std::string>(v));
}

// "(?, ?, ...)" for the node's values, bound into `params`.
std::string ValueList(const FilterNode& node, std::vector<db::Value>& params) {
  std::string sql = "(";
  for (size_t i = 0; i < node.values.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.push_back(Bound(node.values[i]));
  }
  return sql + ")";
}

std::string TagSql(const FilterNode& node, int64_t brand_id, std::vector<db::Value>& params) {
  const TagDef& def = *FindTag(node.tag);
  if (def.type != TagType::kText) {
    if (IsListOp(node.op)) {
      return std::string(def.column) + (node.op == "in" ? " IN " : " NOT IN ") +
             ValueList(node, params);
    }
    params.push_back(Bound(node.values.front()));
    return std::string(def.column) + " " + std::string(Comparison(node.op)) + " ?";
  }
  const bool negated = node.op == "ne" || node.op == "not_in";
  params.push_back(db::Value(brand_id));
  params.push_back(db::Value(node.tag));
  return std::string(negated ? "NOT EXISTS" : "EXISTS") +
         " (SELECT 1 FROM member_tags t WHERE t.brand_id = ? AND t.tag_key = ? AND "
         "t.tag_value IN " +
         ValueList(node, params) + " AND t.member_id = r.member_id)";
}

}  // namespace

Status ValidateTagName(std::string_view name) {
  size_t chars = 0;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) chars = 1000;
    if ((c & 0xC0) != 0x80) ++chars;
  }
  if (name.empty() || name.size() > 80 || chars > 20 || name.front() == ' ' || name.back() == ' ') {
    return InvalidArgumentError(
        "a tag name is 1..20 characters, no control characters, no space at either end",
        "INVALID_TAG_NAME");
  }
  return Status::Ok();
}

Status ValidateFilter(const FilterNode& filter) {
  int clauses = 0;
  return Check(filter, 0, clauses);
}

std::string FilterJson(const FilterNode& filter) {
  std::string out;
  AppendJson(out, filter);
  return out;
}

std::string FilterSql(const FilterNode& node, int64_t brand_id, std::vector<db::Value>& params) {
  switch (node.kind) {
    case FilterNode::Kind::kAll:
    case FilterNode::Kind::kAny: {
      std::string sql = "(";
      for (size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) sql += node.kind == FilterNode::Kind::kAll ? " AND " : " OR ";
        sql += FilterSql(node.children[i], brand_id, params);
      }
      return sql + ")";
    }
    case FilterNode::Kind::kNot:
      return "NOT (" + FilterSql(node.children.front(), brand_id, params) + ")";
    case FilterNode::Kind::kManual:
      params.push_back(db::Value(brand_id));
      params.push_back(db::Value(node.tag));
      return "EXISTS (SELECT 1 FROM member_manual_tags g WHERE g.brand_id = ? AND g.name = ? "
             "AND g.member_id = r.member_id)";
    case FilterNode::Kind::kTag:
      return TagSql(node, brand_id, params);
  }
  return "1 = 0";
}

}  // namespace mileage::growth
