#include <string>

#include "common/civil_time.h"
#include "members/validation.h"
#include "server/console/console_json.h"
#include "server/console/console_routes.h"
#include "server/console/coupon_requests.h"
#include "server/http/csv.h"

namespace mileage::server {
namespace {

// The most Beijing days a transactions export spans.
constexpr int64_t kMaxExportDays = 92;

std::string BeijingTime(int64_t unix_seconds) {
  return civil::FormatRfc3339Beijing(TimePoint(std::chrono::seconds(unix_seconds)));
}

// A required ?name=YYYY-MM-DD: INVALID_FIELD when missing or malformed.
Result<civil::Date> RequiredDay(const httplib::Request& req, const char* name) {
  std::optional<civil::Date> day;
  if (req.has_param(name)) day = civil::ParseDate(req.get_param_value(name));
  if (!day.has_value()) {
    return InvalidArgumentError(std::string(name) + " is required as a day YYYY-MM-DD",
                                "INVALID_FIELD");
  }
  return *day;
}

// ?from=&to= (Beijing days, both included) as a window of Unix seconds: INVALID_FIELD when
// either is missing or malformed, INVALID_RANGE when `to` is before `from` or the range spans
// more than kMaxExportDays days.
Result<payments::TimeWindow> DayRange(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(civil::Date from, RequiredDay(req, "from"));
  MILEAGE_ASSIGN_OR_RETURN(civil::Date to, RequiredDay(req, "to"));
  const int64_t days = civil::DaysFromCivil(to) - civil::DaysFromCivil(from) + 1;
  if (days < 1 || days > kMaxExportDays) {
    return InvalidArgumentError(
        "from..to is 1 to " + std::to_string(kMaxExportDays) + " days, to not before from",
        "INVALID_RANGE");
  }
  return payments::TimeWindow{civil::BeijingStartOfDay(from), civil::BeijingStartOfDay(to) + 86400};
}

// ?store_id=: required, INVALID_ID when missing or malformed.
Result<int64_t> RequiredStore(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> id, QueryId(req, "store_id"));
  if (!id.has_value()) return InvalidArgumentError("store_id is required", "INVALID_ID");
  return *id;
}

void RespondCsv(httplib::Response& res, const Status& status, std::string_view filename,
                CsvWriter& csv) {
  if (!status.ok()) return WriteError(res, status);
  WriteCsv(res, filename, csv.TakeBody());
}

void MemberHeader(CsvWriter& csv) {
  csv.Text("会员号").Text("手机号").Text("等级").Text("状态").Text("入会方式");
  csv.Text("入会时间").Text("入会门店ID").Text("积分余额").EndRow();
}

void MemberRow(CsvWriter& csv, const payments::MemberListing& listing) {
  const members::Member& m = listing.member;
  csv.Text(m.number).Text(listing.phone_masked).Text(m.tier).Text(m.status).Text(m.enrolled_via);
  csv.Text(BeijingTime(m.created_at));
  if (m.enrolled_store_id > 0) {
    csv.Int(m.enrolled_store_id);
  } else {
    csv.Text("");
  }
  csv.Int(listing.balance.balance);
  csv.EndRow();
}

void RedemptionRow(CsvWriter& csv, const coupons::Redemption& r) {
  csv.Int(r.id).Text(BeijingTime(r.created_at)).Int(r.store.store_id).Int(r.coupon_id);
  csv.Int(r.stock_id).Int(r.member_id).Yuan(r.order_amount_fen).Yuan(r.discount_fen);
  if (r.staff_id.has_value()) {
    csv.Int(*r.staff_id);
  } else {
    csv.Text("");
  }
  csv.Text(r.reversed_at.has_value() ? BeijingTime(*r.reversed_at) : std::string());
  csv.Text(r.reverse_reason);
  csv.EndRow();
}

void TransactionRow(CsvWriter& csv, const payments::TransactionRecord& t) {
  csv.Text(t.transaction_id).Text(BeijingTime(t.paid_at)).Int(t.merchant.store.store_id);
  csv.Text(t.merchant.mchid).Yuan(t.amount_fen).Yuan(t.refunded_fen).Text(t.state);
  csv.Int(t.points_earned).Int(t.points_reversed).Int(t.member_id);
  csv.Text(members::MaskWechatId(t.payer_openid));
  csv.EndRow();
}

}  // namespace

void RegisterExportRoutes(ConsoleRouter& router, payments::MemberViews& members,
                          payments::PaymentViews& payments,
                          coupons::RedemptionService& redemptions) {
  router.Route("GET", "/api/console/exports/members.csv", org::Action::kMemberRead,
               [&members](const ConsoleRequest& req, httplib::Response& res) {
                 // A search, or (q absent or empty) every member the caller sees.
                 const std::string q = req.http.get_param_value("q");
                 CsvWriter csv;
                 MemberHeader(csv);
                 if (!q.empty()) {
                   Result<std::vector<payments::MemberListing>> found =
                       members.SearchListings(req.actor, q);
                   if (!found.ok()) return WriteError(res, found.status());
                   for (const payments::MemberListing& m : *found) MemberRow(csv, m);
                   return RespondCsv(res, Status::Ok(), "members.csv", csv);
                 }
                 Status status = ForEachPaged<payments::MemberListing>(
                     [&](const PageRequest& page) { return members.List(req.actor, page); },
                     [&csv](const payments::MemberListing& m) { MemberRow(csv, m); });
                 RespondCsv(res, status, "members.csv", csv);
               });

  router.Route("GET", "/api/console/exports/redemptions.csv", org::Action::kRedemptionRead,
               [&redemptions](const ConsoleRequest& req, httplib::Response& res) {
                 Result<int64_t> store = RequiredStore(req.http);
                 if (!store.ok()) return WriteError(res, store.status());
                 Result<std::optional<civil::Date>> day = QueryDay(req.http);
                 if (!day.ok()) return WriteError(res, day.status());
                 CsvWriter csv;
                 csv.Text("核销ID").Text("核销时间").Text("门店ID").Text("券ID").Text("活动ID");
                 csv.Text("会员ID").Text("订单金额(元)").Text("优惠(元)").Text("操作员ID");
                 csv.Text("撤销时间").Text("撤销原因").EndRow();
                 Status status = ForEachPaged<coupons::Redemption>(
                     [&](const PageRequest& page) {
                       return redemptions.StoreRedemptions(req.actor, *store, *day, page);
                     },
                     [&csv](const coupons::Redemption& r) { RedemptionRow(csv, r); });
                 const std::string name =
                     "redemptions-store" + std::to_string(*store) +
                     (day->has_value() ? "-" + civil::FormatDate(**day) : std::string()) + ".csv";
                 RespondCsv(res, status, name, csv);
               });

  router.Route(
      "GET", "/api/console/exports/transactions.csv", org::Action::kPaymentRead,
      [&payments](const ConsoleRequest& req, httplib::Response& res) {
        Result<int64_t> store = RequiredStore(req.http);
        if (!store.ok()) return WriteError(res, store.status());
        Result<payments::TimeWindow> window = DayRange(req.http);
        if (!window.ok()) return WriteError(res, window.status());
        CsvWriter csv;
        csv.Text("交易单号").Text("支付时间").Text("门店ID").Text("商户号").Text("金额(元)");
        csv.Text("已退款(元)").Text("状态").Text("积分").Text("退回积分").Text("会员ID");
        csv.Text("付款人openid").EndRow();
        Status status = ForEachPaged<payments::TransactionRecord>(
            [&](const PageRequest& page) {
              return payments.StoreTransactions(req.actor, *store, page, *window);
            },
            [&csv](const payments::TransactionRecord& t) { TransactionRow(csv, t); });
        const std::string name = "transactions-store" + std::to_string(*store) + "-" +
                                 civil::FormatDate(civil::BeijingDate(window->from)) + "-" +
                                 civil::FormatDate(civil::BeijingDate(window->until - 1)) + ".csv";
        RespondCsv(res, status, name, csv);
      });
}

}  // namespace mileage::server
