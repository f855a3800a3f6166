#pragma once

#include "org/store_locator.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// GET /api/mp/stores?lat=&lng= (docs/API.md, "GET /api/mp/stores"): the session's brand's active
// stores, nearest first when a position is given, through `router`. `stores` must outlive the
// server.
void RegisterMemberStoreRoutes(MpRouter& router, org::StoreLocator& stores);

}  // namespace mileage::server
