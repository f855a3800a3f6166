#pragma once

#include "members/member_accounts.h"
#include "members/member_login.h"
#include "members/member_sessions.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member session routes (docs/API.md, "Member API"): POST /api/mp/login, POST
// /api/mp/logout and GET /api/mp/me, through `router`.
void RegisterMemberSessionRoutes(MpRouter& router, members::MemberLogin& login,
                                 members::MemberSessions& sessions,
                                 members::MemberAccounts& accounts);

}  // namespace mileage::server
