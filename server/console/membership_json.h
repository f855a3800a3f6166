#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "members/types.h"
#include "members/vehicle_types.h"
#include "payments/member_views.h"
#include "payments/payment_views.h"
#include "payments/types.h"
#include "points/earning_rules.h"
#include "points/ledger.h"
#include "points/partner_rules.h"
#include "server/http/json.h"

namespace mileage::server {

// The JSON of members, points, payments and earning rules in console answers (docs/API.md,
// "Members", "Payments", "Earning rules"). Phones, plates and VINs only ever appear masked.
void WriteMember(JsonWriter& w, const members::Member& member);
void WriteMemberView(JsonWriter& w, const payments::MemberView& view);
void WriteJournalLine(JsonWriter& w, const points::JournalLine& line);
void WriteTransaction(JsonWriter& w, const payments::TransactionRecord& transaction);
void WriteRefund(JsonWriter& w, const payments::RefundRecord& refund);
void WriteTransactionDetail(JsonWriter& w, const payments::TransactionDetail& detail);
// "tier_multiplier_percent":{"gold":150} of an earning rule body: absent or null is empty;
// InvalidArgument INVALID_FIELD when not an object of integers.
Result<std::map<std::string, int64_t>> ParseTierMultipliers(const rapidjson::Value& body);
// "tier_multiplier_percent":{...}.
void WriteTierMultipliers(JsonWriter& w, const std::map<std::string, int64_t>& multipliers);
void WriteEarningRule(JsonWriter& w, const points::EarningRule& rule);
// A partner's earning rule: {"partner_id","version","points_per_yuan",
// "tier_multiplier_percent","cap_per_day","cap_per_month","promo_from","promo_to",
// "promo_percent","created_at"} (promotion times null without a promotion).
void WritePartnerEarningRule(JsonWriter& w, const points::PartnerEarningRule& rule);
// VEHICLE (docs/API.md, "Vehicles") with the plate and VIN given: the masked ones of `vehicle`
// in the console, the clear ones for the owner (server/mp/vehicle_routes.cc).
void WriteVehicle(JsonWriter& w, const members::Vehicle& vehicle, std::string_view plate,
                  const std::optional<std::string>& vin);

}  // namespace mileage::server
