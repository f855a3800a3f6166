#include "server/reconcile_command.h"

#include <map>
#include <memory>
#include <optional>
#include <ostream>

#include "common/log.h"
#include "coupons/package_fulfilment.h"
#include "coupons/payment_rewards.h"
#include "crypto/rsa.h"
#include "growth/referral_rewards.h"
#include "org/org_module.h"
#include "payments/merchant_keys.h"
#include "payments/payment_recorder.h"
#include "payments/reconciliation.h"
#include "server/config_loader.h"
#include "server/console/console_json.h"
#include "server/http/json.h"
#include "server/http/json_fields.h"
#include "server/operator_context.h"
#include "wechat/client/api_client.h"
#include "wechat/client/pay_client.h"

namespace mileage::server {

const char* const kReconcileUsage =
    R"(Usage: mileage reconcile --merchant MCHID --date YYYY-MM-DD --merchant-key-file PEM
                         --merchant-serial SERIAL [--config FILE] [--apply] [--json]

Downloads the WeChat Pay trade bill of merchant MCHID for the Beijing day YYYY-MM-DD (from the
config's wechat_pay_base_url), compares it with what Mileage recorded and prints:
  missing in Mileage   successful payments the bill shows that Mileage has no record of
  missing in bill      payments Mileage recorded paid that day that the bill does not show
  amount mismatches    payments on both sides whose amounts differ
  refunds missing      successful refunds the bill shows that Mileage has no record of
  refund mismatches    refunds on both sides whose amounts differ
  --merchant-key-file  the merchant's API private key (PEM) that signs the requests
  --merchant-serial    the serial number of that key's certificate
  --apply              apply the missing payments (member, points, as their notifications
                       would) and then the missing refunds; a notification of the same
                       transaction arriving later changes nothing
  --json               print one JSON object instead of text

Exit status: 0 when the bill and Mileage agree, 1 when differences were found (with --apply,
also after applying them), 2 when it could not reconcile (the message says why).
)";

namespace {

struct ReconcileArgs {
  std::string config_path;
  std::string mchid;
  std::string date;
  std::string key_file;
  std::string serial;
  bool apply = false;
  bool json = false;
};

std::optional<std::string> ParseReconcileArgs(const std::vector<std::string>& args,
                                              ReconcileArgs* out) {
  std::map<std::string, std::string*> values = {{"config", &out->config_path},
                                                {"merchant", &out->mchid},
                                                {"date", &out->date},
                                                {"merchant-key-file", &out->key_file},
                                                {"merchant-serial", &out->serial}};
  std::map<std::string, bool> seen;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) return "unexpected argument " + arg;
    std::string name = arg.substr(2);
    if (name == "apply" || name == "json") {
      (name == "apply" ? out->apply : out->json) = true;
      continue;
    }
    std::optional<std::string> value;
    const size_t equals = name.find('=');
    if (equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }
    auto target = values.find(name);
    if (target == values.end()) return "unknown option --" + name;
    if (!value.has_value()) {
      if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) {
        return "--" + name + " needs a value";
      }
      value = args[++i];
    }
    if (seen[name]) return "--" + name + " is given twice";
    seen[name] = true;
    *target->second = *value;
  }
  for (const char* required : {"merchant", "date", "merchant-key-file", "merchant-serial"}) {
    if (values.at(required)->empty()) return std::string("reconcile needs --") + required;
  }
  return std::nullopt;
}

// The bill in payments' terms: SUCCESS and other payment rows, REFUND rows as refunds.
Result<payments::Bill> ToBill(const wechat::client::TradeBill& trade_bill) {
  payments::Bill bill;
  for (const wechat::client::TradeBillRow& row : trade_bill.rows) {
    Result<int64_t> at = payments::ParseChinaTime(row.trade_time);
    if (!at.ok()) {
      return InvalidArgumentError("the bill row of " + row.transaction_id +
                                      " has a bad trade time: " + at.status().message(),
                                  "WECHATPAY_MALFORMED_BILL");
    }
    if (row.trade_state == "REFUND") {
      bill.refunds.push_back({row.refund_id, row.out_refund_no, row.transaction_id,
                              row.refund_amount, *at, row.refund_status});
      continue;
    }
    payments::BilledPayment p;
    p.transaction_id = row.transaction_id;
    p.out_trade_no = row.out_trade_no;
    p.appid = row.appid;
    p.openid = row.openid;
    p.amount_fen = row.order_amount;
    p.payer_total_fen = std::max<int64_t>(0, row.order_amount - row.coupon_amount);
    p.paid_at = *at;
    p.trade_state = row.trade_state;
    bill.payments.push_back(std::move(p));
  }
  return bill;
}

// What the command opens beyond the operator context: the merchant keys, the recorder with
// the config's membership rules and payment rewards, the reconciler and the WeChat API client.
class ReconcileContext {
 public:
  static Result<std::unique_ptr<ReconcileContext>> Open(const std::string& config_path) {
    std::unique_ptr<ReconcileContext> context(new ReconcileContext());
    MILEAGE_ASSIGN_OR_RETURN(context->base_, OperatorContext::Open(config_path));
    OperatorContext& base = *context->base_;
    context->keys_ =
        std::make_unique<payments::MerchantKeyCache>(base.org().merchants(), base.clock());
    const payments::PaymentPolicy policy = PaymentPolicyOf(base.config());
    context->rewards_ = std::make_unique<coupons::PaymentRewards>(base.random(), policy.tiers);
    context->packages_ = std::make_unique<coupons::PackageFulfilment>(base.random());
    context->recorder_ = std::make_unique<payments::PaymentRecorder>(
        base.random(), policy, *context->rewards_, *context->packages_);
    // A payment the bill recovers rewards a referral as its notification would have.
    context->referrals_ = std::make_unique<growth::ReferralRewards>(base.random(), policy.expiry);
    context->recorder_->AddObserver(*context->referrals_);
    context->reconciler_ =
        std::make_unique<payments::Reconciler>(base.db(), *context->recorder_, base.clock());
    MILEAGE_ASSIGN_OR_RETURN(context->api_, base.OpenWechatApi());
    return context;
  }
  ~ReconcileContext() {
    reconciler_.reset();
    keys_.reset();
  }

  const Config& config() const { return base_->config(); }
  const Clock& clock() const { return base_->clock(); }
  RandomSource& random() { return base_->random(); }
  payments::MerchantKeyCache& keys() { return *keys_; }
  payments::Reconciler& reconciler() { return *reconciler_; }
  wechat::client::ApiClient& api() { return *api_; }

 private:
  ReconcileContext() = default;
  std::unique_ptr<OperatorContext> base_;
  std::unique_ptr<payments::MerchantKeyCache> keys_;
  std::unique_ptr<coupons::PaymentRewards> rewards_;
  std::unique_ptr<coupons::PackageFulfilment> packages_;
  std::unique_ptr<growth::ReferralRewards> referrals_;
  std::unique_ptr<payments::PaymentRecorder> recorder_;
  std::unique_ptr<payments::Reconciler> reconciler_;
  std::unique_ptr<wechat::client::ApiClient> api_;
};

std::string Yuan(int64_t fen) {
  const char* sign = fen < 0 ? "-" : "";
  const int64_t abs = fen < 0 ? -fen : fen;
  std::string cents = std::to_string(abs % 100);
  return sign + std::to_string(abs / 100) + "." + (cents.size() < 2 ? "0" : "") + cents;
}

void PrintMismatches(std::string_view title, const std::vector<payments::AmountMismatch>& list,
                     std::ostream& out) {
  out << title << ": " << list.size() << '\n';
  for (const payments::AmountMismatch& m : list) {
    out << "  " << m.id << "  bill " << Yuan(m.billed_fen) << "  mileage " << Yuan(m.recorded_fen)
        << '\n';
  }
}

void PrintText(const payments::ReconciliationReport& r,
               const std::optional<std::vector<payments::AppliedItem>>& applied,
               std::ostream& out) {
  out << "Reconciliation of merchant " << r.mchid << " for " << r.date << " (Beijing time)\n";
  out << "  bill:    " << r.billed_count << " payments, " << Yuan(r.billed_total_fen) << " yuan; "
      << r.billed_refund_count << " refunds, " << Yuan(r.billed_refund_total_fen) << " yuan\n";
  out << "  mileage: " << r.recorded_count << " payments, " << Yuan(r.recorded_total_fen)
      << " yuan\n";
  out << "  matched: " << r.matched_count << '\n';
  out << "missing in Mileage: " << r.missing_in_mileage.size() << '\n';
  for (const payments::BilledPayment& p : r.missing_in_mileage) {
    out << "  " << p.transaction_id << "  " << p.out_trade_no << "  " << Yuan(p.amount_fen) << "  "
        << Rfc3339(p.paid_at) << "  " << p.openid << '\n';
  }
  out << "missing in bill: " << r.missing_in_bill.size() << '\n';
  for (const payments::RecordedPayment& p : r.missing_in_bill) {
    out << "  " << p.transaction_id << "  " << p.out_trade_no << "  " << Yuan(p.amount_fen) << "  "
        << Rfc3339(p.paid_at) << '\n';
  }
  PrintMismatches("amount mismatches", r.amount_mismatches, out);
  out << "refunds missing in Mileage: " << r.refunds_missing_in_mileage.size() << '\n';
  for (const payments::BilledRefund& f : r.refunds_missing_in_mileage) {
    out << "  " << f.refund_id << "  of " << f.transaction_id << "  " << Yuan(f.amount_fen) << "  "
        << Rfc3339(f.refunded_at) << '\n';
  }
  PrintMismatches("refund amount mismatches", r.refund_amount_mismatches, out);
  if (applied.has_value()) {
    out << "applied: " << applied->size() << '\n';
    for (const payments::AppliedItem& item : *applied) {
      out << "  " << item.id << "  " << payments::OutcomeName(item.outcome);
      if (item.member_id != 0) {
        out << "  member " << item.member_id << "  +" << item.points << " points";
      }
      out << '\n';
    }
  }
  out << (r.clean() ? "The bill and Mileage agree.\n" : "Differences found.\n");
}

void WriteMismatches(JsonWriter& w, std::string_view key, std::string_view id_key,
                     const std::vector<payments::AmountMismatch>& list) {
  WriteArray(w, key, list, [&w, id_key](const payments::AmountMismatch& m) {
    w.StartObject();
    WriteText(w, id_key, m.id);
    WriteInt(w, "billed_fen", m.billed_fen);
    WriteInt(w, "recorded_fen", m.recorded_fen);
    w.EndObject();
  });
}

void WriteTotals(JsonWriter& w, const payments::ReconciliationReport& r) {
  w.Key("billed");
  w.StartObject();
  WriteInt(w, "count", r.billed_count);
  WriteInt(w, "total_fen", r.billed_total_fen);
  WriteInt(w, "refund_count", r.billed_refund_count);
  WriteInt(w, "refund_total_fen", r.billed_refund_total_fen);
  w.EndObject();
  w.Key("recorded");
  w.StartObject();
  WriteInt(w, "count", r.recorded_count);
  WriteInt(w, "total_fen", r.recorded_total_fen);
  w.EndObject();
  WriteInt(w, "matched", r.matched_count);
}

void WritePaymentDifferences(JsonWriter& w, const payments::ReconciliationReport& r) {
  WriteArray(w, "missing_in_mileage", r.missing_in_mileage, [&w](const payments::BilledPayment& p) {
    w.StartObject();
    WriteText(w, "transaction_id", p.transaction_id);
    WriteText(w, "out_trade_no", p.out_trade_no);
    WriteText(w, "openid", p.openid);
    WriteInt(w, "amount_fen", p.amount_fen);
    WriteTime(w, "paid_at", p.paid_at);
    w.EndObject();
  });
  WriteArray(w, "missing_in_bill", r.missing_in_bill, [&w](const payments::RecordedPayment& p) {
    w.StartObject();
    WriteText(w, "transaction_id", p.transaction_id);
    WriteText(w, "out_trade_no", p.out_trade_no);
    WriteInt(w, "amount_fen", p.amount_fen);
    WriteTime(w, "paid_at", p.paid_at);
    w.EndObject();
  });
  WriteMismatches(w, "amount_mismatches", "transaction_id", r.amount_mismatches);
}

void WriteRefundDifferences(JsonWriter& w, const payments::ReconciliationReport& r) {
  WriteArray(w, "refunds_missing_in_mileage", r.refunds_missing_in_mileage,
             [&w](const payments::BilledRefund& f) {
               w.StartObject();
               WriteText(w, "refund_id", f.refund_id);
               WriteText(w, "transaction_id", f.transaction_id);
               WriteInt(w, "amount_fen", f.amount_fen);
               WriteTime(w, "refunded_at", f.refunded_at);
               w.EndObject();
             });
  WriteMismatches(w, "refund_amount_mismatches", "refund_id", r.refund_amount_mismatches);
}

void WriteApplied(JsonWriter& w, const std::vector<payments::AppliedItem>& applied) {
  WriteArray(w, "applied", applied, [&w](const payments::AppliedItem& item) {
    w.StartObject();
    WriteText(w, "id", item.id);
    WriteText(w, "outcome", payments::OutcomeName(item.outcome));
    WriteInt(w, "member_id", item.member_id);
    WriteInt(w, "points", item.points);
    w.EndObject();
  });
}

void PrintJson(const payments::ReconciliationReport& r,
               const std::optional<std::vector<payments::AppliedItem>>& applied,
               std::ostream& out) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteText(w, "mchid", r.mchid);
  WriteText(w, "date", r.date);
  WriteBool(w, "clean", r.clean());
  WriteTotals(w, r);
  WritePaymentDifferences(w, r);
  WriteRefundDifferences(w, r);
  if (applied.has_value()) WriteApplied(w, *applied);
  w.EndObject();
  out << buffer.GetString() << '\n';
}

void PrintReport(bool json, const payments::ReconciliationReport& r,
                 const std::optional<std::vector<payments::AppliedItem>>& applied,
                 std::ostream& out) {
  if (json) {
    PrintJson(r, applied, out);
  } else {
    PrintText(r, applied, out);
  }
}

// Exit status 2 with the reason.
// A day's trade bill from WeChat Pay; a day without one (WeChat answers NO_STATEMENT_EXIST)
// is an empty bill that does not exist.
struct DownloadedBill {
  payments::Bill bill;
  bool exists = true;
  std::string missing_reason;
};

Result<DownloadedBill> DownloadBill(ReconcileContext& context, const payments::MerchantKeys& keys,
                                    const ReconcileArgs& parsed,
                                    const crypto::RsaPrivateKey& merchant_key,
                                    const std::string& date) {
  wechat::client::PayClient pay(context.api(), context.clock(), context.random(), parsed.mchid,
                                parsed.serial, merchant_key, keys.platform_keys);
  Result<wechat::client::TradeBill> downloaded = pay.DownloadTradeBill(date);
  DownloadedBill out;
  wechat::client::TradeBill trade_bill;
  if (downloaded.ok()) {
    trade_bill = std::move(*downloaded);
  } else if (downloaded.status().reason() == "WECHATPAY_API_NO_STATEMENT_EXIST") {
    out.exists = false;
    out.missing_reason = std::string(downloaded.status().reason());
  } else {
    return InvalidArgumentError("downloading the trade bill of " + date + " from " +
                                context.config().wechat_pay_base_url +
                                " failed: " + std::string(downloaded.status().reason()) + ": " +
                                downloaded.status().message());
  }
  MILEAGE_ASSIGN_OR_RETURN(out.bill, ToBill(trade_bill));
  return out;
}

int Fail(std::ostream& err, const std::string& message) {
  err << "mileage reconcile: " << message << '\n';
  return 2;
}

}  // namespace

int RunReconcile(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    out << kReconcileUsage;
    return 0;
  }
  ReconcileArgs parsed;
  if (std::optional<std::string> usage = ParseReconcileArgs(args, &parsed)) {
    err << "mileage reconcile: " << *usage << "\n\n" << kReconcileUsage;
    return 2;
  }
  Result<payments::ChinaDay> day = payments::ChinaDayOf(parsed.date);
  if (!day.ok()) return Fail(err, "bad --date: " + day.status().message());
  Result<crypto::RsaPrivateKey> merchant_key = ReadMerchantKeyFile(parsed.key_file);
  if (!merchant_key.ok()) return Fail(err, merchant_key.status().message());

  Result<std::unique_ptr<ReconcileContext>> opened = ReconcileContext::Open(parsed.config_path);
  if (!opened.ok()) return Fail(err, opened.status().message());
  ReconcileContext& context = **opened;
  Result<std::shared_ptr<const payments::MerchantKeys>> keys = context.keys().Get(parsed.mchid);
  if (!keys.ok()) {
    if (keys.status().code() == StatusCode::kNotFound) {
      return Fail(err, "unknown merchant " + parsed.mchid +
                           " (register it with mileage admin add-merchant)");
    }
    return Fail(err, "merchant " + parsed.mchid + ": " + keys.status().message());
  }
  const payments::MerchantRef& merchant = (*keys)->merchant;

  Result<DownloadedBill> bill = DownloadBill(context, **keys, parsed, *merchant_key, day->date);
  if (!bill.ok()) return Fail(err, bill.status().message());

  Result<payments::ReconciliationReport> report =
      context.reconciler().Compare(merchant, *day, bill->bill);
  if (!report.ok()) return Fail(err, "reading the recorded payments: " + report.status().message());
  if (!bill->exists && report->recorded_count > 0) {
    // WeChat has no bill for a day on which Mileage recorded payments: the bill may not be
    // generated yet (WeChat makes it after 09:00 the next day), so nothing can be compared.
    return Fail(err, "WeChat has no trade bill for " + day->date + " (" + bill->missing_reason +
                         ") but Mileage recorded " + std::to_string(report->recorded_count) +
                         " payments that day; bills are generated after 09:00 the next day");
  }

  std::optional<std::vector<payments::AppliedItem>> applied;
  if (parsed.apply) {
    applied.emplace();
    Status done = context.reconciler().ApplyMissing(**keys, *report, &*applied);
    if (!done.ok()) {
      // What was applied before the failure stays applied: show it, then the failure.
      PrintReport(parsed.json, *report, applied, out);
      return Fail(err, "applying the missing payments stopped after " +
                           std::to_string(applied->size()) + " items: " + done.message());
    }
  }
  PrintReport(parsed.json, *report, applied, out);
  return report->clean() ? 0 : 1;
}

}  // namespace mileage::server
