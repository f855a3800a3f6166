// CSV exports in the console over HTTP (docs/API.md "Exports"): what a caller may list, as a
// download with a byte order mark, quoted and guarded cells, no clear PII, and the documented
// codes for bad parameters; on both backends.
#include <string>
#include <vector>

#include "members/member_store.h"
#include "tests/integration/console/coupon_fixture.h"

namespace mileage::testing {
namespace {

// The fake clock's first day (1800000000 = 2027-01-15T08:00:00Z, 16:00 in Beijing).
constexpr const char* kToday = "2027-01-15";
constexpr const char* kBom = "\xEF\xBB\xBF";
constexpr const char* kPhone = "13900139000";
constexpr const char* kOpenidA = "oExportAlice0000000000000001";
constexpr const char* kOpenidB = "oExportBob000000000000000002";
constexpr const char* kTxA1 = "4200000000000000000000000009A1";
constexpr const char* kTxA2 = "4200000000000000000000000010A1";
constexpr const char* kTxB1 = "4200000000000000000000000009B1";

// A CSV download: status, headers and body.
struct Download {
  int status = 0;
  std::string content_type;
  std::string disposition;
  std::string body;
};

// The lines of a CSV body after its byte order mark (CRLF ends).
std::vector<std::string> Lines(const std::string& body) {
  std::vector<std::string> lines;
  size_t at = body.rfind(kBom, 0) == 0 ? 3 : 0;
  while (at < body.size()) {
    const size_t end = body.find("\r\n", at);
    if (end == std::string::npos) {
      lines.push_back(body.substr(at));
      break;
    }
    lines.push_back(body.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}

class ConsoleExportsTest : public CouponConsoleTest {
 protected:
  // alice pays 123.45 and 20.00 at A1 (5.00 of the first refunded later), bob 50.00 at B1;
  // alice has a phone.
  void SetUp() override {
    CouponConsoleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Pay(kMchid, kTxA1, kOpenidA, 12345);
    Pay(kMchid, kTxA2, kOpenidA, 2000);
    Pay(kOtherMchid, kTxB1, kOpenidB, 5000);
    RefundPayment(kMchid, "5030000000000000000000000009A1", kTxA1, 500, 12345);
    alice_ = MemberIdOf(kOpenidA);
    bob_ = MemberIdOf(kOpenidB);
    ASSERT_GT(alice_, 0);
    ASSERT_GT(bob_, 0);
    Status phone = db::InTransaction(server_->app().db(), [&](db::Connection& conn) {
      OsRandom random;
      return members::MemberStore(conn, random)
          .AttachPhone(alice_, tree_.brand, kPhone, server_->app().phones(), Now());
    });
    ASSERT_TRUE(phone.ok()) << phone.ToString();
  }

  Download Fetch(const std::string& path, const std::string& token) {
    std::unique_ptr<httplib::Client> client = server_->Client();
    httplib::Result res = client->Get(path.c_str(), {{"Authorization", "Bearer " + token}});
    Download out;
    if (!res) {
      ADD_FAILURE() << path << ": no answer";
      return out;
    }
    out.status = res->status;
    out.content_type = res->get_header_value("Content-Type");
    out.disposition = res->get_header_value("Content-Disposition");
    out.body = res->body;
    return out;
  }
  std::string TransactionsPath(int64_t store, const std::string& from, const std::string& to) {
    return "/api/console/exports/transactions.csv?store_id=" + std::to_string(store) +
           "&from=" + from + "&to=" + to;
  }
  std::string RedemptionsPath(int64_t store, const std::string& day = kToday) {
    return "/api/console/exports/redemptions.csv?store_id=" + std::to_string(store) +
           (day.empty() ? "" : "&day=" + day);
  }
  // The code of a JSON error body.
  static std::string CodeOf(const Download& d) {
    rapidjson::Document doc;
    doc.Parse(d.body.c_str());
    return doc.IsObject() && doc.HasMember("code") ? doc["code"].GetString() : "";
  }

  int64_t alice_ = 0, bob_ = 0;
};

TEST_P(ConsoleExportsTest, TransactionsOfAStoreInADayRangeWithTheOpenidMasked) {
  Download d = Fetch(TransactionsPath(tree_.store_a1, kToday, kToday), Token("dealer_a_manager"));
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(d.disposition, "attachment; filename=\"transactions-store" +
                               std::to_string(tree_.store_a1) + "-2027-01-15-2027-01-15.csv\"");
  ASSERT_EQ(d.body.rfind(kBom, 0), 0u) << "no byte order mark";
  const std::string a1 = std::to_string(tree_.store_a1);
  const std::string alice = std::to_string(alice_);
  // Newest first; both paid at the clock's now (16:00 Beijing), the later id first. The refund
  // of 5.00 of 123.45 took back floor(123 x 500 / 12345) = 4 points.
  EXPECT_EQ(Lines(d.body),
            (std::vector<std::string>{
                "交易单号,支付时间,门店ID,商户号,金额(元),已退款(元),状态,积分,退回积分,会员ID,"
                "付款人openid",
                std::string(kTxA2) + ",2027-01-15T16:00:00+08:00," + a1 + "," + kMchid +
                    ",20.00,0.00,paid,20,0," + alice + ",oExp****0001",
                std::string(kTxA1) + ",2027-01-15T16:00:00+08:00," + a1 + "," + kMchid +
                    ",123.45,5.00,partially_refunded,123,4," + alice + ",oExp****0001"}));
  EXPECT_EQ(d.body.find(kOpenidA), std::string::npos) << "a clear openid";
  EXPECT_EQ(d.body.find(kTxB1), std::string::npos) << "another store's payment";

  // Days without payments: the header only.
  Download before = Fetch(TransactionsPath(tree_.store_a1, "2026-10-15", "2027-01-14"),
                          Token("dealer_a_manager"));
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(Lines(before.body).size(), 1u) << before.body;
  Download after = Fetch(TransactionsPath(tree_.store_a1, "2027-01-16", "2027-01-16"),
                         Token("dealer_a_manager"));
  EXPECT_EQ(Lines(after.body).size(), 1u) << after.body;
}

TEST_P(ConsoleExportsTest, RedemptionsOfAStoresDayQuotedAndGuarded) {
  const int64_t stock = ActiveStock(Token("admin"), StockBody("brand", tree_.brand));
  const int64_t member = NewMember(tree_.store_a1);
  const int64_t member2 = NewMember(tree_.store_a1);
  const Granted first = GrantTo(Token("admin"), stock, member);
  const Granted second = GrantTo(Token("admin"), stock, member2);
  const std::string body1 = R"({"code":")" + first.code + R"(","store_id":)" +
                            std::to_string(tree_.store_a1) +
                            R"(,"order_amount_fen":5000,"request_id":"pos-1"})";
  const std::string body2 = R"({"code":")" + second.code + R"(","store_id":)" +
                            std::to_string(tree_.store_a1) +
                            R"(,"order_amount_fen":3000,"request_id":"pos-2"})";
  Reply r1 = Post("/api/console/redemptions", Token("clerk_a1"), body1);
  ASSERT_EQ(r1.status, 200) << r1.body;
  Reply r2 = Post("/api/console/redemptions", Token("clerk_a1"), body2);
  ASSERT_EQ(r2.status, 200) << r2.body;
  const int64_t id1 = r1.json["redemption"]["id"].GetInt64();
  const int64_t id2 = r2.json["redemption"]["id"].GetInt64();
  Reply reversed = Post("/api/console/redemptions/" + std::to_string(id1) + "/reverse",
                        Token("dealer_a_manager"), R"({"reason":"=HYPERLINK(\"x\"), typo"})");
  ASSERT_EQ(reversed.status, 200) << reversed.body;

  Download d = Fetch(RedemptionsPath(tree_.store_a1), Token("clerk_a1"));
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(d.disposition, "attachment; filename=\"redemptions-store" +
                               std::to_string(tree_.store_a1) + "-2027-01-15.csv\"");
  ASSERT_EQ(d.body.rfind(kBom, 0), 0u);
  const std::string a1 = std::to_string(tree_.store_a1);
  const std::string clerk = std::to_string(tree_.staff.at("clerk_a1"));
  const std::string prefix = ",2027-01-15T16:00:00+08:00," + a1 + ",";
  EXPECT_EQ(
      Lines(d.body),
      (std::vector<std::string>{
          "核销ID,核销时间,门店ID,券ID,活动ID,会员ID,订单金额(元),优惠(元),操作员ID,"
          "撤销时间,撤销原因",
          std::to_string(id2) + prefix + std::to_string(second.id) + "," + std::to_string(stock) +
              "," + std::to_string(member2) + ",30.00,5.00," + clerk + ",,",
          std::to_string(id1) + prefix + std::to_string(first.id) + "," + std::to_string(stock) +
              "," + std::to_string(member) + ",50.00,5.00," + clerk +
              ",2027-01-15T16:00:00+08:00,\"'=HYPERLINK(\"\"x\"\"), typo\""}));

  // Another day: the header only; no day: every redemption of the store.
  Download other = Fetch(RedemptionsPath(tree_.store_a1, "2027-01-14"), Token("clerk_a1"));
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(Lines(other.body).size(), 1u);
  Download all = Fetch(RedemptionsPath(tree_.store_a1, ""), Token("clerk_a1"));
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(Lines(all.body).size(), 3u);
  EXPECT_EQ(all.disposition, "attachment; filename=\"redemptions-store" + a1 + ".csv\"");
}

TEST_P(ConsoleExportsTest, MembersOfASearchWithoutClearPhonesOrOpenids) {
  const std::string number =
      Text("SELECT number FROM members WHERE id = " + std::to_string(alice_));
  ASSERT_EQ(number.size(), 12u);
  Download d =
      Fetch(std::string("/api/console/exports/members.csv?q=") + kPhone, Token("clerk_a1"));
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(d.disposition, "attachment; filename=\"members.csv\"");
  ASSERT_EQ(d.body.rfind(kBom, 0), 0u);
  EXPECT_EQ(Lines(d.body), (std::vector<std::string>{
                               "会员号,等级,状态,入会方式,入会时间,入会门店ID",
                               number + ",silver,active,wechat_pay,2027-01-15T16:00:00+08:00," +
                                   std::to_string(tree_.store_a1)}));
  EXPECT_EQ(d.body.find(kPhone), std::string::npos) << "a clear phone";
  EXPECT_EQ(d.body.find(kOpenidA), std::string::npos) << "a clear openid";
  for (const std::string& q : {number, std::string(kOpenidA)}) {
    Download again = Fetch("/api/console/exports/members.csv?q=" + q, Token("admin"));
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.body, d.body) << q;
  }
  // Outside the member's stores, the export is empty, as the search is.
  Download elsewhere =
      Fetch(std::string("/api/console/exports/members.csv?q=") + kPhone, Token("clerk_b1"));
  ASSERT_EQ(elsewhere.status, 200) << elsewhere.body;
  EXPECT_EQ(Lines(elsewhere.body).size(), 1u) << elsewhere.body;
}

TEST_P(ConsoleExportsTest, AnotherStoresClerkGetsNotFoundLikeTheLists) {
  const std::string a1 = std::to_string(tree_.store_a1);
  for (const std::string& path :
       {TransactionsPath(tree_.store_a1, kToday, kToday), RedemptionsPath(tree_.store_a1)}) {
    Download d = Fetch(path, Token("clerk_b1"));
    EXPECT_EQ(d.status, 404) << path << " -> " << d.body;
    EXPECT_EQ(CodeOf(d), "NOT_FOUND") << d.body;
    EXPECT_EQ(d.body.find(kTxA1), std::string::npos);
  }
  // The lists answer the same.
  EXPECT_EQ(Get("/api/console/stores/" + a1 + "/transactions", Token("clerk_b1")).status, 404);
  EXPECT_EQ(Get("/api/console/stores/" + a1 + "/redemptions", Token("clerk_b1")).status, 404);
  // An unknown store looks the same.
  Download unknown = Fetch(TransactionsPath(999999, kToday, kToday), Token("admin"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(CodeOf(unknown), "NOT_FOUND");
}

TEST_P(ConsoleExportsTest, BadParametersGetTheDocumentedCodesAndWriteNothing) {
  const std::string a1 = std::to_string(tree_.store_a1);
  const std::string tx = "/api/console/exports/transactions.csv?store_id=" + a1;
  struct Case {
    std::string path;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"/api/console/exports/transactions.csv?from=2027-01-01&to=2027-01-02", "INVALID_ID"},
      {"/api/console/exports/transactions.csv?store_id=x&from=2027-01-01&to=2027-01-02",
       "INVALID_ID"},
      {tx + "&to=2027-01-02", "INVALID_FIELD"},
      {tx + "&from=2027-01-01", "INVALID_FIELD"},
      {tx + "&from=2027-1-1&to=2027-01-02", "INVALID_FIELD"},
      {tx + "&from=2027-01-02&to=2027-01-01", "INVALID_RANGE"},
      {tx + "&from=2026-10-14&to=2027-01-14", "INVALID_RANGE"},  // 93 days
      {"/api/console/exports/redemptions.csv?day=2027-01-15", "INVALID_ID"},
      {"/api/console/exports/redemptions.csv?store_id=0", "INVALID_ID"},
      {"/api/console/exports/redemptions.csv?store_id=" + a1 + "&day=15.01.2027", "INVALID_FIELD"},
      {"/api/console/exports/members.csv", "INVALID_QUERY"},
      {"/api/console/exports/members.csv?q=%3D1%2B1", "INVALID_QUERY"},
  };
  Token("admin");  // its login is audited
  const auto before = RowCounts();
  for (const Case& c : cases) {
    Download d = Fetch(c.path, Token("admin"));
    EXPECT_EQ(d.status, 400) << c.path << " -> " << d.body;
    EXPECT_EQ(CodeOf(d), c.code) << c.path << " -> " << d.body;
  }
  EXPECT_EQ(RowCounts(), before);
  // 92 days is the limit, included.
  EXPECT_EQ(Fetch(tx + "&from=2026-10-15&to=2027-01-14", Token("admin")).status, 200);
  // A role without the list's action is refused by the router.
  Download clerk = Fetch(RedemptionsPath(tree_.store_a1), Token("analyst_a"));
  Reply list = Get("/api/console/stores/" + a1 + "/redemptions", Token("analyst_a"));
  EXPECT_EQ(clerk.status, list.status);
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleExportsTest);

}  // namespace
}  // namespace mileage::testing
