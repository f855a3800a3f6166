#pragma once

#include "members/partner_identities.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's partner routes (docs/API.md, "Partners that know me"): GET /api/mp/partners and
// DELETE /api/mp/partners/{id}, through `router` (so each takes a member session), each one call
// of `identities` for the session's member. `identities` must outlive the server.
void RegisterMemberPartnerRoutes(MpRouter& router, members::PartnerIdentities& identities);

}  // namespace mileage::server
