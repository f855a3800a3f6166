#pragma once

#include "common/clock.h"
#include "growth/feedback_service.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's visit feedback routes (docs/API.md "Visit feedback (member side)"): GET
// /api/mp/feedback/visits and POST /api/mp/feedback/ratings, through `router` (so each takes
// a member session and acts for the session's member only), each one call of `feedback` at
// `clock`'s now. Both must outlive the server.
void RegisterMemberFeedbackRoutes(MpRouter& router, growth::FeedbackService& feedback,
                                  const Clock& clock);

}  // namespace mileage::server
