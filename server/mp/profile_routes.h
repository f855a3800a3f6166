#pragma once

#include "members/member_phone.h"
#include "members/member_profile.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's own personal data (docs/API.md, "Phone, profile and consents"): POST
// /api/mp/phone, GET and PATCH /api/mp/profile, through `router` (for the session's member
// only). `phones` and `profiles` must outlive the server.
void RegisterMemberProfileRoutes(MpRouter& router, members::MemberPhones& phones,
                                 members::MemberProfiles& profiles);

}  // namespace mileage::server
