#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "db/db.h"
#include "members/types.h"

namespace mileage::members {

class PhoneVault;

// A member's tier bookkeeping as the downgrade job sees it.
struct TierState {
  int64_t member_id = 0;
  std::string tier;
  std::optional<int64_t> tier_below_since;
  int64_t spend_fen = 0;                 // rolling 12 months
  int64_t visits = 0;                    // rolling 12 months
  std::optional<int64_t> first_paid_at;  // the earliest recorded payment; nullopt before any
  std::optional<int64_t> last_visit_at;  // the latest payment or redemption; nullopt before any
};

// What a member session's truth check reads about a member (members/member_session_truth.h).
struct MemberStanding {
  int64_t brand_id = 0;
  std::string status;         // "active" | "suspended"
  bool holds_openid = false;  // the member holds an openid of the app asked about
};

// The SQL of members, member_identities, member_activity and member_tier_changes on one
// connection, inside the caller's transaction (the payment flow enrolls, records activity and
// credits points in one commit). Lives for one use of its connection; not safe for concurrent
// use. Errors: the db::Connection errors, plus those listed.
class MemberStore {
 public:
  MemberStore(db::Connection& conn, RandomSource& random) : conn_(conn), random_(random) {}

  // The member of the payer's (brand, appid, openid), enrolling a new one (tier = the policy's
  // first tier, enrolled_via, enrolled_store_id) with the openid identity and, when given, the
  // unionid identity. Race-free through the unique identity key: when a concurrent transaction
  // enrolled the same payer first this returns Aborted, so the caller's db::InTransaction
  // retries and then finds that member. A unionid already held by another member of the brand
  // is not attached (the member is still enrolled).
  Result<Enrollment> FindOrEnroll(const PayerIdentity& payer, std::string_view first_tier,
                                  std::string_view enrolled_via, int64_t store_id, int64_t now);

  // Locks the member's row until commit (FOR UPDATE on MySQL; SQLite's write transaction holds
  // the lock already), so that every writer of one member's activity, tier and points goes one
  // at a time in the same order and concurrent payments of a payer cannot deadlock.
  // NotFound MEMBER_NOT_FOUND when no member has the id.
  Status LockMember(int64_t member_id);

  Result<std::optional<Member>> Find(int64_t member_id);
  Result<std::optional<Member>> FindByNumber(std::string_view number);
  Result<std::optional<Member>> FindByOpenid(int64_t brand_id, std::string_view appid,
                                             std::string_view openid);
  Result<std::vector<Identity>> Identities(int64_t member_id);
  // The masked phone ("138****8000", as Identities shows it) of each of `member_ids` that has
  // one, in one query (an export's page: at most PageRequest::kMaxPageSize ids).
  Result<std::map<int64_t, std::string>> MaskedPhones(const std::vector<int64_t>& member_ids);
  // The card numbers of the members of `member_ids` that exist, by member id; one statement.
  Result<std::map<int64_t, std::string>> Numbers(const std::vector<int64_t>& member_ids);
  // The member's brand and status and whether it holds an openid of `appid`, in one query;
  // nullopt when no member has the id. Static: it draws no member numbers.
  static Result<std::optional<MemberStanding>> Standing(db::Connection& conn, int64_t member_id,
                                                        std::string_view appid);
  // Sets the member's status ("active" or "suspended") with a conditional update; false when it
  // had it already. NotFound MEMBER_NOT_FOUND when no member has the id; InvalidArgument
  // INVALID_FIELD for another status; FailedPrecondition MEMBER_DELETED when the member was
  // deleted (members/member_privacy.h: a deletion is final).
  Result<bool> SetStatus(int64_t member_id, std::string_view status, int64_t now);

  // Adds `spend_fen` (negative for a refund) and `visits` (+1 for a payment, 0 for a refund)
  // to the member's activity of the calendar month of `at`.
  Status RecordActivity(int64_t member_id, int64_t spend_fen, int64_t visits, int64_t at);
  // Spend and visits over the rolling 12 months ending in the month of `now`.
  struct Activity {
    int64_t spend_fen = 0;
    int64_t visits = 0;
  };
  Result<Activity> RollingActivity(int64_t member_id, int64_t now);
  // The member and RollingActivity in one statement (the owner card's read); nullopt when no
  // member has the id.
  Result<std::optional<std::pair<Member, Activity>>> FindWithActivity(int64_t member_id,
                                                                      int64_t now);

  // Moves the member up to the highest tier their rolling activity qualifies for, when that is
  // above their current tier, and records the change; nullopt when the tier stays. Never
  // moves down (that is the downgrade job's, after the grace period).
  Result<std::optional<TierChange>> UpgradeIfQualified(int64_t member_id, const TierPolicy& policy,
                                                       int64_t now);
  // A payment's whole effect on the member, reading the member row once: LockMember, then
  // RecordActivity(spend_fen, 1 visit, at), the member's first payment (first_paid_at and its
  // Beijing month-day first_paid_md, when `at` is earlier than the one recorded or none is) and
  // last visit (last_visit_at and last_visit_store_id = `store_id`, when `at` is later), then
  // UpgradeIfQualified. Errors: theirs.
  Result<std::optional<TierChange>> RecordPayment(int64_t member_id, int64_t spend_fen, int64_t at,
                                                  int64_t store_id, const TierPolicy& policy,
                                                  int64_t now);
  // A visit other than a payment (a coupon redeemed at `store_id`): moves last_visit_at and
  // last_visit_store_id forward to `at` when it is later than the recorded one (one conditional
  // UPDATE; an older visit arriving late changes nothing). A missing member changes nothing.
  Status RecordVisit(int64_t member_id, int64_t store_id, int64_t at);
  Result<std::vector<TierChange>> TierHistory(int64_t member_id);

  // Additions beyond the interface agreed with payments (console, downgrade job). One
  // behaviour beyond the agreed text: FindOrEnroll also attaches the payer's unionid to an
  // existing member that has none (same rule: not when another member holds it).

  // Attaches `phone` to the member as its phone identity (replacing a different phone it held).
  // Idempotent for the phone it already holds. Errors: InvalidArgument (INVALID_ID,
  // INVALID_PHONE); NotFound MEMBER_NOT_FOUND when the member is not of `brand_id`;
  // AlreadyExists PHONE_TAKEN when another member of the brand holds the phone.
  Status AttachPhone(int64_t member_id, int64_t brand_id, std::string_view phone,
                     const PhoneVault& phones, int64_t now);

  // The members of `brand_id` with an identity of `kind` whose stored value is `value` (for a
  // phone, the PhoneVault hash), under any appid; id order, at most `limit`.
  Result<std::vector<Member>> FindByIdentity(int64_t brand_id, IdentityKind kind,
                                             std::string_view value, int64_t limit);

  // Members above `base_tier` with id > `after_id`, id order, at most `limit`, with their
  // rolling activity at `now` (the downgrade job's scan; no locks).
  Result<std::vector<TierState>> ScanTiers(std::string_view base_tier, int64_t after_id,
                                           int64_t limit, int64_t now);
  // One member's state at `now`, its row locked until commit (FOR UPDATE on MySQL; SQLite's
  // transaction holds the write lock). nullopt when no member has the id.
  Result<std::optional<TierState>> LockTierState(int64_t member_id, int64_t now);
  // LockTierState's first half: the member's tier, its row locked, activity not read.
  Result<std::optional<TierState>> LockTier(int64_t member_id);
  // Sets or clears tier_below_since.
  Status SetTierBelowSince(int64_t member_id, std::optional<int64_t> since, int64_t now);
  // Moves the member from `from` to `to` (a conditional update on `from`; FailedPrecondition
  // TIER_CHANGED when the member is no longer in `from`), clears tier_below_since and records
  // the change.
  Result<TierChange> ChangeTier(int64_t member_id, std::string_view from, std::string_view to,
                                std::string reason, int64_t now);

 private:
  // RecordPayment's first_paid_at/_md and last_visit_at/_store_id from the locked `state`.
  Status RecordPaymentDates(const TierState& state, int64_t at, int64_t store_id);
  // Moves a locked member up as UpgradeIfQualified says, from `state` (tier and activity).
  Result<std::optional<TierChange>> UpgradeFrom(const TierState& state, const TierPolicy& policy,
                                                int64_t now);
  // Inserts a member with a fresh number, drawing again on a number collision.
  Result<Member> InsertMember(int64_t brand_id, std::string_view tier,
                              std::string_view enrolled_via, int64_t store_id, int64_t now);

  db::Connection& conn_;
  RandomSource& random_;
};

// The columns of a members row ("m.id, m.brand_id, ..." of `members m`) and the Member they
// make, for read models above members that select members with their own conditions
// (payments::PaymentStore::MembersSeenIn).
inline constexpr const char* kMemberColumns =
    "m.id, m.brand_id, m.number, m.tier, m.status, m.enrolled_via, m.enrolled_store_id, "
    "m.created_at, m.updated_at";
Member MemberFromRow(const db::Row& row);

// The index of `tier` in the policy, or nullopt when the policy has no such tier.
std::optional<size_t> TierRank(const TierPolicy& policy, std::string_view tier);

// A new owner card number: 11 random digits (first not 0) and a Luhn check digit.
std::string NewMemberNumber(RandomSource& random);
// True when `number` is 12 digits whose Luhn check digit is right.
bool IsValidMemberNumber(std::string_view number);

}  // namespace mileage::members
