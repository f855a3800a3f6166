#pragma once

#include "common/clock.h"
#include "members/vehicle_service.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's vehicle routes (docs/API.md, "Vehicles"): GET and POST /api/mp/vehicles, PATCH
// and DELETE /api/mp/vehicles/{id}, through `router` (so each takes a member session), each
// one call of `vehicles` for the session's member at `clock`'s now. `vehicles` and `clock`
// must outlive the server.
void RegisterMemberVehicleRoutes(MpRouter& router, members::VehicleService& vehicles,
                                 const Clock& clock);

}  // namespace mileage::server
