#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "growth/feedback_types.h"

namespace mileage::growth {

// The visits of members as visit feedback sees them, read through the payments module's and
// the coupons module's stores (never their tables): a paid WeChat payment at a store
// (payments::PaymentStore) or a coupon redemption at a store (coupons::RedemptionStore), with
// the store's name (org::NodeStore). Stateless functions on the caller's connection.

// The member's visits made at or after `since`, newest first, at most kMaxVisitsListed,
// withdrawn ones (refunded in full, reversed) included and marked. Errors: the db errors.
Result<std::vector<Visit>> VisitsOfMemberSince(db::Connection& conn, int64_t member_id,
                                               int64_t since);
// The visit `kind` `id` (any member's); nullopt when there is none. Errors: the db errors.
Result<std::optional<Visit>> FindVisit(db::Connection& conn, VisitKind kind, int64_t id);
// The names of the nodes of `type` among `ids`, in the order of `ids` ("" for an unknown id).
Result<std::vector<std::string>> NodeNames(db::Connection& conn, org::NodeType type,
                                           const std::vector<int64_t>& ids);

}  // namespace mileage::growth
