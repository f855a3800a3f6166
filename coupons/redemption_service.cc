#include "coupons/redemption_service.h"

#include "common/random.h"
#include "coupons/codes.h"
#include "coupons/coupon_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "db/outbox.h"
#include "members/member_store.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::coupons {
namespace {

constexpr std::string_view kRequestRace = "REDEMPTION_REQUEST_RACE";

Status CouponNotFound(const std::string& what) {
  return NotFoundError("coupon " + what + " not found", "COUPON_NOT_FOUND");
}
Status RedemptionNotFound(int64_t id) {
  return NotFoundOf("redemption", id, "REDEMPTION_NOT_FOUND");
}

org::AuditRecord Base(const char* action, const char* object_type) {
  org::AuditRecord base;
  base.action = action;
  base.object_type = object_type;
  return base;
}

// Whether a repeated request names what the first one did.
bool SameRequest(const Redemption& r, int64_t coupon_id, const RedeemRequest& request) {
  return r.coupon_id == coupon_id && r.store.store_id == request.store_id &&
         r.order_amount_fen == request.order_amount_fen;
}

Redemption NewRedemption(const org::Actor& actor, const Coupon& coupon, const org::NodePath& store,
                         const RedeemRequest& request, int64_t discount_fen, int64_t now) {
  Redemption r;
  r.brand_id = coupon.brand_id;
  r.coupon_id = coupon.id;
  r.stock_id = coupon.stock_id;
  r.member_id = coupon.member_id;
  r.store = store;
  if (actor.staff.has_value()) r.staff_id = actor.staff->staff_id;
  r.request_id = request.request_id;
  r.order_amount_fen = request.order_amount_fen;
  r.discount_fen = discount_fen;
  r.created_at = now;
  return r;
}

// The write of a redemption in its audited transaction: the row (the request id's key decides a
// race of one request with itself), the coupon's conditional move to redeemed, the event.
Status WriteRedemption(db::Connection& tx, const Redemption& redemption,
                       const std::string& reservation, int64_t now, org::AuditRecord& record,
                       RedemptionResult& result) {
  const std::string label = "coupon " + std::to_string(redemption.coupon_id);
  Result<int64_t> inserted = RedemptionStore(tx).Insert(redemption);
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    // Not Aborted: retrying this transaction cannot help, reading the winner's answer does.
    return AlreadyExistsError("the request id was taken meanwhile", std::string(kRequestRace));
  }
  MILEAGE_RETURN_IF_ERROR(inserted.status());
  result.redemption = redemption;
  result.redemption.id = *inserted;
  CouponStore coupons(tx);
  MILEAGE_ASSIGN_OR_RETURN(bool redeemed,
                           coupons.MarkRedeemed(redemption.coupon_id, *inserted, now, reservation));
  // The latest version, locked: a concurrent redemption may have moved it.
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Coupon> current, coupons.Find(redemption.coupon_id, true));
  if (!current.has_value()) return InternalError(label + " vanished");
  if (!redeemed) {
    MILEAGE_RETURN_IF_ERROR(CheckUsable(*current, now));
    MILEAGE_RETURN_IF_ERROR(CheckHolder(*current, reservation));
    return AbortedError(label + " changed meanwhile");
  }
  result.coupon = std::move(*current);
  // A redemption at the counter is a visit (churn and recency read the member's last one).
  OsRandom no_draws;  // MemberStore wants a source; RecordVisit never draws
  MILEAGE_RETURN_IF_ERROR(members::MemberStore(tx, no_draws)
                              .RecordVisit(redemption.member_id, redemption.store.store_id, now));
  MILEAGE_RETURN_IF_ERROR(db::AddOutboxEvent(
      tx, "coupon.redeemed", redemption.brand_id, std::to_string(redemption.coupon_id),
      db::PayloadJson({{"coupon_id", redemption.coupon_id},
                       {"redemption_id", result.redemption.id},
                       {"stock_id", redemption.stock_id},
                       {"member_id", redemption.member_id},
                       {"store_id", redemption.store.store_id},
                       {"order_amount_fen", redemption.order_amount_fen},
                       {"discount_fen", redemption.discount_fen}}),
      now));
  record.brand_id = redemption.brand_id;
  record.object_id = redemption.coupon_id;
  record.detail = "at store " + std::to_string(redemption.store.store_id) + ", order " +
                  std::to_string(redemption.order_amount_fen) + " fen, discount " +
                  std::to_string(redemption.discount_fen) + " fen, request " +
                  redemption.request_id;
  return Status::Ok();
}

}  // namespace

Result<RedemptionService::CouponKey> RedemptionService::ValidateRedeem(const RedeemRequest& request,
                                                                       int64_t now) const {
  if (request.code.empty() == request.qr_token.empty()) {
    return InvalidArgumentError("give either code or qr_token", "INVALID_REDEMPTION");
  }
  CouponKey key;
  if (!request.code.empty()) {
    MILEAGE_ASSIGN_OR_RETURN(key.code, NormalizeCouponCode(request.code));
  } else {
    MILEAGE_ASSIGN_OR_RETURN(key.coupon_id, tokens_.Verify(request.qr_token, now));
  }
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(request.store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateRequestId(request.request_id));
  if (request.order_amount_fen < 0 || request.order_amount_fen > kMaxOrderFen) {
    return InvalidArgumentError("order_amount_fen must be 0.." + std::to_string(kMaxOrderFen),
                                "INVALID_ORDER_AMOUNT");
  }
  return key;
}

Result<RedemptionResult> RedemptionService::Redeem(const org::Actor& actor,
                                                   const RedeemRequest& request, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(CouponKey key, ValidateRedeem(request, now));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kCouponRedeem));
  // A request that lost the race for its own request id reads the winner's redemption.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool raced = false;
    Result<RedemptionResult> result = RedeemOnce(actor, request, key, "", now, raced);
    if (!raced) return result;
  }
  return AbortedError("request_id " + request.request_id + " is being redeemed; retry");
}

Result<RedemptionResult> RedemptionService::RedeemReserved(const org::Actor& actor,
                                                           int64_t coupon_id, int64_t store_id,
                                                           std::string_view holder, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(coupon_id, "coupon_id"));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kCouponRedeem));
  RedeemRequest request;
  request.store_id = store_id;
  request.request_id = std::string(holder);
  const CouponKey key{"", coupon_id};
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool raced = false;
    Result<RedemptionResult> result =
        RedeemOnce(actor, request, key, request.request_id, now, raced);
    if (!raced) return result;
  }
  return AbortedError(request.request_id + " is being redeemed; retry");
}

Result<RedemptionService::Checked> RedemptionService::CheckRedeem(const org::Actor& actor,
                                                                  const RedeemRequest& request,
                                                                  const CouponKey& key,
                                                                  const std::string& reservation,
                                                                  int64_t now) {
  const org::AuditRecord base = Base("coupon.redeem", "coupon");
  const std::string label =
      key.code.empty() ? std::to_string(key.coupon_id) : FormatCouponCode(key.code);
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  CouponStore coupons(*conn);
  std::optional<Coupon> coupon;
  if (key.code.empty()) {
    MILEAGE_ASSIGN_OR_RETURN(coupon, coupons.Find(key.coupon_id));
  } else {
    MILEAGE_ASSIGN_OR_RETURN(coupon, coupons.FindByCode(key.code));
  }
  if (!coupon.has_value()) return writer_.Refuse(actor, base, CouponNotFound(label));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Stock> stock, StockStore(*conn).Find(coupon->stock_id));
  if (!stock.has_value()) return InternalError("coupon " + label + " has no stock");
  Status seen = access_.CheckSees(actor, *stock, org::Action::kCouponRedeem, CouponNotFound(label));
  if (!seen.ok()) return writer_.Refuse(actor, base, std::move(seen));

  const std::string store_label = org::NodeLabel(org::NodeType::kStore, request.store_id);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                           org::NodeStore(*conn).Find(org::NodeType::kStore, request.store_id));
  if (!store.has_value() || store->path.brand_id != coupon->brand_id) {
    return writer_.Refuse(actor, base, NotFoundError(store_label + " not found"));
  }
  Status in_scope = authorizer_.Check(actor, org::Action::kCouponRedeem, store->path, store_label);
  if (!in_scope.ok()) return writer_.Refuse(actor, base, std::move(in_scope));
  if (!store->active) {
    return FailedPreconditionError(store_label + " is deactivated", "STORE_INACTIVE");
  }
  Checked checked{std::move(*coupon), std::move(*stock), store->path, std::nullopt, 0};
  MILEAGE_ASSIGN_OR_RETURN(checked.earlier, RedemptionStore(*conn).FindByRequest(
                                                checked.coupon.brand_id, request.request_id));
  if (checked.earlier.has_value()) {
    if (!SameRequest(*checked.earlier, checked.coupon.id, request)) {
      return FailedPreconditionError(
          "request_id " + request.request_id + " was used for another redemption",
          "REQUEST_ID_REUSED");
    }
    return checked;
  }
  if (!StockAccess::RedeemableAt(checked.stock, checked.store)) {
    return FailedPreconditionError("coupon " + label + " is not redeemable at " + store_label,
                                   "WRONG_STORE");
  }
  MILEAGE_RETURN_IF_ERROR(CheckUsable(checked.coupon, now));
  MILEAGE_RETURN_IF_ERROR(CheckHolder(checked.coupon, reservation));
  MILEAGE_ASSIGN_OR_RETURN(checked.discount_fen,
                           DiscountFor(checked.stock, request.order_amount_fen));
  return checked;
}

Result<RedemptionResult> RedemptionService::RedeemOnce(const org::Actor& actor,
                                                       const RedeemRequest& request,
                                                       const CouponKey& key,
                                                       const std::string& reservation, int64_t now,
                                                       bool& raced) {
  // The reads hold a pooled connection only until the write takes its own.
  MILEAGE_ASSIGN_OR_RETURN(Checked checked, CheckRedeem(actor, request, key, reservation, now));
  if (checked.earlier.has_value()) {
    return RedemptionResult{std::move(*checked.earlier), std::move(checked.coupon)};
  }
  const Redemption redemption =
      NewRedemption(actor, checked.coupon, checked.store, request, checked.discount_fen, now);
  RedemptionResult result;
  Status written = writer_.Run(
      actor, Base("coupon.redeem", "coupon"), [&](db::Connection& tx, org::AuditRecord& record) {
        return WriteRedemption(tx, redemption, reservation, now, record, result);
      });
  if (written.reason() == kRequestRace) {
    raced = true;
    return written;
  }
  MILEAGE_RETURN_IF_ERROR(written);
  return result;
}

Result<RedemptionResult> RedemptionService::Reverse(const org::Actor& actor, int64_t redemption_id,
                                                    std::string_view reason, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(redemption_id, "redemption_id"));
  Status reason_ok = org::ValidateText(reason, "reason", 1, 255);
  if (!reason_ok.ok()) return InvalidArgumentError(reason_ok.message(), "INVALID_REASON");
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kRedemptionReverse));
  org::AuditRecord base = Base("redemption.reverse", "redemption");
  base.object_id = redemption_id;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Redemption> found,
                             RedemptionStore(*conn).Find(redemption_id));
    if (!found.has_value()) return writer_.Refuse(actor, base, RedemptionNotFound(redemption_id));
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Stock> stock, StockStore(*conn).Find(found->stock_id));
    if (!stock.has_value()) return InternalError("redemption without a stock");
    Status seen = access_.CheckRedemption(actor, *found, *stock, org::Action::kRedemptionReverse,
                                          RedemptionNotFound(redemption_id));
    if (!seen.ok()) return writer_.Refuse(actor, base, std::move(seen));
  }
  const Status already = FailedPreconditionError(
      "redemption " + std::to_string(redemption_id) + " was reversed already", "ALREADY_REVERSED");
  std::optional<int64_t> staff_id;
  if (actor.staff.has_value()) staff_id = actor.staff->staff_id;
  RedemptionResult result;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        RedemptionStore redemptions(tx);
        MILEAGE_ASSIGN_OR_RETURN(bool reversed,
                                 redemptions.MarkReversed(redemption_id, staff_id, reason, now));
        if (!reversed) return already;
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Redemption> redemption,
                                 redemptions.Find(redemption_id));
        CouponStore coupons(tx);
        MILEAGE_ASSIGN_OR_RETURN(bool restored,
                                 coupons.Unredeem(redemption->coupon_id, redemption_id, now));
        if (!restored) return already;
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Coupon> coupon, coupons.Find(redemption->coupon_id));
        MILEAGE_RETURN_IF_ERROR(db::AddOutboxEvent(
            tx, "coupon.reversed", redemption->brand_id, std::to_string(redemption->coupon_id),
            db::PayloadJson({{"coupon_id", redemption->coupon_id},
                             {"redemption_id", redemption_id},
                             {"state", CouponStateName(coupon->state)},
                             {"reason", reason}}),
            now));
        record.brand_id = redemption->brand_id;
        record.detail =
            "coupon " + std::to_string(redemption->coupon_id) + ": " + std::string(reason);
        result = {std::move(*redemption), std::move(*coupon)};
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return result;
}

Result<PageOf<Redemption>> RedemptionService::StoreRedemptions(
    const org::Actor& actor, int64_t store_id, const std::optional<civil::Date>& day,
    const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(store_id, "store_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  const std::string label = org::NodeLabel(org::NodeType::kStore, store_id);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                           org::NodeStore(*conn).Find(org::NodeType::kStore, store_id));
  if (!store.has_value()) return NotFoundError(label + " not found");
  MILEAGE_RETURN_IF_ERROR(
      authorizer_.Check(actor, org::Action::kRedemptionRead, store->path, label));
  std::optional<std::pair<int64_t, int64_t>> window;
  if (day.has_value()) {
    const int64_t start = civil::BeijingStartOfDay(*day);
    window = std::make_pair(start, start + civil::kSecondsPerDay);
  }
  return RedemptionStore(*conn).AtStore(store_id, window, page);
}

}  // namespace mileage::coupons
