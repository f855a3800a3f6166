#pragma once

#include "members/partner_identities.h"
#include "points/partner_reports.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's partner routes (docs/API.md, "Partners that know me"): GET /api/mp/partners (the
// linked partners from `identities`, each with the points earned there from `reports`) and
// DELETE /api/mp/partners/{id}, through `router` (so each takes a member session), for the
// session's member. `identities` and `reports` must outlive the server.
void RegisterMemberPartnerRoutes(MpRouter& router, members::PartnerIdentities& identities,
                                 points::PartnerReports& reports);

}  // namespace mileage::server
