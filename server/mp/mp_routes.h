#pragma once

#include "members/member_accounts.h"
#include "members/member_login.h"
#include "members/member_sessions.h"
#include "members/types.h"
#include "server/http/json.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member session routes (docs/API.md, "Member API"): POST /api/mp/login, POST
// /api/mp/logout and GET /api/mp/me, through `router`.
void RegisterMemberSessionRoutes(MpRouter& router, members::MemberLogin& login,
                                 members::MemberSessions& sessions,
                                 members::MemberAccounts& accounts);

// MEMBER: what a member sees of their own account (no identities, no personal data), as
// /api/mp/login, /api/mp/me and /api/mp/card answer it.
void WriteOwnMember(JsonWriter& w, const members::Member& member);

}  // namespace mileage::server
