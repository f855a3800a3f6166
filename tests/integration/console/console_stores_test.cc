// A store's details in the console (docs/API.md, "Regions, dealers, stores"): PATCH
// /api/console/stores/{id} with address, phone, hours and position, scope-checked and audited
// like a rename; every bad field refused naming it with nothing written, checked in the answer
// and in the stores table afterwards.
#include <string>
#include <vector>

#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {
namespace {

class ConsoleStoresTest : public ConsoleTest {
 protected:
  static std::string StorePath(int64_t id) { return "/api/console/stores/" + std::to_string(id); }

  // The store's row as text: name|address|phone|hours|latitude_e6|longitude_e6 (NULL as "-").
  std::string StoreRow(int64_t id) {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return "";
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT name, address, phone, hours, latitude_e6, longitude_e6 FROM stores WHERE id = ?",
        {db::Value(id)});
    EXPECT_TRUE(rows.ok() && rows->size() == 1);
    if (!rows.ok() || rows->size() != 1) return "";
    const db::Row& row = rows->front();
    const auto number = [&row](size_t i) {
      std::optional<int64_t> v = row.OptionalInt(i);
      return v.has_value() ? std::to_string(*v) : std::string("-");
    };
    return row.Text(0) + "|" + row.Text(1) + "|" + row.Text(2) + "|" + row.Text(3) + "|" +
           number(4) + "|" + number(5);
  }

  // The last audit record's action, outcome and detail.
  std::string LastAudit() {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    if (!conn.ok()) return "";
    Result<std::vector<db::Row>> rows = (*conn)->Query(
        "SELECT action, outcome, detail, object_id FROM audit_log ORDER BY id DESC LIMIT 1");
    if (!rows.ok() || rows->empty()) return "";
    const db::Row& row = rows->front();
    return row.Text(0) + " " + row.Text(1) + " " + std::to_string(row.Int(3)) + ": " + row.Text(2);
  }
};

TEST_P(ConsoleStoresTest, DetailsAreSetReadAndAudited) {
  const std::string path = StorePath(tree_.store_a1);
  EXPECT_EQ(StoreRow(tree_.store_a1), "Store A1||||-|-") << "a new store has no details";
  Reply patched = Patch(path, Token("dealer_a_manager"),
                        R"({"address":"上海市黄浦区人民大道 1 号","phone":"021-6355 1234",
                            "hours":"08:30-18:00","latitude":31.230416,"longitude":121.473701})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_STREQ(patched.json["name"].GetString(), "Store A1");
  EXPECT_STREQ(patched.json["address"].GetString(), "上海市黄浦区人民大道 1 号");
  EXPECT_STREQ(patched.json["phone"].GetString(), "021-6355 1234");
  EXPECT_STREQ(patched.json["hours"].GetString(), "08:30-18:00");
  EXPECT_DOUBLE_EQ(patched.json["latitude"].GetDouble(), 31.230416);
  EXPECT_DOUBLE_EQ(patched.json["longitude"].GetDouble(), 121.473701);
  EXPECT_EQ(StoreRow(tree_.store_a1),
            "Store A1|上海市黄浦区人民大道 1 号|021-6355 1234|08:30-18:00|31230416|121473701");
  EXPECT_EQ(LastAudit(), "store.update ok " + std::to_string(tree_.store_a1) +
                             ": address, phone, hours, position");

  // GET and the list show the same.
  Reply got = Get(path, Token("clerk_a1"));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_STREQ(got.json["address"].GetString(), "上海市黄浦区人民大道 1 号");
  EXPECT_DOUBLE_EQ(got.json["latitude"].GetDouble(), 31.230416);
  Reply listed =
      Get("/api/console/stores?dealer_id=" + std::to_string(tree_.dealer_a), Token("admin"));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find(R"("hours":"08:30-18:00")"), std::string::npos) << listed.body;

  // A partial change keeps the rest; a rename alone still works; null/null removes the position.
  Reply hours = Patch(path, Token("admin"), R"({"hours":"","name":"A1 Service"})");
  ASSERT_EQ(hours.status, 200) << hours.body;
  EXPECT_EQ(StoreRow(tree_.store_a1),
            "A1 Service|上海市黄浦区人民大道 1 号|021-6355 1234||31230416|121473701");
  EXPECT_EQ(LastAudit(), "store.update ok " + std::to_string(tree_.store_a1) +
                             ": name: Store A1 -> A1 Service, hours");
  Reply cleared = Patch(path, Token("admin"), R"({"latitude":null,"longitude":null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json["latitude"].IsNull());
  EXPECT_TRUE(cleared.json["longitude"].IsNull());
  EXPECT_EQ(StoreRow(tree_.store_a1), "A1 Service|上海市黄浦区人民大道 1 号|021-6355 1234||-|-");
  // The service flag (maintenance reminders) shows in the store's JSON and survives a PATCH.
  EXPECT_FALSE(cleared.json["service"].GetBool());
  Reply service = Send("PUT", path + "/service", Token("admin"), R"({"service":true})");
  ASSERT_EQ(service.status, 200) << service.body;
  Reply renamed = Patch(path, Token("admin"), R"({"name":"A1 Workshop"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_TRUE(renamed.json["service"].GetBool());
  EXPECT_TRUE(Get(path, Token("clerk_a1")).json["service"].GetBool());
  // Other stores are untouched.
  EXPECT_EQ(StoreRow(tree_.store_a2), "Store A2||||-|-");
  EXPECT_EQ(StoreRow(tree_.store_b1), "Store B1||||-|-");
}

TEST_P(ConsoleStoresTest, EachBadFieldIsRefusedByNameWithNothingWritten) {
  const std::string path = StorePath(tree_.store_a1);
  ASSERT_EQ(
      Patch(path, Token("admin"), R"({"address":"1 Road","latitude":31,"longitude":121})").status,
      200);
  const std::string row = StoreRow(tree_.store_a1);
  const auto counts = RowCounts();
  const std::string huge = R"({"address":")" + std::string(2 << 20, 'a') + R"("})";
  const struct {
    std::string body;
    int status;
    const char* code;
    const char* names;
  } cases[] = {
      {R"({"address":")" + std::string(256, 'x') + R"("})", 400, "INVALID_FIELD", "address"},
      {R"({"address":"line\u0001"})", 400, "INVALID_FIELD", "address"},
      {R"({"address":7})", 400, "INVALID_FIELD", "address"},
      {R"({"phone":"call me"})", 400, "INVALID_FIELD", "phone"},
      {R"({"phone":"1234"})", 400, "INVALID_FIELD", "phone"},
      {R"({"phone":"010-1234+5678"})", 400, "INVALID_FIELD", "phone"},
      {R"({"phone":")" + std::string(33, '1') + R"("})", 400, "INVALID_FIELD", "phone"},
      {R"({"hours":")" + std::string(129, 'h') + R"("})", 400, "INVALID_FIELD", "hours"},
      {R"({"hours":"08:30\n18:00"})", 400, "INVALID_FIELD", "hours"},
      {R"({"latitude":91,"longitude":121})", 400, "INVALID_FIELD", "latitude"},
      {R"({"latitude":-90.5,"longitude":121})", 400, "INVALID_FIELD", "latitude"},
      {R"({"latitude":31,"longitude":180.1})", 400, "INVALID_FIELD", "longitude"},
      {R"({"latitude":31,"longitude":-1e300})", 400, "INVALID_FIELD", "longitude"},
      {R"({"latitude":"31","longitude":121})", 400, "INVALID_FIELD", "latitude"},
      {R"({"latitude":31})", 400, "MISSING_FIELD", "longitude"},
      {R"({"longitude":121})", 400, "MISSING_FIELD", "latitude"},
      {R"({"latitude":null,"longitude":121})", 400, "MISSING_FIELD", "latitude"},
      {R"({"latitude":31,"longitude":null})", 400, "MISSING_FIELD", "longitude"},
      {R"({"name":""})", 400, "INVALID_FIELD", "name"},
      {R"({"name":"ok","address":")" + std::string(256, 'x') + R"("})", 400, "INVALID_FIELD",
       "address"},
      {R"({})", 400, "MISSING_FIELD", "name"},
      {R"({"opening":"9-5"})", 400, "UNKNOWN_FIELD", "opening"},
      {huge, 413, "PAYLOAD_TOO_LARGE", ""},
  };
  for (const auto& c : cases) {
    Reply reply = Patch(path, Token("admin"), c.body);
    EXPECT_EQ(reply.status, c.status) << c.body.substr(0, 80) << ": " << reply.body;
    EXPECT_EQ(reply.code(), c.code) << c.body.substr(0, 80) << ": " << reply.body;
    if (reply.json.IsObject() && reply.json.HasMember("message")) {
      EXPECT_NE(std::string(reply.json["message"].GetString()).find(c.names), std::string::npos)
          << c.body.substr(0, 80) << ": " << reply.body;
    }
  }
  EXPECT_EQ(StoreRow(tree_.store_a1), row);
  EXPECT_EQ(RowCounts(), counts);
  // The edges are accepted: 255 characters, a landline with its area code, the poles.
  const std::string address(255, 'x');
  Reply edges = Patch(path, Token("admin"),
                      R"({"address":")" + address +
                          R"(","phone":"+86 (0755) 8888-8888 ext 1",)"
                          R"("latitude":-90,"longitude":180})");
  EXPECT_EQ(edges.status, 400) << "ext is not a phone character: " << edges.body;
  edges = Patch(path, Token("admin"),
                R"({"address":")" + address +
                    R"(","phone":"+86 (0755) 8888-8888","latitude":-90,)"
                    R"("longitude":180})");
  ASSERT_EQ(edges.status, 200) << edges.body;
  EXPECT_EQ(StoreRow(tree_.store_a1),
            "Store A1|" + address + "|+86 (0755) 8888-8888||-90000000|180000000");
}

TEST_P(ConsoleStoresTest, TheEditIsScopeChecked) {
  const std::string body = R"({"address":"mine now","latitude":1,"longitude":2})";
  const std::string row_a1 = StoreRow(tree_.store_a1);
  const std::string row_b1 = StoreRow(tree_.store_b1);
  // Log in first: logins are audited too.
  for (const char* who :
       {"dealer_b_manager", "region1_manager", "admin", "clerk_a1", "analyst_brand"}) {
    Token(who);
  }
  const int64_t audit = AuditRows();
  // Another dealer's store is 404 like one that does not exist; a clerk's role may not write.
  Reply other = Patch(StorePath(tree_.store_a1), Token("dealer_b_manager"), body);
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(other.code(), "NOT_FOUND");
  Reply region = Patch(StorePath(tree_.store_b1), Token("region1_manager"), body);
  EXPECT_EQ(region.status, 404) << region.body;
  Reply missing = Patch(StorePath(999999), Token("admin"), body);
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(other.json["message"].GetString(),
            "store " + std::to_string(tree_.store_a1) + " not found");
  Reply clerk = Patch(StorePath(tree_.store_a1), Token("clerk_a1"), body);
  EXPECT_EQ(clerk.status, 403) << clerk.body;
  EXPECT_EQ(clerk.code(), "PERMISSION_DENIED");
  Reply analyst = Patch(StorePath(tree_.store_a1), Token("analyst_brand"), body);
  EXPECT_EQ(analyst.status, 403) << analyst.body;
  EXPECT_EQ(StoreRow(tree_.store_a1), row_a1);
  EXPECT_EQ(StoreRow(tree_.store_b1), row_b1);
  // Each refusal is recorded as denied (the 404s as well, worded like a missing store); nothing
  // else is written.
  EXPECT_EQ(AuditRows(), audit + 5);
  EXPECT_NE(LastAudit().find("denied"), std::string::npos) << LastAudit();

  // The dealer's own store and the region's own store are theirs to edit.
  EXPECT_EQ(Patch(StorePath(tree_.store_b1), Token("dealer_b_manager"), body).status, 200);
  EXPECT_EQ(Patch(StorePath(tree_.store_a2), Token("region1_manager"), body).status, 200);
  EXPECT_EQ(StoreRow(tree_.store_b1), "Store B1|mine now|||1000000|2000000");
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleStoresTest);

}  // namespace
}  // namespace mileage::testing
