#pragma once

#include "growth/feedback_types.h"
#include "server/http/json.h"

namespace mileage::server {

// The JSON of visit feedback (docs/API.md "Visit feedback"), shared by the console and member
// routes.

// COUNTS: {"promoters","passives","detractors","responses","nps" (null without responses)}.
void WriteNpsCounts(JsonWriter& w, const growth::NpsCounts& counts);
// A rating as its member sees it: {"id","kind","visit_id","score","comment","rated_at"}.
void WriteMemberRating(JsonWriter& w, const growth::Rating& r);
// A rating as staff see it: {"id","store":{"id","name"},"brand_id","region_id","dealer_id",
// "store_id","member_id","visit":{"kind","id","visited_at"},"score","comment","rated_at",
// "follow_up":{"state","note","by":{"staff_id","username"}|null,"at"}|null}.
void WriteStaffRating(JsonWriter& w, const growth::Rating& r);

}  // namespace mileage::server
