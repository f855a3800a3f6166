#pragma once

#include "care/maintenance_service.h"
#include "common/clock.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's maintenance reminder routes (docs/API.md, "Maintenance reminders (member
// side)"): GET /api/mp/reminders and POST /api/mp/reminders/{id}/dismiss, through `router` (so
// each takes a member session and acts for the session's member only), each one call of
// `maintenance` at `clock`'s now. Both must outlive the server.
void RegisterMemberReminderRoutes(MpRouter& router, care::MaintenanceService& maintenance,
                                  const Clock& clock);

}  // namespace mileage::server
