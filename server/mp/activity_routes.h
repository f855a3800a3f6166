#pragma once

#include "care/activity_service.h"
#include "common/clock.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's activity routes (docs/API.md, "Activities (member side)"): GET
// /api/mp/activities and /api/mp/activities/{id}, POST /api/mp/activities/{id}/signups, GET
// /api/mp/activity-signups and /api/mp/activity-signups/{id}, POST
// /api/mp/activity-signups/{id}/cancel, through `router` (so each takes a member session and
// acts for the session's member only), each one call of `activities` at `clock`'s now.
// `activities` and `clock` must outlive the server.
void RegisterMemberActivityRoutes(MpRouter& router, care::ActivityService& activities,
                                  const Clock& clock);

}  // namespace mileage::server
