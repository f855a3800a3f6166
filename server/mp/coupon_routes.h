#pragma once

#include "common/clock.h"
#include "coupons/coupon_service.h"
#include "server/mp/mp_router.h"

namespace mileage::server {

// The member's coupon routes (docs/API.md, "Coupons (member side)"): GET /api/mp/stocks, POST
// /api/mp/stocks/{id}/claim, GET /api/mp/coupons, GET /api/mp/coupons/{id} and POST
// /api/mp/coupons/{id}/qr, through `router` (so each takes a member session), each one call of
// `coupons` for the session's member at `clock`'s now. `coupons` and `clock` must outlive the
// server.
void RegisterMemberCouponRoutes(MpRouter& router, coupons::CouponService& coupons,
                                const Clock& clock);

}  // namespace mileage::server
