#pragma once

#include "privacy/member_rights.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's rights over their data (docs/API.md "Privacy and data"): POST
// /api/mp/privacy/export (everything Mileage holds about the member, as one JSON document) and
// POST /api/mp/privacy/deletion ({"confirm":true}: erase the member's personal data and end the
// session), through `router` (the session's member only). `rights` must outlive the server.
void RegisterMemberPrivacyRoutes(MpRouter& router, privacy::MemberRights& rights);

}  // namespace mileage::server
