#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "common/civil_time.h"
#include "common/testing/fake_random.h"
#include "coupons/coupons_module.h"
#include "db/db.h"
#include "members/member_store.h"
#include "tests/integration/console/console_fixture.h"

namespace mileage::testing {

// The console's coupon routes over HTTP: the console fixture plus helpers that make stocks
// and coupons through the routes themselves, members enrolled at a store (so the staff of its
// subtree see them), and plain SQL counts for the state after a request.
class CouponConsoleTest : public ConsoleTest {
 protected:
  // Members of a JSON object, name -> raw JSON value.
  using Fields = std::map<std::string, std::string>;

  // A coupon as a grant answered it.
  struct Granted {
    int64_t id = 0;
    std::string code;  // XXXX-XXXX-XXXX-XXXX-C
  };

  int64_t Now() const { return UnixSeconds(clock_.Now()); }
  // RFC 3339 of now + `offset_s`.
  std::string TimeAt(int64_t offset_s) const {
    return "\"" + civil::FormatRfc3339Utc(Now() + offset_s) + "\"";
  }

  // {"node":{"type","id"},...}: a cash stock (500 off 3000, 30 days, 100 coupons, grant channel)
  // with `changes` applied (an empty value drops the member).
  static std::string StockBody(const std::string& node_type, int64_t node_id,
                               const Fields& changes = {}) {
    Fields fields = {
        {"node", R"({"type":")" + node_type + R"(","id":)" + std::to_string(node_id) + "}"},
        {"name", R"("Oil change 5 off")"},
        {"type", R"("cash")"},
        {"value_fen", "500"},
        {"threshold_fen", "3000"},
        {"valid_days", "30"},
        {"total_quantity", "100"},
        {"channels", R"(["grant"])"}};
    for (const auto& [name, value] : changes) {
      if (value.empty()) {
        fields.erase(name);
      } else {
        fields[name] = value;
      }
    }
    return Object(fields);
  }

  static std::string Object(const Fields& fields) {
    std::string json = "{";
    for (const auto& [name, value] : fields) {
      if (json.size() > 1) json += ",";
      json += "\"" + name + "\":" + value;
    }
    return json + "}";
  }

  // Creates a stock (201 expected) and returns its id (0 on failure).
  int64_t CreateStock(const std::string& token, const std::string& body) {
    Reply reply = Post("/api/console/stocks", token, body);
    EXPECT_EQ(reply.status, 201) << body << " -> " << reply.body;
    return reply.status == 201 ? reply.json["id"].GetInt64() : 0;
  }
  // Creates a stock and activates it.
  int64_t ActiveStock(const std::string& token, const std::string& body) {
    const int64_t id = CreateStock(token, body);
    Reply reply = Patch(StockPath(id), token, R"({"state":"active"})");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return id;
  }
  static std::string StockPath(int64_t id) { return "/api/console/stocks/" + std::to_string(id); }

  // Grants one coupon of `stock` to `member` (a fresh request id); expects "issued".
  Granted GrantTo(const std::string& token, int64_t stock, int64_t member) {
    const std::string body = R"({"request_id":"grant-)" + std::to_string(++next_request_) +
                             R"(","members":[)" + std::to_string(member) + "]}";
    Reply reply = Post(StockPath(stock) + "/grants", token, body);
    EXPECT_EQ(reply.status, 200) << reply.body;
    Granted granted;
    if (reply.status != 200) return granted;
    const auto& outcome = reply.json["outcomes"][0];
    EXPECT_STREQ(outcome["outcome"].GetString(), "issued") << reply.body;
    if (!outcome["coupon"].IsObject()) return granted;
    granted.id = outcome["coupon"]["id"].GetInt64();
    granted.code = outcome["coupon"]["code"].GetString();
    return granted;
  }

  // A member of `brand` enrolled at `store` (as a payment there would enroll them).
  int64_t NewMember(int64_t store, int64_t brand = 0) {
    if (brand == 0) brand = tree_.brand;
    int64_t id = 0;
    const std::string openid = "openid-coupon-" + std::to_string(++next_openid_);
    Status enrolled = db::InTransaction(server_->app().db(), [&](db::Connection& conn) -> Status {
      members::MemberStore members(conn, member_random_);
      MILEAGE_ASSIGN_OR_RETURN(members::Enrollment e,
                               members.FindOrEnroll({brand, kAppid, openid, std::nullopt}, "silver",
                                                    "wechat_pay", store, Now()));
      id = e.member.id;
      return Status::Ok();
    });
    EXPECT_TRUE(enrolled.ok()) << enrolled.ToString();
    return id;
  }
  std::string MemberNumber(int64_t member) {
    return Text("SELECT number FROM members WHERE id = " + std::to_string(member));
  }

  // The first column of the first row of `sql`.
  int64_t Count(const std::string& sql) {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return -1;
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
  }
  std::string Text(const std::string& sql) {
    Result<db::PooledConnection> conn = server_->app().db().Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return "";
    Result<std::vector<db::Row>> rows = (*conn)->Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].Text(0) : "";
  }
  std::string CouponState(int64_t coupon) {
    return Text("SELECT state FROM coupons WHERE id = " + std::to_string(coupon));
  }

  coupons::CouponsModule& coupons() { return server_->app().coupons(); }

  FakeRandom member_random_{13};
  std::atomic<int> next_request_{0};
  int next_openid_ = 0;
};

}  // namespace mileage::testing
