#pragma once

#include <httplib.h>

#include <cstdint>
#include <utility>

#include "care/activity_types.h"
#include "common/result.h"
#include "server/http/json.h"

namespace mileage::server {

// The JSON of owner activities (docs/API.md, "Activities"), shared by the console's and the
// member API's routes: what they write and the bodies and queries they parse. Pure.

// ACTIVITY and SIGNUP as docs/API.md shows them.
void WriteActivity(JsonWriter& w, const care::Activity& activity);
void WriteSignup(JsonWriter& w, const care::Signup& signup);

// POST /api/console/activities {"node":{"type","id"},"title","description"?,"place",
// "starts_at","ends_at","capacity","signup_opens_at","signup_closes_at","min_tier"?} (times RFC
// 3339). InvalidArgument MALFORMED_JSON, BODY_NOT_OBJECT, UNKNOWN_FIELD, MISSING_FIELD,
// INVALID_FIELD, INVALID_ID; the ranges are the service's.
Result<care::NewActivity> ParseNewActivity(const httplib::Request& req);
// ?node_type=&node_id= of a console listing, both required. InvalidArgument INVALID_NODE_TYPE,
// INVALID_ID.
Result<std::pair<org::NodeType, int64_t>> QueryNode(const httplib::Request& req);

}  // namespace mileage::server
