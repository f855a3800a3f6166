#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/civil_time.h"
#include "common/day_range.h"
#include "common/paging.h"
#include "common/result.h"
#include "db/db.h"
#include "growth/feedback_store.h"
#include "growth/feedback_types.h"
#include "members/member_sessions.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"
#include "payments/report_service.h"

namespace mileage::growth {

// GET /api/console/feedback/nps: rows per store or dealer, periods of a week or a month, the
// Beijing days `range` names (at most kMaxNpsDays), of `node` (a store, dealer or region of the
// caller's subtree) or of the caller's scope.
struct NpsQuery {
  NpsGroup group = NpsGroup::kStore;
  NpsBucket bucket = NpsBucket::kWeek;
  civil::DayRange range;
  std::optional<payments::ReportNode> node;
};

// One row of the NPS report: a store or dealer with its counts per period (aligned with
// NpsReport::periods) and over the whole range.
struct NpsSeries {
  int64_t node_id = 0;
  std::string name;
  NpsCounts total;
  std::vector<NpsCounts> periods;
};

// The NPS report: the first day of each period (the first may start before `from`: it counts
// the days from `from` only), rows in node id order, and every row together.
struct NpsReport {
  org::NodePath node;
  NpsGroup group = NpsGroup::kStore;
  NpsBucket bucket = NpsBucket::kWeek;
  civil::Date from;
  civil::Date to;
  std::vector<civil::Date> periods;
  std::vector<NpsSeries> rows;
  NpsCounts overall;
};

// GET /api/console/feedback/detractors: optionally one follow-up state, of `node` or of the
// caller's scope.
struct DetractorFilter {
  std::optional<FollowUpState> state;
  std::optional<payments::ReportNode> node;
};

// Visit feedback (docs/API.md "Visit feedback"): members rate their visits (a paid payment or
// a coupon redemption at a store) 0..10 once within kRatingWindowSeconds; staff read NPS by
// store or dealer over Beijing weeks or months and follow detractors (0..6) up. Once per visit
// is the unique key of feedback_ratings; a follow-up move is a conditional update, audited
// (org::AuditedWriter, action "feedback.follow_up"). Owned by growth::GrowthModule; safe for
// concurrent use (each call takes its own pooled connections).
class FeedbackService {
 public:
  static constexpr int64_t kMaxNpsDays = 366;
  static constexpr int64_t kDefaultWeekDays = 84;    // 12 weeks
  static constexpr int64_t kDefaultMonthDays = 365;  // a year

  FeedbackService(db::Db& db, const org::Authorizer& authorizer, org::AuditedWriter& writer)
      : db_(db), authorizer_(authorizer), writer_(writer) {}

  // The member's visits of the last kRatingWindowSeconds, newest first (at most
  // kMaxVisitsListed), each with its rating once rated. A refunded payment or a reversed
  // redemption is left out unless it was rated before. Errors: the db errors.
  Result<std::vector<RateableVisit>> Visits(const members::MemberPrincipal& member, int64_t now);
  // Rates one of the member's visits at `now`. Errors: InvalidArgument INVALID_ID (visit id not
  // positive), INVALID_SCORE (outside 0..10), INVALID_COMMENT (over kMaxCommentChars
  // characters, not UTF-8, control characters); NotFound VISIT_NOT_FOUND (no such visit, or
  // another member's); FailedPrecondition VISIT_REFUNDED (the payment was refunded in full),
  // VISIT_REVERSED (the redemption was reversed), RATING_WINDOW_CLOSED (more than 7 days
  // after the visit); AlreadyExists ALREADY_RATED; the db errors. Nothing is written on error.
  Result<Rating> Rate(const members::MemberPrincipal& member, const NewRating& rating, int64_t now);

  // Errors: InvalidArgument INVALID_FIELD (the range, as civil::ResolveDayRange with
  // kMaxNpsDays), INVALID_ID (the node id), INVALID_GROUP (dealer rows for a store);
  // NotFound "<node> N not found" (unknown, or outside the caller's subtree, ancestors
  // included); PermissionDenied; FailedPrecondition STAFF_ONLY (the system actor); the db
  // errors.
  Result<NpsReport> Nps(const org::Actor& actor, const NpsQuery& query, int64_t now);
  // Detractors newest first. Errors: as Nps's node errors, and InvalidArgument INVALID_PAGE.
  Result<PageOf<Rating>> Detractors(const org::Actor& actor, const DetractorFilter& filter,
                                    const PageRequest& page);
  // Moves detractor rating `id`'s follow-up to `move.state` (the note, when not empty,
  // replaces the last one) as the calling staff member. Errors: InvalidArgument INVALID_ID,
  // INVALID_NOTE (over kMaxNoteChars characters, control characters); NotFound
  // RATING_NOT_FOUND (unknown, or at a store outside the caller's subtree); PermissionDenied;
  // FailedPrecondition STAFF_ONLY, NOT_A_DETRACTOR (score 7..10), INVALID_TRANSITION (not
  // forward from the state read), FOLLOW_UP_CONFLICT (another staff member moved it
  // meanwhile); the db errors. A refusal by authorization is audited as denied.
  Result<Rating> MoveFollowUp(const org::Actor& actor, int64_t id, const FollowUp& move,
                              int64_t now);

 private:
  // The reported node: `node` after Check of kFeedbackRead, else the caller's scope.
  Result<org::NodePath> ReportedNode(db::Connection& conn, const org::Actor& actor,
                                     const std::optional<payments::ReportNode>& node) const;
  // Fills the report's periods and rows from the days' counts.
  static void Bucket(const std::vector<NpsDayRow>& days, int64_t first, int64_t last,
                     NpsReport& report);
  // Store names of `ratings`.
  Status NameStores(db::Connection& conn, std::vector<Rating>& ratings) const;

  db::Db& db_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
};

}  // namespace mileage::growth
