// libFuzzer target: the console's request parsers (server/console/console_json.h): path ids,
// query ids and pages, and JSON bodies restricted to known members, as the routes use them;
// and the coupon routes' parsers (server/console/coupon_requests.h) over the same request.
// The input is "query string\npath segment\nbody".
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>

#include "common/percent_decode.h"
#include "server/console/console_json.h"
#include "server/console/coupon_requests.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using mileage::fuzz::Check;

std::string_view NextLine(std::string_view& input) {
  size_t nl = input.find('\n');
  std::string_view line = input.substr(0, nl);
  input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  return line;
}

// "a=1&b=%32" into the request's parameters, decoded as httplib decodes them (bad escapes are
// kept as written).
void AddParams(std::string_view query, httplib::Request& req) {
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    req.params.emplace(mileage::PercentDecode(key).value_or(std::string(key)),
                       mileage::PercentDecode(value).value_or(std::string(value)));
  }
}

void CheckIds(const httplib::Request& req) {
  mileage::Result<int64_t> path_id = mileage::server::PathId(req, 1);
  if (path_id.ok()) {
    Check(*path_id > 0, "a path id is positive");
  } else {
    Check(path_id.status().reason() == "INVALID_ID", "a bad path id is INVALID_ID");
  }
  for (const char* name : {"region_id", "dealer_id", "store_id"}) {
    mileage::Result<std::optional<int64_t>> id = mileage::server::QueryId(req, name);
    if (id.ok()) {
      Check(!id->has_value() || **id > 0, "a query id is positive");
    } else {
      Check(id.status().reason() == "INVALID_ID", "a bad query id is INVALID_ID");
    }
  }
  mileage::Result<mileage::PageRequest> page = mileage::server::PageParams(req);
  if (page.ok()) {
    Check(page->page >= 1 && page->page_size >= 1 && page->page_size <= 200, "page in range");
  } else {
    Check(page.status().reason() == "INVALID_PAGE", "a bad page is INVALID_PAGE");
  }
}

void CheckBody(const httplib::Request& req) {
  mileage::Result<rapidjson::Document> body =
      mileage::server::ParseBody(req, {"name", "region_id", "scope"});
  if (!body.ok()) {
    const std::string_view reason = body.status().reason();
    Check(reason == "MALFORMED_JSON" || reason == "JSON_TOO_DEEP" || reason == "BODY_NOT_OBJECT" ||
              reason == "UNKNOWN_FIELD",
          "a refused body has its code");
    return;
  }
  const rapidjson::Value& object = *body;  // const iterators: clang finds the others ambiguous
  for (const auto& member : object.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    Check(name == "name" || name == "region_id" || name == "scope", "only allowed members");
  }
  (void)mileage::server::RequiredString(object, "name");
  mileage::Result<int64_t> region = mileage::server::RequiredId(object, "region_id");
  if (region.ok()) Check(*region > 0, "a body id is positive");
  auto scope = object.FindMember("scope");
  if (scope != object.MemberEnd()) {
    // As the staff route reads it, and also without its IsObject check.
    (void)mileage::server::RequiredString(scope->value, "type");
    mileage::Result<int64_t> id = mileage::server::RequiredId(scope->value, "id");
    if (id.ok()) Check(*id > 0, "a scope id is positive");
  }
}

// A refused request names one of the shape codes the coupon parsers document.
void CheckRefusal(const mileage::Status& status, const char* what) {
  const std::string_view reason = status.reason();
  Check(reason == "MALFORMED_JSON" || reason == "JSON_TOO_DEEP" || reason == "BODY_NOT_OBJECT" ||
            reason == "UNKNOWN_FIELD" || reason == "MISSING_FIELD" || reason == "INVALID_FIELD" ||
            reason == "INVALID_ID",
        what);
}

void CheckCouponBodies(const httplib::Request& req) {
  mileage::Result<mileage::coupons::NewStock> stock = mileage::server::ParseNewStock(req);
  if (stock.ok()) {
    Check(stock->node_id > 0, "a stock's node id is positive");
    Check(!stock->channels.empty() || req.body.find("channels") != std::string::npos,
          "channels were given");
  } else {
    CheckRefusal(stock.status(), "a refused stock has a shape code");
  }
  mileage::Result<mileage::coupons::StockPatch> patch = mileage::server::ParseStockPatch(req);
  if (!patch.ok()) CheckRefusal(patch.status(), "a refused patch has a shape code");
  mileage::Result<mileage::server::GrantRequest> grant = mileage::server::ParseGrant(req);
  if (!grant.ok()) CheckRefusal(grant.status(), "a refused grant has a shape code");
  mileage::Result<mileage::coupons::RedeemRequest> redeem = mileage::server::ParseRedeem(req);
  if (redeem.ok()) {
    Check(redeem->store_id > 0, "a redemption's store id is positive");
  } else {
    CheckRefusal(redeem.status(), "a refused redemption has a shape code");
  }
  mileage::Result<std::string> reason = mileage::server::ParseReverseReason(req);
  if (!reason.ok()) CheckRefusal(reason.status(), "a refused reversal has a shape code");
}

void CheckCouponQueries(const httplib::Request& req) {
  mileage::Result<mileage::coupons::StockFilter> filter = mileage::server::ParseStockFilter(req);
  if (filter.ok()) {
    Check(!filter->node.has_value() || filter->node->id > 0, "a filter node id is positive");
  } else {
    CheckRefusal(filter.status(), "a refused filter has a shape code");
  }
  mileage::Result<std::optional<mileage::civil::Date>> day = mileage::server::QueryDay(req);
  if (!day.ok()) CheckRefusal(day.status(), "a refused day is INVALID_FIELD");
  auto state = mileage::server::QueryCouponState(req);
  if (!state.ok()) CheckRefusal(state.status(), "a refused state is INVALID_FIELD");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::regex kRoute("/api/console/stores/([^/]+)");
  std::string_view input(reinterpret_cast<const char*>(data), size);
  httplib::Request req;
  AddParams(NextLine(input), req);
  req.path = "/api/console/stores/" + std::string(NextLine(input));
  std::regex_match(req.path, req.matches, kRoute);
  req.body = std::string(input);
  CheckIds(req);
  CheckBody(req);
  CheckCouponBodies(req);
  CheckCouponQueries(req);
  return 0;
}
