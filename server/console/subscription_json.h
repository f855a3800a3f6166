#pragma once

#include <vector>

#include "care/subscribe_types.h"
#include "server/http/json.h"

namespace mileage::server {

// SUBSCRIBE_TEMPLATE: {"id","brand_id","topic","template_id","title","marketing","page",
// "fields":{"<keyword>":"<payload field>",...},"created_at","updated_at"}.
void WriteSubscribeTemplate(JsonWriter& w, const care::SubscribeTemplate& t);
// {"items":[{"template_id","title","topic","marketing","remaining"}, ...]}: what a member may
// subscribe to (GET and POST /api/mp/subscriptions).
void WriteMemberSubscriptions(JsonWriter& w, const std::vector<care::MemberSubscription>& list);

}  // namespace mileage::server
