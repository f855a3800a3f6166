#include "server/console/membership_json.h"

#include "common/civil_time.h"
#include "members/validation.h"
#include "server/console/console_json.h"

namespace mileage::server {
namespace {

void WriteMemberFields(JsonWriter& w, const members::Member& member) {
  WriteInt(w, "id", member.id);
  WriteInt(w, "brand_id", member.brand_id);
  WriteText(w, "number", member.number);
  WriteText(w, "tier", member.tier);
  WriteText(w, "status", member.status);
  WriteText(w, "enrolled_via", member.enrolled_via);
  WriteOptionalId(w, "enrolled_store_id", member.enrolled_store_id);
  WriteTime(w, "created_at", member.created_at);
  WriteTime(w, "updated_at", member.updated_at);
}

void WriteTransactionFields(JsonWriter& w, const payments::TransactionRecord& t) {
  WriteInt(w, "id", t.id);
  WriteText(w, "transaction_id", t.transaction_id);
  WriteText(w, "out_trade_no", t.out_trade_no);
  WriteText(w, "mchid", t.merchant.mchid);
  WriteText(w, "appid", t.appid);
  WritePathIds(w, t.merchant.store);
  WriteInt(w, "member_id", t.member_id);
  // Staff see who paid by member id; the openid is masked like in the CSV export.
  WriteText(w, "payer_openid", members::MaskWechatId(t.payer_openid));
  WriteInt(w, "amount_fen", t.amount_fen);
  WriteInt(w, "payer_total_fen", t.payer_total_fen);
  WriteTime(w, "paid_at", t.paid_at);
  WriteInt(w, "points_earned", t.points_earned);
  WriteInt(w, "rule_version", t.rule_version);
  WriteInt(w, "refunded_fen", t.refunded_fen);
  WriteInt(w, "points_reversed", t.points_reversed);
  WriteText(w, "state", t.state);
  WriteTime(w, "created_at", t.created_at);
}

}  // namespace

void WriteVehicle(JsonWriter& w, const members::Vehicle& vehicle, std::string_view plate,
                  const std::optional<std::string>& vin) {
  w.StartObject();
  WriteInt(w, "id", vehicle.id);
  WriteText(w, "plate", plate);
  WriteOptionalText(w, "vin", vin);
  WriteText(w, "model", vehicle.model);
  WriteOptionalText(w, "purchase_date",
                    vehicle.purchase_date.has_value()
                        ? std::optional<std::string>(civil::FormatDate(*vehicle.purchase_date))
                        : std::nullopt);
  WriteInt(w, "mileage_km", vehicle.mileage_km);
  WriteTime(w, "created_at", vehicle.created_at);
  WriteTime(w, "updated_at", vehicle.updated_at);
  w.EndObject();
}

void WriteMember(JsonWriter& w, const members::Member& member) {
  w.StartObject();
  WriteMemberFields(w, member);
  w.EndObject();
}

void WriteMemberView(JsonWriter& w, const payments::MemberView& view) {
  const members::MemberProfile& profile = view.profile;
  w.StartObject();
  WriteMemberFields(w, profile.member);
  w.Key("identities");
  w.StartArray();
  for (const members::Identity& identity : profile.identities) {
    w.StartObject();
    WriteText(w, "kind", members::IdentityKindName(identity.kind));
    w.Key("appid");
    if (identity.appid.empty()) {
      w.Null();
    } else {
      WriteString(w, identity.appid);
    }
    // A phone's value is its masked form; openids and unionids are masked here (staff find a
    // member by the full id, they need not read it back).
    WriteText(w, "value", identity.kind == members::IdentityKind::kPhone
                              ? identity.value
                              : members::MaskWechatId(identity.value));
    WriteTime(w, "created_at", identity.created_at);
    w.EndObject();
  }
  w.EndArray();
  w.Key("balance");
  w.StartObject();
  WriteInt(w, "balance", view.balance.balance);
  WriteInt(w, "debt", view.balance.debt);
  w.EndObject();
  w.Key("tier_history");
  w.StartArray();
  for (const members::TierChange& change : profile.tier_history) {
    w.StartObject();
    WriteText(w, "from_tier", change.from_tier);
    WriteText(w, "to_tier", change.to_tier);
    WriteText(w, "reason", change.reason);
    WriteTime(w, "changed_at", change.changed_at);
    w.EndObject();
  }
  w.EndArray();
  WriteArray(w, "vehicles", profile.vehicles, [&w](const members::Vehicle& vehicle) {
    WriteVehicle(w, vehicle, vehicle.plate_masked, vehicle.vin_masked);
  });
  w.Key("activity_12m");
  w.StartObject();
  WriteInt(w, "spend_fen", profile.rolling_activity.spend_fen);
  WriteInt(w, "visits", profile.rolling_activity.visits);
  w.EndObject();
  w.Key("recent_payments");
  w.StartArray();
  for (const payments::TransactionRecord& t : view.recent_payments) WriteTransaction(w, t);
  w.EndArray();
  w.EndObject();
}

void WriteJournalLine(JsonWriter& w, const points::JournalLine& line) {
  w.StartObject();
  WriteInt(w, "id", line.journal_id);
  WriteInt(w, "points", line.points);
  WriteInt(w, "debt_change", line.debt_change);
  WriteText(w, "reason", line.reason);
  WriteText(w, "source_ref", line.source_ref);
  WriteInt(w, "rule_version", line.rule_version);
  WriteTime(w, "created_at", line.created_at);
  w.EndObject();
}

void WriteTransaction(JsonWriter& w, const payments::TransactionRecord& transaction) {
  w.StartObject();
  WriteTransactionFields(w, transaction);
  w.EndObject();
}

void WriteRefund(JsonWriter& w, const payments::RefundRecord& r) {
  w.StartObject();
  WriteInt(w, "id", r.id);
  WriteText(w, "refund_id", r.refund_id);
  WriteText(w, "transaction_id", r.transaction_id);
  WriteText(w, "out_refund_no", r.out_refund_no);
  WritePathIds(w, r.merchant.store);
  WriteInt(w, "amount_fen", r.amount_fen);
  WriteText(w, "status", r.status);
  WriteBool(w, "applied", r.applied);
  WriteInt(w, "points_reversed", r.points_reversed);
  WriteOptionalTime(w, "refunded_at", r.refunded_at);
  WriteTime(w, "created_at", r.created_at);
  w.EndObject();
}

void WriteTransactionDetail(JsonWriter& w, const payments::TransactionDetail& detail) {
  w.StartObject();
  WriteTransactionFields(w, detail.transaction);
  w.Key("refunds");
  w.StartArray();
  for (const payments::RefundRecord& refund : detail.refunds) WriteRefund(w, refund);
  w.EndArray();
  w.EndObject();
}

Result<std::map<std::string, int64_t>> ParseTierMultipliers(const rapidjson::Value& body) {
  std::map<std::string, int64_t> out;
  auto multipliers = body.FindMember("tier_multiplier_percent");
  if (multipliers == body.MemberEnd() || multipliers->value.IsNull()) return out;
  if (!multipliers->value.IsObject()) {
    return InvalidArgumentError("tier_multiplier_percent must be an object of tier: percent",
                                "INVALID_FIELD");
  }
  for (const auto& member : multipliers->value.GetObject()) {
    if (!member.value.IsInt64()) {
      return InvalidArgumentError("tier_multiplier_percent values must be integers (percent)",
                                  "INVALID_FIELD");
    }
    out[std::string(member.name.GetString(), member.name.GetStringLength())] =
        member.value.GetInt64();
  }
  return out;
}

void WriteTierMultipliers(JsonWriter& w, const std::map<std::string, int64_t>& multipliers) {
  w.Key("tier_multiplier_percent");
  w.StartObject();
  for (const auto& [tier, percent] : multipliers) {
    w.Key(tier.c_str(), static_cast<rapidjson::SizeType>(tier.size()));
    w.Int64(percent);
  }
  w.EndObject();
}

void WriteEarningRule(JsonWriter& w, const points::EarningRule& rule) {
  w.StartObject();
  WriteOptionalId(w, "id", rule.id);
  WriteInt(w, "brand_id", rule.brand_id);
  WriteOptionalId(w, "store_id", rule.store_id);
  // Which rule applies: a store's own, the brand's, or the built-in default (no row).
  WriteText(w, "source", rule.store_id != 0 ? "store" : rule.id != 0 ? "brand" : "default");
  WriteInt(w, "version", rule.version);
  WriteInt(w, "points_per_yuan", rule.points_per_yuan);
  WriteTierMultipliers(w, rule.tier_multiplier_percent);
  WriteInt(w, "cap_per_payment", rule.cap_per_payment);
  WriteOptionalTime(w, "created_at", rule.created_at);
  w.EndObject();
}

void WritePartnerEarningRule(JsonWriter& w, const points::PartnerEarningRule& rule) {
  w.StartObject();
  WriteInt(w, "partner_id", rule.partner_id);
  WriteInt(w, "version", rule.version);
  WriteInt(w, "points_per_yuan", rule.points_per_yuan);
  WriteTierMultipliers(w, rule.tier_multiplier_percent);
  WriteInt(w, "cap_per_day", rule.cap_per_day);
  WriteInt(w, "cap_per_month", rule.cap_per_month);
  WriteOptionalTime(w, "promo_from", rule.promo_to != 0 ? rule.promo_from : 0);
  WriteOptionalTime(w, "promo_to", rule.promo_to);
  WriteInt(w, "promo_percent", rule.promo_percent);
  WriteTime(w, "created_at", rule.created_at);
  w.EndObject();
}

}  // namespace mileage::server
