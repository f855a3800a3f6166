#pragma once

#include <cstdint>

#include "common/result.h"
#include "coupons/coupon_service.h"
#include "members/member_accounts.h"
#include "members/member_codes.h"
#include "members/member_sessions.h"
#include "members/rules.h"
#include "members/types.h"
#include "members/vehicle_service.h"
#include "points/ledger.h"

namespace mileage::server {

// What the mini-program's home page shows of the signed-in member (GET /api/mp/card).
struct OwnerCardView {
  members::Member member;
  members::TierProgress tier;
  points::PointsSummary points;  // expiring: within kExpiringHorizonS
  int64_t usable_coupons = 0;
  std::vector<members::OwnVehicle> vehicles;  // in clear: the card is the owner's
  members::MemberCode member_code;
};

// The owner card: one read of each module that owns a part of it (the member and their rolling
// activity, the points summary, the count of usable coupons, the vehicles; one query each, no
// per-item queries), all on one pooled connection (a card is the mini-program's hottest read:
// one pool hand-off instead of five), with the tier progress by the members module's rule and a
// fresh member code.
// The parts are read one after another, not in one transaction: a payment landing in between can
// show in one part and not yet in another. Owned by the composition root, with the services it
// reads, which must outlive it; safe for concurrent use.
class OwnerCard {
 public:
  static constexpr int64_t kExpiringHorizonS = 30 * 86400;

  OwnerCard(db::Db& db, members::MemberAccounts& accounts, points::MemberPoints& points,
            coupons::CouponService& coupons, members::VehicleService& vehicles,
            members::MemberCodes& codes, const members::TierPolicy& tiers)
      : db_(db),
        accounts_(accounts),
        points_(points),
        coupons_(coupons),
        vehicles_(vehicles),
        codes_(codes),
        tiers_(tiers) {}

  // The card of the session's member at `now`. Errors: NotFound MEMBER_NOT_FOUND (the member
  // is gone); Internal when OpenSSL fails; the db errors.
  Result<OwnerCardView> Read(const members::MemberPrincipal& member, int64_t now);

 private:
  db::Db& db_;
  members::MemberAccounts& accounts_;
  points::MemberPoints& points_;
  coupons::CouponService& coupons_;
  members::VehicleService& vehicles_;
  members::MemberCodes& codes_;
  const members::TierPolicy tiers_;
};

}  // namespace mileage::server
