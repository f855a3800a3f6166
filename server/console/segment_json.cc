#include "server/console/segment_json.h"

#include <rapidjson/stringbuffer.h>

#include "json/reader.h"
#include "server/console/console_json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

Status Invalid(std::string message) {
  return InvalidArgumentError(std::move(message), "INVALID_FILTER");
}

Result<growth::FilterValue> ParseValue(const rapidjson::Value& v) {
  if (v.IsInt64()) return growth::FilterValue(v.GetInt64());
  if (v.IsString()) return growth::FilterValue(std::string(v.GetString(), v.GetStringLength()));
  return Invalid("a value is a whole number or a text");
}

Result<growth::FilterNode> ParseTag(const rapidjson::Value& value) {
  MILEAGE_RETURN_IF_ERROR(CheckMembers(value, {"tag", "op", "value", "values"}, "filter"));
  growth::FilterNode node;
  node.kind = growth::FilterNode::Kind::kTag;
  const rapidjson::Value& tag = value["tag"];
  if (!tag.IsString()) return Invalid("tag is a text");
  node.tag.assign(tag.GetString(), tag.GetStringLength());
  auto op = value.FindMember("op");
  if (op == value.MemberEnd() || !op->value.IsString()) return Invalid("a tag clause needs op");
  node.op.assign(op->value.GetString(), op->value.GetStringLength());
  auto one = value.FindMember("value");
  auto many = value.FindMember("values");
  if ((one == value.MemberEnd()) == (many == value.MemberEnd())) {
    return Invalid("a tag clause has value or values");
  }
  if (one != value.MemberEnd()) {
    if (node.op == "in" || node.op == "not_in") return Invalid("in and not_in take values");
    MILEAGE_ASSIGN_OR_RETURN(growth::FilterValue v, ParseValue(one->value));
    node.values.push_back(std::move(v));
    return node;
  }
  if (!many->value.IsArray()) return Invalid("values is an array");
  if (node.op != "in" && node.op != "not_in" && !node.op.empty()) {
    // Keep the op: an unknown op answers INVALID_OP from the grammar; a known single-value op
    // with a list is a shape error.
    static constexpr std::string_view kSingle[] = {"eq", "ne", "gt", "gte", "lt", "lte"};
    for (std::string_view s : kSingle) {
      if (node.op == s) return Invalid("op " + node.op + " takes value");
    }
  }
  if (many->value.Size() > growth::kMaxFilterValues) {
    return InvalidArgumentError("too many values", "FILTER_TOO_LARGE");
  }
  for (const auto& v : many->value.GetArray()) {
    MILEAGE_ASSIGN_OR_RETURN(growth::FilterValue parsed, ParseValue(v));
    node.values.push_back(std::move(parsed));
  }
  return node;
}

}  // namespace

Result<growth::FilterNode> ParseFilter(const rapidjson::Value& value) {
  if (!value.IsObject()) return Invalid("a filter clause is an object");
  if (value.HasMember("tag")) return ParseTag(value);
  if (value.MemberCount() != 1) {
    return Invalid("a clause is one of all, any, not, tag and manual");
  }
  const auto& member = *value.MemberBegin();
  const std::string_view key(member.name.GetString(), member.name.GetStringLength());
  growth::FilterNode node;
  if (key == "manual") {
    if (!member.value.IsString()) return Invalid("manual names a tag");
    node.kind = growth::FilterNode::Kind::kManual;
    node.tag.assign(member.value.GetString(), member.value.GetStringLength());
    return node;
  }
  if (key == "not") {
    node.kind = growth::FilterNode::Kind::kNot;
    MILEAGE_ASSIGN_OR_RETURN(growth::FilterNode child, ParseFilter(member.value));
    node.children.push_back(std::move(child));
    return node;
  }
  if (key != "all" && key != "any") {
    return Invalid("a clause is one of all, any, not, tag and manual");
  }
  node.kind = key == "all" ? growth::FilterNode::Kind::kAll : growth::FilterNode::Kind::kAny;
  if (!member.value.IsArray()) return Invalid(std::string(key) + " takes an array");
  // More clauses than the grammar allows are refused before they are read.
  if (member.value.Size() > static_cast<rapidjson::SizeType>(growth::kMaxFilterClauses)) {
    return InvalidArgumentError("too many clauses", "FILTER_TOO_LARGE");
  }
  for (const auto& child : member.value.GetArray()) {
    MILEAGE_ASSIGN_OR_RETURN(growth::FilterNode parsed, ParseFilter(child));
    node.children.push_back(std::move(parsed));
  }
  return node;
}

Result<growth::FilterNode> ParseFilterText(std::string_view text) {
  Result<rapidjson::Document> doc = json::Parse(text);
  if (!doc.ok()) return Invalid("the stored filter does not read");
  return ParseFilter(*doc);
}

void WriteSegmentView(JsonWriter& w, const growth::SegmentView& view) {
  const growth::Segment& s = view.segment;
  w.StartObject();
  WriteInt(w, "id", s.id);
  WriteInt(w, "brand_id", s.brand_id);
  WriteText(w, "name", s.name);
  w.Key("filter");
  // The stored text is our own canonical JSON (growth::FilterJson).
  w.RawValue(s.filter_json.data(), s.filter_json.size(), rapidjson::kObjectType);
  WriteOptionalInt(w, "count", view.count);
  WriteOptionalInt(w, "latest_size", view.latest_size);
  if (view.latest_size.has_value()) {
    WriteInt(w, "latest_day", view.latest_day);
  } else {
    w.Key("latest_day");
    w.Null();
  }
  WriteOptionalInt(w, "created_by", s.created_by);
  WriteTime(w, "created_at", s.created_at);
  WriteTime(w, "updated_at", s.updated_at);
  w.EndObject();
}

void WriteSegmentGrant(JsonWriter& w, const growth::SegmentGrant& g) {
  w.StartObject();
  WriteInt(w, "id", g.id);
  WriteInt(w, "brand_id", g.brand_id);
  WriteInt(w, "segment_id", g.segment_id);
  WriteInt(w, "stock_id", g.stock_id);
  WriteText(w, "request_id", g.request_id);
  WriteText(w, "state", g.state);
  WriteInt(w, "total", g.total);
  WriteInt(w, "granted", g.granted);
  WriteInt(w, "skipped", g.skipped);
  WriteText(w, "detail", g.detail);
  WriteOptionalInt(w, "created_by", g.created_by);
  WriteTime(w, "created_at", g.created_at);
  WriteTime(w, "updated_at", g.updated_at);
  WriteOptionalTime(w, "finished_at", g.finished_at.value_or(0));
  w.EndObject();
}

void WriteMemberTags(JsonWriter& w, const growth::MemberTags& tags) {
  w.StartObject();
  WriteInt(w, "member_id", tags.member_id);
  w.Key("rfm");
  if (tags.rfm.has_value()) {
    const growth::MemberRfm& r = *tags.rfm;
    w.StartObject();
    WriteOptionalInt(w, "recency_days", r.recency_days);
    WriteInt(w, "visits_12m", r.visits_12m);
    WriteInt(w, "spend_12m_fen", r.spend_12m_fen);
    WriteInt(w, "r", r.r);
    WriteInt(w, "f", r.f);
    WriteInt(w, "m", r.m);
    WriteTime(w, "computed_at", r.computed_at);
    w.EndObject();
  } else {
    w.Null();
  }
  WriteArray(w, "system", tags.system, [&w](const growth::SystemTag& t) {
    w.StartObject();
    WriteText(w, "key", t.key);
    WriteText(w, "value", t.value);
    w.EndObject();
  });
  WriteArray(w, "manual", tags.manual, [&w](const growth::ManualTag& t) {
    w.StartObject();
    WriteText(w, "name", t.name);
    WriteOptionalInt(w, "created_by", t.created_by);
    WriteTime(w, "created_at", t.created_at);
    w.EndObject();
  });
  w.EndObject();
}

}  // namespace mileage::server
