// CSV exports in the console over HTTP (docs/API.md "Exports"): what a caller may list, as a
// download with a byte order mark, quoted and guarded cells, no clear PII, and the documented
// codes for bad parameters; on both backends.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "members/member_store.h"
#include "members/vehicle_service.h"
#include "tests/integration/console/coupon_fixture.h"

namespace mileage::testing {
namespace {

// The fake clock's first day (1800000000 = 2027-01-15T08:00:00Z, 16:00 in Beijing).
constexpr const char* kToday = "2027-01-15";
constexpr const char* kBom = "\xEF\xBB\xBF";
constexpr const char* kPhone = "13900139000";
constexpr const char* kPhoneMasked = "139****9000";  // its first 3 and last 4 digits
constexpr const char* kMembersHeader =
    "会员号,手机号,等级,状态,入会方式,入会时间,入会门店ID,积分余额";
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
  // alice earned 123 + 20 points and the refund of 5.00 took 4 back: 139.
  EXPECT_EQ(Lines(d.body),
            (std::vector<std::string>{kMembersHeader,
                                      number + "," + kPhoneMasked +
                                          ",silver,active,wechat_pay,2027-01-15T16:00:00+08:00," +
                                          std::to_string(tree_.store_a1) + ",139"}));
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

TEST_P(ConsoleExportsTest, WithoutASearchEveryMemberTheCallerSeesMaskedWithBalances) {
  // carol enrolls at B1 (dealer B) and then pays at A1 too: dealer A sees her by the payment.
  constexpr const char* kOpenidC = "oExportCarol00000000000000003";
  Pay(kOtherMchid, "4200000000000000000000000011B1", kOpenidC, 800);
  Pay(kMchid, "4200000000000000000000000012A1", kOpenidC, 1200);
  const int64_t carol = MemberIdOf(kOpenidC);
  ASSERT_GT(carol, 0);
  // 205 members enrolled at store A3 (dealer A2, region 1) without a payment: the brand's and
  // region 1's exports span two pages of 200; dealer A and B see none of them.
  constexpr int kMany = 205;
  std::vector<int64_t> many;
  for (int i = 0; i < kMany; ++i) many.push_back(NewMember(tree_.store_a3));
  ASSERT_FALSE(HasFailure());

  // The member id of each row (by its number), and every row's cells.
  auto rows_of = [&](const std::string& token) {
    Download d = Fetch("/api/console/exports/members.csv", token);
    EXPECT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(d.disposition, "attachment; filename=\"members.csv\"");
    EXPECT_EQ(d.body.find(kPhone), std::string::npos) << "a clear phone";
    EXPECT_EQ(d.body.find("13900"), std::string::npos) << "part of a clear phone";
    std::vector<std::string> lines = Lines(d.body);
    if (lines.empty()) {
      ADD_FAILURE() << "no header";
    } else {
      EXPECT_EQ(lines.front(), kMembersHeader);
    }
    std::vector<std::string> numbers;
    std::map<std::string, std::string> line_of;
    for (size_t i = 1; i < lines.size(); ++i) {
      const std::string number = lines[i].substr(0, lines[i].find(','));
      numbers.push_back(number);
      line_of[number] = lines[i];
    }
    return std::make_pair(numbers, line_of);
  };
  auto number_of = [&](int64_t id) { return MemberNumber(id); };
  auto numbers_of = [&](std::vector<int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    std::vector<std::string> out;
    for (int64_t id : ids) out.push_back(number_of(id));
    return out;
  };
  const std::string a1 = std::to_string(tree_.store_a1);
  const std::string b1 = std::to_string(tree_.store_b1);
  const std::string enrolled_at = ",silver,active,wechat_pay,2027-01-15T16:00:00+08:00,";

  // Dealer A: alice (paid at A1) and carol (paid at A1, enrolled at B1); not bob, not A3's.
  auto [dealer_a, dealer_a_lines] = rows_of(Token("dealer_a_manager"));
  EXPECT_EQ(dealer_a, numbers_of({alice_, carol}));
  // Points: 1 a yuan, floored; alice 123 + 20 - 4 (the refund), carol 8 + 12.
  EXPECT_EQ(dealer_a_lines[number_of(alice_)],
            number_of(alice_) + "," + kPhoneMasked + enrolled_at + a1 + ",139");
  EXPECT_EQ(dealer_a_lines[number_of(carol)], number_of(carol) + "," + enrolled_at + b1 + ",20");
  // Dealer B: bob and carol (enrolled at B1).
  auto [dealer_b, dealer_b_lines] = rows_of(Token("dealer_b_manager"));
  EXPECT_EQ(dealer_b, numbers_of({bob_, carol}));
  EXPECT_EQ(dealer_b_lines[number_of(bob_)], number_of(bob_) + "," + enrolled_at + b1 + ",50");
  // A clerk of A1 as dealer A; region 1 also A3's members.
  EXPECT_EQ(rows_of(Token("clerk_a1")).first, numbers_of({alice_, carol}));
  std::vector<int64_t> region1 = many;
  region1.push_back(alice_);
  region1.push_back(carol);
  EXPECT_EQ(rows_of(Token("region1_manager")).first, numbers_of(region1));
  // The brand admin: everyone, in id order, over two pages.
  std::vector<int64_t> everyone = region1;
  everyone.push_back(bob_);
  auto [brand, brand_lines] = rows_of(Token("admin"));
  EXPECT_EQ(brand.size(), static_cast<size_t>(kMany + 3));
  EXPECT_EQ(brand, numbers_of(everyone));
  EXPECT_EQ(brand_lines[number_of(many.back())],
            number_of(many.back()) + "," + enrolled_at + std::to_string(tree_.store_a3) + ",0");
  // An empty q is no search either.
  Download empty_q = Fetch("/api/console/exports/members.csv?q=", Token("dealer_b_manager"));
  ASSERT_EQ(empty_q.status, 200);
  EXPECT_EQ(Lines(empty_q.body).size(), 3u);
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

// Issue 16 part 5: no console export or report carries a seeded member's clear phone, plate,
// VIN or openid (bytes of every answer searched), whatever the caller searched by.
TEST_P(ConsoleExportsTest, NoExportOrReportCarriesAClearPhonePlateVinOrOpenid) {
  const std::string plate = "京A12345", vin = "LVSHCAMB1CE054249";
  std::chrono::seconds retry_after{0};
  Result<members::OwnVehicle> added = server_->app().vehicles().Add(
      members::VehicleOwner{alice_, tree_.brand},
      members::NewVehicle{plate, vin, "Model Y", std::nullopt, 100}, Now(), &retry_after);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  const std::string today = kToday;
  const std::string store = std::to_string(tree_.store_a1);
  std::vector<std::string> paths = {
      "/api/console/exports/members.csv",
      std::string("/api/console/exports/members.csv?q=") + kPhone,
      "/api/console/exports/members.csv?q=" + httplib::detail::encode_query_param(plate),
      std::string("/api/console/exports/members.csv?q=") + kOpenidA,
      TransactionsPath(tree_.store_a1, today, today),
      RedemptionsPath(tree_.store_a1),
      "/api/console/reports/summary",
      "/api/console/reports/daily?days=7",
      "/api/console/reports/funnel?days=7",
      "/api/console/settlements?period=2027-01",
  };
  int answered = 0;
  for (const std::string& path : paths) {
    Download d = Fetch(path, Token("admin"));
    EXPECT_EQ(d.status, 200) << path << ": " << d.body;
    if (d.status == 200) ++answered;
    for (const std::string& clear :
         {std::string(kPhone), plate, vin, std::string(kOpenidA), std::string(kOpenidB)}) {
      EXPECT_EQ(d.body.find(clear), std::string::npos) << path << " holds " << clear;
    }
  }
  EXPECT_EQ(answered, static_cast<int>(paths.size()));
  // The searches above did find alice (her masked phone is in the file).
  Download by_plate =
      Fetch("/api/console/exports/members.csv?q=" + httplib::detail::encode_query_param(plate),
            Token("admin"));
  EXPECT_NE(by_plate.body.find(kPhoneMasked), std::string::npos) << by_plate.body;
}

MILEAGE_CONSOLE_TEST_SUITE(ConsoleExportsTest);

}  // namespace
}  // namespace mileage::testing
