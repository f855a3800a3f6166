#pragma once

#include "care/subscribe_service.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's subscribe-message routes (docs/API.md "Subscribe messages (member side)"): GET
// /api/mp/subscriptions (the brand's templates with the grants the member holds under the
// session's app) and POST /api/mp/subscriptions (the wx.requestSubscribeMessage result object
// as WeChat returns it: {"<template id>":"accept"|"reject"|"ban"|"filter", "errMsg":...}),
// through `router` (a member session; the session's member and app only). `subscriptions` must
// outlive the server.
void RegisterMemberSubscriptionRoutes(MpRouter& router, care::SubscribeService& subscriptions);

}  // namespace mileage::server
