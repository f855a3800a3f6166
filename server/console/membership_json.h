#pragma once

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
void WriteEarningRule(JsonWriter& w, const points::EarningRule& rule);
// VEHICLE (docs/API.md, "Vehicles") with the plate and VIN given: the masked ones of `vehicle`
// in the console, the clear ones for the owner (server/mp/vehicle_routes.cc).
void WriteVehicle(JsonWriter& w, const members::Vehicle& vehicle, std::string_view plate,
                  const std::optional<std::string>& vin);

}  // namespace mileage::server
