#include "server/console/coupon_requests.h"

#include <string_view>

#include "server/console/console_json.h"

namespace mileage::server {
namespace {

Status InvalidField(std::string_view field, std::string_view what) {
  return InvalidArgumentError("field \"" + std::string(field) + "\" must be " + std::string(what),
                              "INVALID_FIELD");
}

// The integer members of a create body that are optional, with the NewStock field each one
// sets (absent: the field's default).
struct IntField {
  const char* name;
  int64_t coupons::NewStock::*field;
};
constexpr IntField kOptionalStockInts[] = {
    {"value_fen", &coupons::NewStock::value_fen},
    {"threshold_fen", &coupons::NewStock::threshold_fen},
    {"percent_off", &coupons::NewStock::percent_off},
    {"max_discount_fen", &coupons::NewStock::max_discount_fen},
    {"valid_days", &coupons::NewStock::valid_days},
    {"per_member_limit", &coupons::NewStock::per_member_limit},
    {"daily_quantity", &coupons::NewStock::daily_quantity},
    {"budget_fen", &coupons::NewStock::budget_fen},
    {"reward_min_amount_fen", &coupons::NewStock::reward_min_amount_fen},
};

// The array member `field`, or nullptr when it is absent or null; INVALID_FIELD when it is
// something else.
Result<const rapidjson::Value*> OptionalArray(const rapidjson::Value& body, const char* field) {
  auto it = body.FindMember(field);
  if (it == body.MemberEnd() || it->value.IsNull()) return nullptr;
  if (!it->value.IsArray()) return InvalidField(field, "an array");
  return &it->value;
}

// "store_ids":[id...], nullopt when absent. The ids' range is the service's.
Result<std::optional<std::vector<int64_t>>> StoreIds(const rapidjson::Value& body) {
  MILEAGE_ASSIGN_OR_RETURN(const rapidjson::Value* array, OptionalArray(body, "store_ids"));
  if (array == nullptr) return std::optional<std::vector<int64_t>>();
  std::vector<int64_t> ids;
  for (const rapidjson::Value& id : array->GetArray()) {
    if (!id.IsInt64()) return InvalidField("store_ids", "an array of store ids");
    ids.push_back(id.GetInt64());
  }
  return std::optional<std::vector<int64_t>>(std::move(ids));
}

// "channels":["claim"|"payment"|"grant"...], required.
Result<std::set<coupons::Channel>> Channels(const rapidjson::Value& body) {
  MILEAGE_ASSIGN_OR_RETURN(const rapidjson::Value* array, OptionalArray(body, "channels"));
  if (array == nullptr) {
    return InvalidArgumentError("field \"channels\" is required", "MISSING_FIELD");
  }
  std::set<coupons::Channel> channels;
  for (const rapidjson::Value& name : array->GetArray()) {
    std::optional<coupons::Channel> channel;
    if (name.IsString()) {
      channel = coupons::ParseChannel(std::string_view(name.GetString(), name.GetStringLength()));
    }
    if (!channel.has_value()) {
      return InvalidField("channels", "an array of \"claim\", \"payment\", \"grant\"");
    }
    channels.insert(*channel);
  }
  return channels;
}

// "node":{"type","id"}: where the stock is created.
Status ParseNode(const rapidjson::Value& body, coupons::NewStock& stock) {
  auto node = body.FindMember("node");
  if (node == body.MemberEnd() || node->value.IsNull()) {
    return InvalidArgumentError("field \"node\" is required", "MISSING_FIELD");
  }
  if (!node->value.IsObject()) return InvalidField("node", "{\"type\":...,\"id\":...}");
  MILEAGE_RETURN_IF_ERROR(CheckMembers(node->value, {"type", "id"}, "node"));
  auto type = node->value.FindMember("type");
  std::optional<org::NodeType> parsed;
  if (type != node->value.MemberEnd() && type->value.IsString()) {
    parsed = org::ParseNodeType(
        std::string_view(type->value.GetString(), type->value.GetStringLength()));
  }
  if (!parsed.has_value()) return InvalidField("node.type", "brand, region, dealer or store");
  stock.node_type = *parsed;
  auto id = node->value.FindMember("id");
  if (id == node->value.MemberEnd() || !id->value.IsInt64() || id->value.GetInt64() <= 0) {
    return InvalidArgumentError("field \"node.id\" must be a positive integer id", "INVALID_ID");
  }
  stock.node_id = id->value.GetInt64();
  return Status::Ok();
}

// The texts, type, times and flags of a create body.
Status ParseStockTerms(const rapidjson::Value& body, coupons::NewStock& stock) {
  MILEAGE_ASSIGN_OR_RETURN(stock.name, RequiredString(body, "name"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(body, "description"));
  stock.description = text.value_or("");
  MILEAGE_ASSIGN_OR_RETURN(std::string type, RequiredString(body, "type"));
  std::optional<coupons::StockType> parsed = coupons::ParseStockType(type);
  if (!parsed.has_value()) return InvalidField("type", "cash, discount or exchange");
  stock.type = *parsed;
  MILEAGE_ASSIGN_OR_RETURN(text, OptionalString(body, "item"));
  stock.item = text.value_or("");
  MILEAGE_ASSIGN_OR_RETURN(text, OptionalString(body, "min_tier"));
  stock.min_tier = text.value_or("");
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> time, OptionalTime(body, "valid_from"));
  stock.valid_from = time.value_or(0);
  MILEAGE_ASSIGN_OR_RETURN(time, OptionalTime(body, "valid_until"));
  stock.valid_until = time.value_or(0);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<bool> first,
                           OptionalBool(body, "reward_first_payment_only"));
  stock.reward_first_payment_only = first.value_or(false);
  return Status::Ok();
}

// The text of query parameter `name` parsed by `parse`, nullopt when absent; INVALID_FIELD
// `what` when `parse` answers nullopt.
template <typename Parse>
auto QueryEnum(const httplib::Request& req, const char* name, Parse parse, std::string_view what)
    -> Result<decltype(parse(std::string_view()))> {
  using Value = decltype(parse(std::string_view()));
  if (!req.has_param(name)) return Value();
  Value value = parse(req.get_param_value(name));
  if (!value.has_value()) {
    return InvalidArgumentError(std::string(name) + " must be " + std::string(what),
                                "INVALID_FIELD");
  }
  return value;
}

}  // namespace

Result<coupons::NewStock> ParseNewStock(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"node",
                                                                     "name",
                                                                     "description",
                                                                     "type",
                                                                     "value_fen",
                                                                     "threshold_fen",
                                                                     "percent_off",
                                                                     "max_discount_fen",
                                                                     "item",
                                                                     "valid_from",
                                                                     "valid_until",
                                                                     "valid_days",
                                                                     "total_quantity",
                                                                     "per_member_limit",
                                                                     "daily_quantity",
                                                                     "budget_fen",
                                                                     "min_tier",
                                                                     "channels",
                                                                     "reward_min_amount_fen",
                                                                     "reward_first_payment_only",
                                                                     "store_ids"}));
  coupons::NewStock stock;
  MILEAGE_RETURN_IF_ERROR(ParseNode(body, stock));
  MILEAGE_RETURN_IF_ERROR(ParseStockTerms(body, stock));
  MILEAGE_ASSIGN_OR_RETURN(stock.total_quantity, RequiredInt(body, "total_quantity"));
  for (const IntField& f : kOptionalStockInts) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> value, OptionalInt(body, f.name));
    if (value.has_value()) stock.*f.field = *value;
  }
  MILEAGE_ASSIGN_OR_RETURN(stock.channels, Channels(body));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::vector<int64_t>> stores, StoreIds(body));
  stock.store_ids = stores.value_or(std::vector<int64_t>());
  return stock;
}

Result<coupons::StockPatch> ParseStockPatch(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body,
                           ParseBody(req, {"name", "description", "total_quantity",
                                           "daily_quantity", "valid_until", "store_ids", "state"}));
  coupons::StockPatch patch;
  MILEAGE_ASSIGN_OR_RETURN(patch.name, OptionalString(body, "name"));
  MILEAGE_ASSIGN_OR_RETURN(patch.description, OptionalString(body, "description"));
  MILEAGE_ASSIGN_OR_RETURN(patch.total_quantity, OptionalInt(body, "total_quantity"));
  MILEAGE_ASSIGN_OR_RETURN(patch.daily_quantity, OptionalInt(body, "daily_quantity"));
  MILEAGE_ASSIGN_OR_RETURN(patch.valid_until, OptionalTime(body, "valid_until"));
  MILEAGE_ASSIGN_OR_RETURN(patch.store_ids, StoreIds(body));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> state, OptionalString(body, "state"));
  if (state.has_value()) {
    patch.state = coupons::ParseStockState(*state);
    if (!patch.state.has_value()) return InvalidField("state", "active, paused or ended");
  }
  return patch;
}

Result<coupons::StockFilter> ParseStockFilter(const httplib::Request& req) {
  coupons::StockFilter filter;
  MILEAGE_ASSIGN_OR_RETURN(filter.state, QueryEnum(req, "state", coupons::ParseStockState,
                                                   "draft, active, paused or ended"));
  MILEAGE_ASSIGN_OR_RETURN(
      filter.type, QueryEnum(req, "type", coupons::ParseStockType, "cash, discount or exchange"));
  for (org::NodeType level : {org::NodeType::kBrand, org::NodeType::kRegion, org::NodeType::kDealer,
                              org::NodeType::kStore}) {
    const std::string param = std::string(org::NodeTypeName(level)) + "_id";
    MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> id, QueryId(req, param.c_str()));
    if (!id.has_value()) continue;
    if (filter.node.has_value()) {
      return InvalidArgumentError("give at most one of brand_id, region_id, dealer_id, store_id",
                                  "INVALID_FIELD");
    }
    filter.node = coupons::NodeRef{level, *id};
  }
  return filter;
}

Result<GrantRequest> ParseGrant(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"request_id", "members"}));
  GrantRequest grant;
  MILEAGE_ASSIGN_OR_RETURN(grant.request_id, RequiredString(body, "request_id"));
  MILEAGE_ASSIGN_OR_RETURN(const rapidjson::Value* members, OptionalArray(body, "members"));
  if (members == nullptr) {
    return InvalidArgumentError("field \"members\" is required", "MISSING_FIELD");
  }
  for (const rapidjson::Value& member : members->GetArray()) {
    if (member.IsInt64()) {
      grant.targets.push_back({member.GetInt64(), ""});
    } else if (member.IsString()) {
      grant.targets.push_back(
          {std::nullopt, std::string(member.GetString(), member.GetStringLength())});
    } else {
      return InvalidField("members", "member ids (integers) or member numbers (strings)");
    }
  }
  return grant;
}

Result<coupons::RedeemRequest> ParseRedeem(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(
      rapidjson::Document body,
      ParseBody(req, {"code", "qr_token", "store_id", "order_amount_fen", "request_id"}));
  coupons::RedeemRequest request;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(body, "code"));
  request.code = text.value_or("");
  MILEAGE_ASSIGN_OR_RETURN(text, OptionalString(body, "qr_token"));
  request.qr_token = text.value_or("");
  MILEAGE_ASSIGN_OR_RETURN(request.store_id, RequiredId(body, "store_id"));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> amount, OptionalInt(body, "order_amount_fen"));
  request.order_amount_fen = amount.value_or(0);
  MILEAGE_ASSIGN_OR_RETURN(request.request_id, RequiredString(body, "request_id"));
  return request;
}

Result<std::string> ParseReverseReason(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseBody(req, {"reason"}));
  return RequiredString(body, "reason");
}

Result<std::optional<civil::Date>> QueryDay(const httplib::Request& req) {
  return QueryEnum(req, "day", civil::ParseDate, "a day YYYY-MM-DD");
}

Result<std::optional<coupons::CouponState>> QueryCouponState(const httplib::Request& req) {
  return QueryEnum(req, "state", coupons::ParseCouponState, "issued, redeemed, expired or voided");
}

}  // namespace mileage::server
