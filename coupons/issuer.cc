#include "coupons/issuer.h"

#include "coupons/codes.h"
#include "coupons/coupon_store.h"
#include "coupons/rules.h"
#include "db/outbox.h"

namespace mileage::coupons {
namespace {

Status Race(const std::string& what) {
  return AbortedError(what + " changed meanwhile; retry", std::string(kIssueRaceReason));
}

// The shard to take a unit from: the member's home shard when it has room, else the next one
// after it (wrapping) that has room. `with_room` is not empty.
int64_t PickShard(const std::vector<int64_t>& with_room, int64_t member_id) {
  const int64_t home = member_id % kShards;
  int64_t best = with_room.front();
  int64_t best_distance = kShards;
  for (int64_t shard : with_room) {
    const int64_t distance = ((shard - home) % kShards + kShards) % kShards;
    if (distance < best_distance) {
      best = shard;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace

Status Issuer::CheckRoom(const IssueContext& context) {
  const Stock& stock = context.stock;
  if (context.member_slots >= stock.per_member_limit) {
    return FailedPreconditionError("the member holds " + std::to_string(stock.per_member_limit) +
                                       " coupons of stock " + std::to_string(stock.id) +
                                       " already, the most one member may",
                                   "LIMIT_REACHED");
  }
  if (context.shards_with_room.empty()) {
    return FailedPreconditionError("stock " + std::to_string(stock.id) + " is sold out",
                                   "SOLD_OUT");
  }
  return Status::Ok();
}

Result<Coupon> Issuer::Issue(db::Connection& conn, const IssueContext& context,
                             const IssueRequest& request) const {
  MILEAGE_RETURN_IF_ERROR(CheckRoom(context));
  const Stock& stock = context.stock;
  Coupon coupon;
  coupon.code = NewCouponCode(random_);
  coupon.brand_id = stock.node.brand_id;
  coupon.stock_id = stock.id;
  coupon.member_id = request.member_id;
  coupon.member_slot = context.member_slots + 1;
  coupon.channel = request.channel;
  coupon.source_ref = request.source_ref;
  coupon.state = CouponState::kIssued;
  coupon.issued_at = request.now;
  coupon.valid_from = CouponValidFrom(stock, request.now);
  coupon.expires_at = CouponExpiresAt(stock, request.now);
  coupon.updated_at = request.now;
  Result<int64_t> inserted = CouponStore(conn).Insert(coupon);
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return Race("the member's coupons of stock " + std::to_string(stock.id));
  }
  MILEAGE_RETURN_IF_ERROR(inserted.status());
  coupon.id = *inserted;
  MILEAGE_RETURN_IF_ERROR(
      db::AddOutboxEvent(conn, "coupon.issued", coupon.brand_id, std::to_string(coupon.id),
                         db::PayloadJson({{"coupon_id", coupon.id},
                                          {"stock_id", stock.id},
                                          {"member_id", coupon.member_id},
                                          {"channel", ChannelName(coupon.channel)}}),
                         request.now));
  StockStore stocks(conn);
  if (stock.daily_quantity > 0) {
    MILEAGE_ASSIGN_OR_RETURN(
        bool took_day, stocks.TakeDay(stock.id, BeijingDay(request.now), stock.daily_quantity));
    if (!took_day) {
      return FailedPreconditionError("today's " + std::to_string(stock.daily_quantity) +
                                         " coupons of stock " + std::to_string(stock.id) +
                                         " are gone; more tomorrow",
                                     "SOLD_OUT");
    }
  }
  MILEAGE_ASSIGN_OR_RETURN(bool took, stocks.TakeShard(stock.id, PickShard(context.shards_with_room,
                                                                           request.member_id)));
  if (!took) return Race("the quantity of stock " + std::to_string(stock.id));
  return coupon;
}

}  // namespace mileage::coupons
