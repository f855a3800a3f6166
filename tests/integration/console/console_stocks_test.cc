// The console's stock and grant routes over HTTP (docs/API.md "Coupons (console)"): what a
// campaign manager sees and changes, who may, and that a refused request writes nothing.
#include <algorithm>
#include <set>

#include "tests/integration/console/coupon_fixture.h"

namespace mileage::testing {
namespace {

class ConsoleStocksTest : public CouponConsoleTest {};

TEST_P(ConsoleStocksTest, ADealerManagerCreatesReadsListsAndChangesAStock) {
  const std::string& token = Token("dealer_a_manager");
  const std::string a1 = std::to_string(tree_.store_a1);
  Reply created = Post("/api/console/stocks", token,
                       StockBody("dealer", tree_.dealer_a,
                                 {{"description", R"("Spring service")"},
                                  {"valid_days", ""},
                                  {"valid_from", TimeAt(0)},
                                  {"valid_until", TimeAt(86400)},
                                  {"store_ids", "[" + a1 + "]"},
                                  {"per_member_limit", "2"},
                                  {"daily_quantity", "10"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  const rapidjson::Value& s = created.json;
  const int64_t id = s["id"].GetInt64();
  EXPECT_STREQ(s["node"]["type"].GetString(), "dealer");
  EXPECT_EQ(s["node"]["id"].GetInt64(), tree_.dealer_a);
  EXPECT_EQ(s["dealer_id"].GetInt64(), tree_.dealer_a);
  EXPECT_TRUE(s["store_id"].IsNull());
  EXPECT_STREQ(s["name"].GetString(), "Oil change 5 off");
  EXPECT_STREQ(s["description"].GetString(), "Spring service");
  EXPECT_STREQ(s["type"].GetString(), "cash");
  EXPECT_EQ(s["value_fen"].GetInt64(), 500);
  EXPECT_EQ(s["threshold_fen"].GetInt64(), 3000);
  EXPECT_EQ(std::string(s["valid_from"].GetString()), civil::FormatRfc3339Utc(Now()));
  EXPECT_EQ(std::string(s["valid_until"].GetString()), civil::FormatRfc3339Utc(Now() + 86400));
  EXPECT_EQ(s["valid_days"].GetInt64(), 0);
  EXPECT_EQ(s["per_member_limit"].GetInt64(), 2);
  EXPECT_EQ(s["daily_quantity"].GetInt64(), 10);
  ASSERT_EQ(s["store_ids"].Size(), 1u);
  EXPECT_EQ(s["store_ids"][0].GetInt64(), tree_.store_a1);
  ASSERT_EQ(s["channels"].Size(), 1u);
  EXPECT_STREQ(s["channels"][0].GetString(), "grant");
  EXPECT_STREQ(s["state"].GetString(), "draft");
  EXPECT_EQ(s["created_by"].GetInt64(), tree_.staff["dealer_a_manager"]);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coupon_stocks WHERE id = " + std::to_string(id)), 1);

  Reply read = Get(StockPath(id), token);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_STREQ(read.json["state"].GetString(), "draft");
  for (const char* count : {"issued", "redeemed", "expired", "voided"}) {
    EXPECT_EQ(read.json[count].GetInt64(), 0) << count;
  }
  EXPECT_EQ(read.json["remaining"].GetInt64(), 100);

  // Rename, raise the total, move the end later, then activate.
  Reply changed = Patch(
      StockPath(id), token,
      R"({"name":"Oil change","total_quantity":150,"valid_until":)" + TimeAt(2 * 86400) + "}");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_STREQ(changed.json["name"].GetString(), "Oil change");
  EXPECT_EQ(changed.json["total_quantity"].GetInt64(), 150);
  EXPECT_EQ(changed.json["remaining"].GetInt64(), 150);
  Reply active = Patch(StockPath(id), token, R"({"state":"active"})");
  ASSERT_EQ(active.status, 200) << active.body;
  EXPECT_STREQ(active.json["state"].GetString(), "active");

  Reply again = Get(StockPath(id), token);
  EXPECT_STREQ(again.json["name"].GetString(), "Oil change");
  EXPECT_STREQ(again.json["state"].GetString(), "active");
  EXPECT_EQ(std::string(again.json["valid_until"].GetString()),
            civil::FormatRfc3339Utc(Now() + 2 * 86400));
  EXPECT_EQ(Text("SELECT state FROM coupon_stocks WHERE id = " + std::to_string(id)), "active");
  Reply list = Get("/api/console/stocks", token);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.ItemIds(), std::vector<int64_t>{id});
  EXPECT_EQ(list.json["total"].GetInt64(), 1);
  // Create and both changes are on record.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'stock.create'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'stock.update'"), 2);
}

TEST_P(ConsoleStocksTest, DiscountAndExchangeStocksKeepTheirTerms) {
  const std::string& token = Token("admin");
  Reply discount = Post("/api/console/stocks", token,
                        StockBody("brand", tree_.brand,
                                  {{"type", R"("discount")"},
                                   {"value_fen", ""},
                                   {"percent_off", "15"},
                                   {"max_discount_fen", "2000"},
                                   {"channels", R"(["claim","payment"])"},
                                   {"reward_min_amount_fen", "10000"},
                                   {"reward_first_payment_only", "true"},
                                   {"min_tier", R"("gold")"}}));
  ASSERT_EQ(discount.status, 201) << discount.body;
  EXPECT_EQ(discount.json["percent_off"].GetInt64(), 15);
  EXPECT_EQ(discount.json["max_discount_fen"].GetInt64(), 2000);
  EXPECT_EQ(discount.json["value_fen"].GetInt64(), 0);
  EXPECT_TRUE(discount.json["valid_from"].IsNull());
  EXPECT_EQ(discount.json["valid_days"].GetInt64(), 30);
  EXPECT_EQ(discount.json["channels"].Size(), 2u);
  EXPECT_EQ(discount.json["reward_min_amount_fen"].GetInt64(), 10000);
  EXPECT_TRUE(discount.json["reward_first_payment_only"].GetBool());
  EXPECT_STREQ(discount.json["min_tier"].GetString(), "gold");
  EXPECT_EQ(discount.json["store_ids"].Size(), 0u);

  Reply exchange = Post("/api/console/stocks", token,
                        StockBody("store", tree_.store_a2,
                                  {{"type", R"("exchange")"},
                                   {"value_fen", ""},
                                   {"threshold_fen", ""},
                                   {"item", R"("Car wash")"}}));
  ASSERT_EQ(exchange.status, 201) << exchange.body;
  EXPECT_STREQ(exchange.json["item"].GetString(), "Car wash");
  EXPECT_EQ(exchange.json["store_id"].GetInt64(), tree_.store_a2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coupon_stocks"), 2);
}

// Each body is refused with its code, the message names the field, and nothing is written.
TEST_P(ConsoleStocksTest, BadCreateBodiesAreRefusedNamingTheField) {
  const std::string& token = Token("admin");
  const int64_t brand = tree_.brand;
  struct Case {
    std::string body;
    std::string code;
    std::string names;
  };
  const std::vector<Case> cases = {
      {"not json", "MALFORMED_JSON", ""},
      {"[1]", "BODY_NOT_OBJECT", ""},
      {StockBody("brand", brand, {{"colour", R"("red")"}}), "UNKNOWN_FIELD", "colour"},
      {StockBody("brand", brand, {{"node", R"({"type":"brand","id":1,"x":2})"}}), "UNKNOWN_FIELD",
       "node.x"},
      {StockBody("brand", brand, {{"node", ""}}), "MISSING_FIELD", "node"},
      {StockBody("brand", brand, {{"node", R"("brand")"}}), "INVALID_FIELD", "node"},
      {StockBody("planet", brand), "INVALID_FIELD", "node.type"},
      {StockBody("brand", 0), "INVALID_ID", "node.id"},
      {StockBody("brand", brand, {{"node", R"({"type":"brand","id":"1"})"}}), "INVALID_ID",
       "node.id"},
      {StockBody("brand", brand, {{"name", ""}}), "MISSING_FIELD", "name"},
      {StockBody("brand", brand, {{"name", "42"}}), "INVALID_FIELD", "name"},
      {StockBody("brand", brand, {{"name", R"("")"}}), "INVALID_STOCK", "name"},
      {StockBody("brand", brand, {{"type", R"("voucher")"}}), "INVALID_FIELD", "type"},
      {StockBody("brand", brand, {{"total_quantity", ""}}), "MISSING_FIELD", "total_quantity"},
      {StockBody("brand", brand, {{"total_quantity", R"("100")"}}), "INVALID_FIELD",
       "total_quantity"},
      {StockBody("brand", brand, {{"total_quantity", "1.5"}}), "INVALID_FIELD", "total_quantity"},
      {StockBody("brand", brand, {{"total_quantity", "99999999999999999999"}}), "INVALID_FIELD",
       "total_quantity"},
      {StockBody("brand", brand, {{"total_quantity", "-1"}}), "INVALID_STOCK", "total_quantity"},
      {StockBody("brand", brand, {{"total_quantity", "10000001"}}), "INVALID_STOCK",
       "total_quantity"},
      {StockBody("brand", brand, {{"value_fen", "-500"}}), "INVALID_STOCK", "value_fen"},
      {StockBody("brand", brand, {{"value_fen", "10000000001"}}), "INVALID_STOCK", "value_fen"},
      {StockBody("brand", brand,
                 {{"type", R"("discount")"}, {"value_fen", ""}, {"percent_off", "0"}}),
       "INVALID_STOCK", "percent_off"},
      {StockBody("brand", brand,
                 {{"type", R"("discount")"}, {"value_fen", ""}, {"percent_off", "100"}}),
       "INVALID_STOCK", "percent_off"},
      {StockBody("brand", brand,
                 {{"valid_days", ""}, {"valid_from", TimeAt(3600)}, {"valid_until", TimeAt(60)}}),
       "INVALID_STOCK", "valid_until"},
      {StockBody(
           "brand", brand,
           {{"valid_days", ""}, {"valid_from", R"("tomorrow")"}, {"valid_until", TimeAt(60)}}),
       "INVALID_FIELD", "valid_from"},
      {StockBody("brand", brand, {{"valid_from", "1800000000"}}), "INVALID_FIELD", "valid_from"},
      {StockBody("brand", brand, {{"valid_days", "3651"}}), "INVALID_STOCK", "valid_days"},
      {StockBody("brand", brand, {{"channels", ""}}), "MISSING_FIELD", "channels"},
      {StockBody("brand", brand, {{"channels", R"(["mail"])"}}), "INVALID_FIELD", "channels"},
      {StockBody("brand", brand, {{"channels", "[]"}}), "INVALID_STOCK", "channels"},
      {StockBody("brand", brand, {{"store_ids", R"(["1"])"}}), "INVALID_FIELD", "store_ids"},
      {StockBody("brand", brand, {{"store_ids", "[-1]"}}), "INVALID_STOCK", "store"},
      {StockBody("brand", brand, {{"reward_first_payment_only", "1"}}), "INVALID_FIELD",
       "reward_first_payment_only"},
      {StockBody("brand", brand, {{"min_tier", R"("diamond")"}}), "UNKNOWN_TIER", "min_tier"},
  };
  const auto before = RowCounts();
  for (const Case& c : cases) {
    Reply reply = Post("/api/console/stocks", token, c.body);
    EXPECT_EQ(reply.status, 400) << c.body << " -> " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body << " -> " << reply.body;
    EXPECT_NE(reply.body.find(c.names), std::string::npos) << c.body << " -> " << reply.body;
  }
  EXPECT_EQ(RowCounts(), before) << "nothing written, not even an audit record";
}

TEST_P(ConsoleStocksTest, ChangesOutsideTheStateDiagramOrPastDraftAreRefused) {
  const std::string& token = Token("dealer_a_manager");
  const std::string a1 = std::to_string(tree_.store_a1);
  const int64_t id = CreateStock(token, StockBody("dealer", tree_.dealer_a));
  struct Case {
    std::string body;
    int status;
    std::string code;
  };
  auto refuse = [&](const Case& c) {
    Reply before = Get(StockPath(id), token);
    const auto rows = RowCounts();
    Reply reply = Patch(StockPath(id), token, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body << " -> " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body << " -> " << reply.body;
    EXPECT_EQ(Get(StockPath(id), token).body, before.body) << c.body;
    EXPECT_EQ(RowCounts(), rows) << c.body;
  };
  // A draft: pausing or ending it is no transition; bad values are 400.
  for (const Case& c : std::vector<Case>{
           {R"({"state":"paused"})", 409, "INVALID_STATE_TRANSITION"},
           {R"({"state":"ended"})", 409, "INVALID_STATE_TRANSITION"},
           {R"({"state":"finished"})", 400, "INVALID_FIELD"},
           {R"({"total_quantity":99})", 400, "INVALID_STOCK"},
           {R"({"total_quantity":"200"})", 400, "INVALID_FIELD"},
           {R"({"valid_until":)" + TimeAt(86400) + "}", 400, "INVALID_STOCK"},
           {R"({"name":""})", 400, "INVALID_STOCK"},
           {R"({"owner":"me"})", 400, "UNKNOWN_FIELD"},
           {"{}", 400, "INVALID_STOCK"},
       }) {
    refuse(c);
  }
  // Stores are set while a draft only.
  Reply stores = Patch(StockPath(id), token, R"({"store_ids":[)" + a1 + "]}");
  ASSERT_EQ(stores.status, 200) << stores.body;
  ASSERT_EQ(Patch(StockPath(id), token, R"({"state":"active"})").status, 200);
  refuse({R"({"store_ids":[)" + a1 + "]}", 409, "STOCK_NOT_EDITABLE"});
  // Asking for the state it is in changes nothing.
  Reply same = Patch(StockPath(id), token, R"({"state":"active"})");
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_STREQ(same.json["state"].GetString(), "active");
  // Pause, resume, end; an ended stock changes no more.
  for (const char* state : {"paused", "active", "ended"}) {
    Reply moved = Patch(StockPath(id), token, std::string(R"({"state":")") + state + "\"}");
    ASSERT_EQ(moved.status, 200) << state << ": " << moved.body;
    EXPECT_STREQ(moved.json["state"].GetString(), state);
  }
  refuse({R"({"name":"Revived"})", 409, "STOCK_NOT_EDITABLE"});
  refuse({R"({"state":"active"})", 409, "STOCK_NOT_EDITABLE"});
}

TEST_P(ConsoleStocksTest, ListsFilterByStateTypeAndNodeAndPage) {
  const std::string& admin = Token("admin");
  const int64_t brand_cash = ActiveStock(admin, StockBody("brand", tree_.brand));
  const int64_t dealer_a_draft = CreateStock(admin, StockBody("dealer", tree_.dealer_a));
  const int64_t store_a1_exchange = CreateStock(admin, StockBody("store", tree_.store_a1,
                                                                 {{"type", R"("exchange")"},
                                                                  {"value_fen", ""},
                                                                  {"threshold_fen", ""},
                                                                  {"item", R"("Wash")"}}));
  const int64_t dealer_b = CreateStock(admin, StockBody("dealer", tree_.dealer_b));
  auto ids = [&](const std::string& query) {
    Reply reply = Get("/api/console/stocks" + query, admin);
    EXPECT_EQ(reply.status, 200) << query << ": " << reply.body;
    std::vector<int64_t> found = reply.ItemIds();
    return std::set<int64_t>(found.begin(), found.end());
  };
  using Ids = std::set<int64_t>;
  EXPECT_EQ(ids(""), (Ids{brand_cash, dealer_a_draft, store_a1_exchange, dealer_b}));
  EXPECT_EQ(ids("?state=active"), (Ids{brand_cash}));
  EXPECT_EQ(ids("?type=exchange"), (Ids{store_a1_exchange}));
  EXPECT_EQ(ids("?state=draft&type=cash"), (Ids{dealer_a_draft, dealer_b}));
  EXPECT_EQ(ids("?dealer_id=" + std::to_string(tree_.dealer_a)),
            (Ids{dealer_a_draft, store_a1_exchange}));
  EXPECT_EQ(ids("?store_id=" + std::to_string(tree_.store_a1)), (Ids{store_a1_exchange}));
  Reply first = Get("/api/console/stocks?page=1&page_size=3", admin);
  Reply second = Get("/api/console/stocks?page=2&page_size=3", admin);
  EXPECT_EQ(first.ItemIds().size(), 3u);
  EXPECT_EQ(second.ItemIds().size(), 1u);
  EXPECT_EQ(first.json["total"].GetInt64(), 4);
  // What dealer A's manager lists: its own and the brand's campaign (redeemable everywhere).
  const std::vector<int64_t> dealer =
      Get("/api/console/stocks", Token("dealer_a_manager")).ItemIds();
  EXPECT_EQ(Ids(dealer.begin(), dealer.end()),
            (Ids{brand_cash, dealer_a_draft, store_a1_exchange}));
  for (const std::string query :
       {"?state=open", "?type=gift", "?dealer_id=1&store_id=2", "?page=0", "?dealer_id=x"}) {
    Reply bad = Get("/api/console/stocks" + query, admin);
    EXPECT_EQ(bad.status, 400) << query << ": " << bad.body;
  }
  EXPECT_EQ(Get("/api/console/stocks?state=open", admin).code(), "INVALID_FIELD");
  EXPECT_EQ(Get("/api/console/stocks?dealer_id=x", admin).code(), "INVALID_ID");
  EXPECT_EQ(Get("/api/console/stocks?page=0", admin).code(), "INVALID_PAGE");
}

// Dealer A's staff and dealer B's stocks: 404 exactly as for an id that does not exist, on
// every stock route; a brand campaign redeemable only at B1 is dealer B's to see, not A's.
TEST_P(ConsoleStocksTest, AnotherDealersStocksAreNotFoundLikeUnknownOnes) {
  const std::string& admin = Token("admin");
  const int64_t b_stock =
      ActiveStock(Token("dealer_b_manager"), StockBody("dealer", tree_.dealer_b));
  const int64_t brand_at_b1 = ActiveStock(
      admin,
      StockBody("brand", tree_.brand, {{"store_ids", "[" + std::to_string(tree_.store_b1) + "]"}}));
  const int64_t member_a = NewMember(tree_.store_a1);
  const int64_t unknown = 999999;
  for (const char* caller : {"dealer_a_manager", "region1_manager", "clerk_a1", "analyst_a"}) {
    const std::string& token = Token(caller);
    for (int64_t hidden : {b_stock, brand_at_b1}) {
      Reply missing = Get(StockPath(unknown), token);
      Reply reply = Get(StockPath(hidden), token);
      EXPECT_EQ(reply.status, 404) << caller << ": " << reply.body;
      EXPECT_EQ(reply.code(), "STOCK_NOT_FOUND") << caller;
      EXPECT_EQ(reply.body, missing.body.substr(0, missing.body.find("999999")) +
                                std::to_string(hidden) +
                                missing.body.substr(missing.body.find("999999") + 6))
          << "the same answer but for the id";
    }
    std::vector<int64_t> listed = Get("/api/console/stocks", token).ItemIds();
    EXPECT_EQ(std::count(listed.begin(), listed.end(), b_stock), 0) << caller;
    EXPECT_EQ(std::count(listed.begin(), listed.end(), brand_at_b1), 0) << caller;
    EXPECT_EQ(Get("/api/console/stocks?dealer_id=" + std::to_string(tree_.dealer_b), token).status,
              404)
        << caller;
  }
  const std::string& manager = Token("dealer_a_manager");
  for (int64_t hidden : {b_stock, brand_at_b1, unknown}) {
    const auto before = RowCounts();
    Reply patch = Patch(StockPath(hidden), manager, R"({"name":"Mine now"})");
    EXPECT_EQ(patch.status, 404) << patch.body;
    EXPECT_EQ(patch.code(), "STOCK_NOT_FOUND");
    Reply grant = Post(StockPath(hidden) + "/grants", manager,
                       R"({"request_id":"steal","members":[)" + std::to_string(member_a) + "]}");
    EXPECT_EQ(grant.status, 404) << grant.body;
    EXPECT_EQ(grant.code(), "STOCK_NOT_FOUND");
    auto after = RowCounts();
    after["audit_log"] -= 2;  // both refused writes are on record as denied
    EXPECT_EQ(after, before);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coupons"), 0);
  Reply unchanged = Get(StockPath(b_stock), Token("dealer_b_manager"));
  EXPECT_STREQ(unchanged.json["name"].GetString(), "Oil change 5 off");
  // Dealer B's manager sees the brand campaign that B1 takes, but does not own it.
  EXPECT_EQ(Get(StockPath(brand_at_b1), Token("dealer_b_manager")).status, 200);
  Reply not_owner = Patch(StockPath(brand_at_b1), Token("dealer_b_manager"), R"({"name":"x"})");
  EXPECT_EQ(not_owner.status, 403) << not_owner.body;
  EXPECT_EQ(not_owner.code(), "PERMISSION_DENIED");
}

TEST_P(ConsoleStocksTest, AnotherBrandsStocksAreNeverFound) {
  const org::Actor op = org::Actor::System("test");
  Result<org::Node> brand2 = org().hierarchy().CreateBrand(op, "Other brand");
  ASSERT_TRUE(brand2.ok()) << brand2.status().ToString();
  coupons::NewStock stock;
  stock.node_type = org::NodeType::kBrand;
  stock.node_id = brand2->path.id();
  stock.name = "Theirs";
  stock.value_fen = 100;
  stock.valid_days = 10;
  stock.total_quantity = 10;
  stock.channels = {coupons::Channel::kGrant};
  Result<coupons::Stock> theirs = coupons().stocks().Create(op, stock);
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  const std::string& admin = Token("admin");
  Reply read = Get(StockPath(theirs->id), admin);
  EXPECT_EQ(read.status, 404) << read.body;
  EXPECT_EQ(read.code(), "STOCK_NOT_FOUND");
  EXPECT_EQ(Get("/api/console/stocks", admin).ItemIds(), std::vector<int64_t>{});
  EXPECT_EQ(Get("/api/console/stocks?brand_id=" + std::to_string(brand2->path.id()), admin).status,
            404);
  Reply create = Post("/api/console/stocks", admin, StockBody("brand", brand2->path.id()));
  EXPECT_EQ(create.status, 404) << create.body;
  EXPECT_EQ(create.code(), "NOT_FOUND");
  Reply patch = Patch(StockPath(theirs->id), admin, R"({"state":"active"})");
  EXPECT_EQ(patch.status, 404) << patch.body;
  EXPECT_EQ(Text("SELECT state FROM coupon_stocks WHERE id = " + std::to_string(theirs->id)),
            "draft");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coupon_stocks"), 1);
}

TEST_P(ConsoleStocksTest, RolesWithoutTheActionAreRefusedAndNothingIsWritten) {
  const int64_t stock = ActiveStock(Token("admin"), StockBody("brand", tree_.brand));
  const int64_t member = NewMember(tree_.store_a1);
  struct Case {
    const char* caller;
    std::string method;
    std::string path;
    std::string body;
  };
  const std::string grant = R"({"request_id":"g1","members":[)" + std::to_string(member) + "]}";
  const std::vector<Case> cases = {
      {"clerk_a1", "POST", "/api/console/stocks", StockBody("store", tree_.store_a1)},
      {"analyst_a", "POST", "/api/console/stocks", StockBody("dealer", tree_.dealer_a)},
      {"clerk_a1", "PATCH", StockPath(stock), R"({"state":"paused"})"},
      {"analyst_brand", "PATCH", StockPath(stock), R"({"state":"paused"})"},
      {"clerk_a1", "POST", StockPath(stock) + "/grants", grant},
      {"analyst_brand", "POST", StockPath(stock) + "/grants", grant},
  };
  for (const Case& c : cases) Token(c.caller);  // log in first: a login is audited too
  for (const Case& c : cases) {
    auto before = RowCounts();
    Reply reply = Send(c.method, c.path, Token(c.caller), c.body);
    EXPECT_EQ(reply.status, 403) << c.caller << " " << c.method << " " << c.path << ": "
                                 << reply.body;
    EXPECT_EQ(reply.code(), "PERMISSION_DENIED");
    ++before["audit_log"];  // the refusal is on record
    EXPECT_EQ(RowCounts(), before) << c.caller << " " << c.method << " " << c.path;
  }
  // A dealer manager changing the brand's campaign that its stores take: visible, not owned.
  Reply dealer = Patch(StockPath(stock), Token("dealer_a_manager"), R"({"state":"paused"})");
  EXPECT_EQ(dealer.status, 403) << dealer.body;
  EXPECT_EQ(Text("SELECT state FROM coupon_stocks WHERE id = " + std::to_string(stock)), "active");
  // Everyone reads it.
  for (const char* caller : {"clerk_a1", "analyst_a", "dealer_a_manager"}) {
    EXPECT_EQ(Get(StockPath(stock), Token(caller)).status, 200) << caller;
  }
}

TEST_P(ConsoleStocksTest, GrantsIssueOncePerMemberAndRequestId) {
  const std::string& token = Token("dealer_a_manager");
  const int64_t stock =
      ActiveStock(token, StockBody("dealer", tree_.dealer_a, {{"per_member_limit", "3"}}));
  const int64_t by_id = NewMember(tree_.store_a1);
  const int64_t by_number = NewMember(tree_.store_a2);
  const int64_t at_b = NewMember(tree_.store_b1);  // dealer A's manager does not see them
  const std::string number = MemberNumber(by_number);
  ASSERT_EQ(number.size(), 12u);
  const std::string body = R"({"request_id":"spring-2026","members":[)" + std::to_string(by_id) +
                           ",\"" + number + "\"," + std::to_string(at_b) + ",999999,\"123\"]}";
  Reply first = Post(StockPath(stock) + "/grants", token, body);
  ASSERT_EQ(first.status, 200) << first.body;
  const rapidjson::Value& outcomes = first.json["outcomes"];
  ASSERT_EQ(outcomes.Size(), 5u) << first.body;
  EXPECT_STREQ(outcomes[0]["outcome"].GetString(), "issued");
  EXPECT_EQ(outcomes[0]["member"].GetInt64(), by_id);
  EXPECT_EQ(outcomes[0]["member_id"].GetInt64(), by_id);
  EXPECT_EQ(outcomes[0]["coupon"]["member_id"].GetInt64(), by_id);
  EXPECT_EQ(outcomes[0]["coupon"]["stock_id"].GetInt64(), stock);
  EXPECT_STREQ(outcomes[0]["coupon"]["state"].GetString(), "issued");
  EXPECT_STREQ(outcomes[0]["coupon"]["channel"].GetString(), "grant");
  EXPECT_EQ(std::string(outcomes[0]["coupon"]["code"].GetString()).size(), 21u);
  EXPECT_STREQ(outcomes[1]["outcome"].GetString(), "issued");
  EXPECT_EQ(outcomes[1]["member"].GetString(), number);
  EXPECT_EQ(outcomes[1]["member_id"].GetInt64(), by_number);
  EXPECT_STREQ(outcomes[2]["outcome"].GetString(), "MEMBER_NOT_FOUND");
  EXPECT_TRUE(outcomes[2]["member_id"].IsNull());
  EXPECT_TRUE(outcomes[2]["coupon"].IsNull());
  EXPECT_STREQ(outcomes[3]["outcome"].GetString(), "MEMBER_NOT_FOUND");
  EXPECT_STREQ(outcomes[4]["outcome"].GetString(), "INVALID_MEMBER_REF");
  EXPECT_EQ(first.json["issued"].GetInt64(), 2);
  EXPECT_EQ(first.json["already_granted"].GetInt64(), 0);
  EXPECT_EQ(first.json["refused"].GetInt64(), 3);
  const int64_t coupon = outcomes[0]["coupon"]["id"].GetInt64();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coupons WHERE stock_id = " + std::to_string(stock)), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coupons WHERE member_id = " + std::to_string(at_b)), 0);

  // The same request again issues nothing new and answers the same coupons.
  Reply again = Post(StockPath(stock) + "/grants", token, body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_STREQ(again.json["outcomes"][0]["outcome"].GetString(), "already_granted");
  EXPECT_EQ(again.json["outcomes"][0]["coupon"]["id"].GetInt64(), coupon);
  EXPECT_STREQ(again.json["outcomes"][1]["outcome"].GetString(), "already_granted");
  EXPECT_EQ(again.json["already_granted"].GetInt64(), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coupons WHERE stock_id = " + std::to_string(stock)), 2);
  // Another request id is another grant.
  Reply other = Post(StockPath(stock) + "/grants", token,
                     R"({"request_id":"summer-2026","members":[)" + std::to_string(by_id) + "]}");
  EXPECT_STREQ(other.json["outcomes"][0]["outcome"].GetString(), "issued") << other.body;
  Reply view = Get(StockPath(stock), token);
  EXPECT_EQ(view.json["issued"].GetInt64(), 3);
  EXPECT_EQ(view.json["remaining"].GetInt64(), 97);
  // The member's profile shows the coupons.
  Reply mine = Get("/api/console/members/" + std::to_string(by_id) + "/coupons", token);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json["total"].GetInt64(), 2);
  EXPECT_EQ(mine.json["items"][0]["stock"]["id"].GetInt64(), stock);
}

TEST_P(ConsoleStocksTest, BadGrantsAreRefusedAndIssueNothing) {
  const std::string& token = Token("dealer_a_manager");
  const int64_t stock = ActiveStock(token, StockBody("dealer", tree_.dealer_a));
  const int64_t draft = CreateStock(token, StockBody("dealer", tree_.dealer_a));
  const int64_t claim_only =
      ActiveStock(token, StockBody("dealer", tree_.dealer_a, {{"channels", R"(["claim"])"}}));
  const std::string member = std::to_string(NewMember(tree_.store_a1));
  std::string many = "[";
  for (int i = 0; i < 501; ++i) many += (i ? "," : "") + member;
  many += "]";
  struct Case {
    int64_t stock;
    std::string body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {stock, R"({"members":[)" + member + "]}", 400, "MISSING_FIELD"},
      {stock, R"({"request_id":"r1"})", 400, "MISSING_FIELD"},
      {stock, R"({"request_id":"r1","members":5})", 400, "INVALID_FIELD"},
      {stock, R"({"request_id":"r1","members":[true]})", 400, "INVALID_FIELD"},
      {stock, R"({"request_id":"r1","members":[1.5]})", 400, "INVALID_FIELD"},
      {stock, R"({"request_id":"r1","members":[)" + member + R"(],"note":"x"})", 400,
       "UNKNOWN_FIELD"},
      {stock, R"({"request_id":"r 1","members":[)" + member + "]}", 400, "INVALID_REQUEST_ID"},
      {stock, R"({"request_id":"r1","members":[]})", 400, "INVALID_GRANT"},
      {stock, R"({"request_id":"r1","members":)" + many + "}", 400, "INVALID_GRANT"},
      {draft, R"({"request_id":"r1","members":[)" + member + "]}", 409, "NOT_ACTIVE"},
      {claim_only, R"({"request_id":"r1","members":[)" + member + "]}", 409, "NOT_ELIGIBLE"},
  };
  for (const Case& c : cases) {
    const auto before = RowCounts();
    Reply reply = Post(StockPath(c.stock) + "/grants", token, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body.substr(0, 80) << " -> " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body.substr(0, 80) << " -> " << reply.body;
    EXPECT_EQ(RowCounts(), before) << c.body.substr(0, 80);
  }
  EXPECT_EQ(Post("/api/console/stocks/0/grants", token, cases.back().body).code(), "INVALID_ID");
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleStocksTest);

}  // namespace
}  // namespace mileage::testing
