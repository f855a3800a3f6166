#pragma once

#include "common/clock.h"
#include "points/ledger.h"
#include "server/mp/mp_router.h"
#include "server/mp/owner_card.h"

namespace mileage::server {

// The member's card and points routes (docs/API.md, "Owner card and points"): GET /api/mp/card
// and GET /api/mp/points, through `router` (so each takes a member session), for the session's
// member at `clock`'s now. The arguments must outlive the server.
void RegisterMemberCardRoutes(MpRouter& router, OwnerCard& card, points::MemberPoints& points,
                              const Clock& clock);

}  // namespace mileage::server
