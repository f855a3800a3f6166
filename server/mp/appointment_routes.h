#pragma once

#include "care/care_module.h"
#include "common/clock.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's appointment routes (docs/API.md, "Appointments (member side)"): GET
// /api/mp/stores/{id}/slots, POST and GET /api/mp/appointments, GET /api/mp/appointments/{id},
// POST /api/mp/appointments/{id}/reschedule and /cancel, through `router` (so each takes a
// member session and acts for the session's member only), each one call of `care` at
// `clock`'s now. `care` and `clock` must outlive the server.
void RegisterMemberAppointmentRoutes(MpRouter& router, care::CareModule& care, const Clock& clock);

}  // namespace mileage::server
