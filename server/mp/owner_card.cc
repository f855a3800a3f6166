#include "server/mp/owner_card.h"

namespace mileage::server {

Result<OwnerCardView> OwnerCard::Read(const members::MemberPrincipal& member, int64_t now) {
  OwnerCardView card;
  MILEAGE_ASSIGN_OR_RETURN(card.member_code, codes_.Mint(member.brand_id, member.member_id, now));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(members::MemberWithActivity own,
                           accounts_.GetWithActivity(*conn, member.member_id, now));
  card.tier = members::ProgressToNextTier(tiers_, own.member.tier, own.spend_fen, own.visits);
  card.member = std::move(own.member);
  MILEAGE_ASSIGN_OR_RETURN(card.points,
                           points_.Summary(*conn, member.member_id, now, kExpiringHorizonS));
  MILEAGE_ASSIGN_OR_RETURN(card.usable_coupons,
                           coupons_.UsableCount(*conn, {member.member_id, member.brand_id}, now));
  MILEAGE_ASSIGN_OR_RETURN(card.vehicles,
                           vehicles_.List(*conn, {member.member_id, member.brand_id}));
  return card;
}

}  // namespace mileage::server
