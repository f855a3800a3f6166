#pragma once

#include "common/clock.h"
#include "growth/feedback_service.h"
#include "server/console/console_router.h"

namespace mileage::server {

// The console's visit feedback routes (docs/API.md "Visit feedback (console)"): GET
// /api/console/feedback/nps and /feedback/detractors (feedback.read), POST
// /api/console/feedback/ratings/{id}/follow-up (feedback.follow_up), each one call of
// `feedback` at `clock`'s now. Both must outlive the server.
void RegisterFeedbackRoutes(ConsoleRouter& router, growth::FeedbackService& feedback,
                            const Clock& clock);

}  // namespace mileage::server
