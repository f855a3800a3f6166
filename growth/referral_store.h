#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "growth/referral_types.h"

namespace mileage::growth {

// The referral tables (migration 0035) on one connection, inside the caller's transaction or
// not. Not safe for concurrent use. Errors: the db::Connection errors; AlreadyExists from the
// inserts whose unique key clashed.
class ReferralStore {
 public:
  explicit ReferralStore(db::Connection& conn) : conn_(conn) {}

  // The brand's rule; `lock` takes its row until commit (attaching serializes per brand on it).
  Result<std::optional<ReferralRule>> FindRule(int64_t brand_id, bool lock = false);
  // Inserts or replaces the brand's rule (created_at kept when it existed).
  Status PutRule(const ReferralRule& rule);

  // The member's code, or nullopt.
  Result<std::optional<std::string>> CodeOf(int64_t member_id);
  Status InsertCode(int64_t member_id, int64_t brand_id, std::string_view code, int64_t now);
  // The owner (member id, brand id) of `code`, or nullopt.
  Result<std::optional<std::pair<int64_t, int64_t>>> OwnerOfCode(std::string_view code);

  // The referee's referral (locked with `lock`, a locking read on MySQL), or nullopt.
  Result<std::optional<Referral>> OfReferee(int64_t referee_member_id, bool lock);
  // The referral whose qualifying payment is `payment_id` (locked), or nullopt.
  Result<std::optional<Referral>> OfPayment(int64_t payment_id);
  // The member's referrer, read with a lock (the chain walk of a loop check), or nullopt.
  Result<std::optional<int64_t>> ReferrerOf(int64_t member_id);
  // Inserts a pending referral; returns its id. AlreadyExists when the referee has one.
  Result<int64_t> Insert(const Referral& referral);

  // pending -> rewarded | capped | expired with what `r` carries (payment, points, coupons,
  // reason). False when the referral was not pending any more.
  Result<bool> Settle(const Referral& r);
  // rewarded | capped -> clawed_back. False when it was in neither state.
  Result<bool> ClawBack(int64_t id, int64_t now);

  // Counts one reward of the referrer in Beijing month `month` unless `cap` were reached:
  // true when counted. One conditional update of the (referrer, month) row, so that concurrent
  // first payments never count past the cap.
  Result<bool> TakeMonthSlot(int64_t referrer_member_id, int64_t month, int64_t cap);
  // How many rewards the referrer was counted in `month`.
  Result<int64_t> MonthCount(int64_t referrer_member_id, int64_t month);

  // A page of the referrer's referrals, newest first.
  Result<PageOf<Referral>> OfReferrer(int64_t referrer_member_id, const PageRequest& page);
  // The referrer's totals at `now`.
  Result<ReferrerTotals> TotalsOf(int64_t referrer_member_id, int64_t now);
  // A page of the brand's referrals matching `filter` at `now`, newest first.
  Result<PageOf<Referral>> OfBrand(int64_t brand_id, const ReferralFilter& filter,
                                   const PageRequest& page, int64_t now);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::growth
