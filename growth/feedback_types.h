#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_time.h"
#include "org/types.h"

namespace mileage::growth {

// What a member rates: a paid WeChat payment at a store, or a coupon redemption at a store.
enum class VisitKind { kPayment, kRedemption };

// "payment", "redemption".
std::string_view VisitKindName(VisitKind kind);
std::optional<VisitKind> ParseVisitKind(std::string_view name);

// A visit may be rated for this long after it (inclusive: exactly 7 days after is still in).
inline constexpr int64_t kRatingWindowSeconds = 7 * civil::kSecondsPerDay;
// The most visits the member's list shows (newest first).
inline constexpr int64_t kMaxVisitsListed = 50;
// Comment and follow-up note lengths in characters (code points).
inline constexpr size_t kMaxCommentChars = 500;
inline constexpr size_t kMaxNoteChars = 500;
inline constexpr int64_t kMinScore = 0;
inline constexpr int64_t kMaxScore = 10;

// A detractor's follow-up: open -> contacted -> resolved (open -> resolved allowed too).
enum class FollowUpState { kOpen, kContacted, kResolved };

// "open", "contacted", "resolved".
std::string_view FollowUpStateName(FollowUpState state);
std::optional<FollowUpState> ParseFollowUpState(std::string_view name);
// Whether a follow-up may move from `from` to `to` (forward only, never to itself).
bool FollowUpMoveAllowed(FollowUpState from, FollowUpState to);

// NPS categories: promoters 9-10, passives 7-8, detractors 0-6.
inline bool IsPromoter(int64_t score) { return score >= 9; }
inline bool IsDetractor(int64_t score) { return score <= 6; }

// A visit as the member's list and the rating read it. A value type.
struct Visit {
  VisitKind kind = VisitKind::kPayment;
  int64_t id = 0;  // payment_transactions.id or coupon_redemptions.id
  int64_t member_id = 0;
  org::NodePath store;
  std::string store_name;
  int64_t visited_at = 0;  // paid_at or the redemption's created_at
  int64_t amount_fen = 0;  // the payment's amount; the redemption's order amount
  bool withdrawn = false;  // the payment was refunded in full, or the redemption reversed
};

// A rating as stored. follow_up_state is set for detractors only; follow_up_by is the staff
// member who moved it last (nullopt while it is open). A value type.
struct Rating {
  int64_t id = 0;
  org::NodePath store;
  int64_t member_id = 0;
  VisitKind visit_kind = VisitKind::kPayment;
  int64_t visit_id = 0;
  int64_t visited_at = 0;
  int64_t score = 0;
  std::string comment;
  int64_t rated_at = 0;
  std::optional<FollowUpState> follow_up_state;
  std::string follow_up_note;
  std::optional<int64_t> follow_up_by;
  std::string follow_up_by_name;
  int64_t follow_up_at = 0;  // 0 while open
  std::string store_name;    // filled by the service for lists
};

// One visit of the member's list: rateable until `rateable_until`, with its rating once rated.
struct RateableVisit {
  Visit visit;
  int64_t rateable_until = 0;
  std::optional<Rating> rating;
};

// What a member posts: one of their visits, a score 0..10 and an optional comment.
struct NewRating {
  VisitKind kind = VisitKind::kPayment;
  int64_t visit_id = 0;
  int64_t score = 0;
  std::string comment;
};

// A staff member's follow-up move of a detractor, with an optional note.
struct FollowUp {
  FollowUpState state = FollowUpState::kContacted;
  std::string note;
};

// Promoters, passives and detractors of a set of ratings. A value type.
struct NpsCounts {
  int64_t promoters = 0;
  int64_t passives = 0;
  int64_t detractors = 0;

  int64_t responses() const { return promoters + passives + detractors; }
  void Add(const NpsCounts& other);
};

// % promoters minus % detractors, rounded half away from zero to an integer -100..100;
// nullopt without responses. Integer arithmetic only.
std::optional<int64_t> NetPromoterScore(const NpsCounts& counts);

// The NPS report's periods: ISO weeks (Monday to Sunday) or calendar months, Beijing time.
enum class NpsBucket { kWeek, kMonth };
// The NPS report's rows: one per store, or one per dealer.
enum class NpsGroup { kStore, kDealer };

std::string_view NpsBucketName(NpsBucket bucket);
std::optional<NpsBucket> ParseNpsBucket(std::string_view name);
std::string_view NpsGroupName(NpsGroup group);
std::optional<NpsGroup> ParseNpsGroup(std::string_view name);

// The first day of the period holding `day` (days since 1970-01-01): its Monday or the 1st.
int64_t BucketStart(NpsBucket bucket, int64_t day);
// The first day of the period after the one starting on `start`.
int64_t NextBucketStart(NpsBucket bucket, int64_t start);

}  // namespace mileage::growth
