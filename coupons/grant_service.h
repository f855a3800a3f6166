#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "coupons/access.h"
#include "coupons/issuer.h"
#include "coupons/types.h"
#include "db/db.h"
#include "members/types.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::coupons {

// Whether staff scoped at `scope` see `member` (the console's member rule, which lives above
// coupons: payments::MemberViews::Visible), on `conn`. Supplied by the composition root.
using MemberVisibility = std::function<Result<bool>(
    db::Connection& conn, const org::NodePath& scope, const members::Member& member)>;

// A member a grant names: by id or by member (owner card) number.
struct GrantTarget {
  std::optional<int64_t> member_id;
  std::string member_number;  // used when member_id is not set
};

// What a grant did for one target. `outcome` is "issued" (with the coupon), "already_granted"
// (this request id issued to the member before; with that coupon), or the refusal's code:
// MEMBER_NOT_FOUND, INVALID_MEMBER_REF, NOT_ELIGIBLE, LIMIT_REACHED, SOLD_OUT.
struct GrantOutcome {
  GrantTarget target;
  int64_t member_id = 0;  // 0 when not found
  std::string outcome;
  std::optional<Coupon> coupon;
};

// Staff grants of a stock's coupons to listed members (the grant channel), idempotent by the
// caller's request id: a member is issued at most one coupon per (stock, request id), kept as
// the coupon's source_ref "grant:<request_id>", so a retried request answers already_granted
// for the members it reached. Each member's coupon is its own short transaction with its audit
// record ("coupon.grant"), so a long list never holds the stock's counters. The stock must be
// owned by the caller (StockAccess::CheckOwns with coupon.grant); members are those of the
// stock's brand that `visible` lets the caller see (others, and unknown ones, are
// MEMBER_NOT_FOUND). Owned by the composition root; safe for concurrent use.
class GrantService {
 public:
  static constexpr size_t kMaxTargets = 500;

  GrantService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer,
               RandomSource& random, const members::TierPolicy& tiers, MemberVisibility visible)
      : db_(db),
        access_(authorizer),
        writer_(writer),
        random_(random),
        issuer_(random),
        tiers_(tiers),
        visible_(std::move(visible)) {}

  // One outcome per target, in order. Errors for the whole request, before anything is
  // written: InvalidArgument INVALID_ID, INVALID_REQUEST_ID, INVALID_GRANT (no target or more
  // than kMaxTargets); NotFound STOCK_NOT_FOUND; PermissionDenied; FailedPrecondition
  // NOT_ACTIVE (the stock is not active or its window is over), NOT_ELIGIBLE (it takes no
  // grants); the db errors, and Aborted when one member's coupon lost kIssueAttempts races:
  // then the members before it keep their coupons, and repeating the request (same request id)
  // completes it.
  Result<std::vector<GrantOutcome>> Grant(const org::Actor& actor, int64_t stock_id,
                                          std::string_view request_id,
                                          const std::vector<GrantTarget>& targets, int64_t now);

 private:
  // The member a target names when the caller may grant to them; nullopt otherwise.
  Result<std::optional<members::Member>> Resolve(db::Connection& conn, const org::Actor& actor,
                                                 const Stock& stock, const GrantTarget& target);
  // Issues to one member in its own audited transaction.
  Result<GrantOutcome> GrantOne(const org::Actor& actor, const Stock& stock,
                                const std::string& source_ref, const members::Member& member,
                                int64_t now);

  db::Db& db_;
  const StockAccess access_;
  org::AuditedWriter& writer_;
  RandomSource& random_;
  const Issuer issuer_;
  const members::TierPolicy tiers_;
  const MemberVisibility visible_;
};

}  // namespace mileage::coupons
