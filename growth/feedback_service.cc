#include "growth/feedback_service.h"

#include <map>
#include <utility>

#include "growth/feedback_visits.h"
#include "org/hierarchy_service.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::growth {
namespace {

Status VisitNotFound(VisitKind kind, int64_t id) {
  return NotFoundError(std::string(VisitKindName(kind)) + " " + std::to_string(id) + " not found",
                       "VISIT_NOT_FOUND");
}

Status RatingNotFound(int64_t id) {
  return NotFoundError("rating " + std::to_string(id) + " not found", "RATING_NOT_FOUND");
}

Status StaffOnly() { return FailedPreconditionError("staff only", "STAFF_ONLY"); }

// The text rule of comments and notes under their own code.
Status ValidateFreeText(std::string_view text, std::string_view field, size_t max_chars,
                        const char* reason) {
  const Status valid = org::ValidateText(text, field, 0, max_chars);
  if (valid.ok()) return valid;
  return InvalidArgumentError(std::string(field) + " must be at most " + std::to_string(max_chars) +
                                  " characters of UTF-8 text without control characters",
                              reason);
}

// Whether a visit is still rateable at `now`: not withdrawn, within the window. The errors of
// FeedbackService::Rate.
Status CheckRateable(const Visit& visit, int64_t now) {
  if (visit.withdrawn) {
    return visit.kind == VisitKind::kPayment
               ? FailedPreconditionError("the payment was refunded", "VISIT_REFUNDED")
               : FailedPreconditionError("the redemption was reversed", "VISIT_REVERSED");
  }
  if (now - visit.visited_at > kRatingWindowSeconds) {
    return FailedPreconditionError("a visit may be rated within 7 days", "RATING_WINDOW_CLOSED");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<RateableVisit>> FeedbackService::Visits(const members::MemberPrincipal& member,
                                                           int64_t now) {
  const int64_t since = now - kRatingWindowSeconds;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Visit> visits,
                           VisitsOfMemberSince(*conn, member.member_id, since));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<Rating> ratings,
                           FeedbackStore(*conn).OfMemberSince(member.member_id, since));
  std::map<std::pair<VisitKind, int64_t>, Rating> rated;
  for (Rating& r : ratings) rated.emplace(std::make_pair(r.visit_kind, r.visit_id), std::move(r));
  std::vector<RateableVisit> out;
  for (Visit& v : visits) {
    if (v.store.brand_id != member.brand_id) continue;
    auto it = rated.find({v.kind, v.id});
    if (v.withdrawn && it == rated.end()) continue;
    RateableVisit item;
    item.rateable_until = v.visited_at + kRatingWindowSeconds;
    if (it != rated.end()) item.rating = it->second;
    item.visit = std::move(v);
    out.push_back(std::move(item));
  }
  return out;
}

Result<Rating> FeedbackService::Rate(const members::MemberPrincipal& member,
                                     const NewRating& rating, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(rating.visit_id, "visit_id"));
  if (rating.score < kMinScore || rating.score > kMaxScore) {
    return InvalidArgumentError("score must be an integer 0-10", "INVALID_SCORE");
  }
  MILEAGE_RETURN_IF_ERROR(
      ValidateFreeText(rating.comment, "comment", kMaxCommentChars, "INVALID_COMMENT"));
  std::optional<Visit> visit;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(visit, FindVisit(*conn, rating.kind, rating.visit_id));
  }
  // Another member's visit answers exactly as one that does not exist.
  if (!visit.has_value() || visit->member_id != member.member_id ||
      visit->store.brand_id != member.brand_id) {
    return VisitNotFound(rating.kind, rating.visit_id);
  }
  MILEAGE_RETURN_IF_ERROR(CheckRateable(*visit, now));
  Rating r;
  r.store = visit->store;
  r.store_name = visit->store_name;
  r.member_id = member.member_id;
  r.visit_kind = visit->kind;
  r.visit_id = visit->id;
  r.visited_at = visit->visited_at;
  r.score = rating.score;
  r.comment = rating.comment;
  r.rated_at = now;
  if (IsDetractor(r.score)) r.follow_up_state = FollowUpState::kOpen;
  const int64_t rated_day = civil::DaysFromCivil(civil::BeijingDate(now));
  // The unique key decides "once": of racing requests one inserts, the others get
  // AlreadyExists (a deadlock between them is retried by InTransaction and then meets the key).
  const Status inserted = db::InTransaction(db_, [&](db::Connection& tx) -> Status {
    MILEAGE_ASSIGN_OR_RETURN(r.id, FeedbackStore(tx).Insert(r, rated_day));
    return Status::Ok();
  });
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("this visit was rated already", "ALREADY_RATED");
  }
  MILEAGE_RETURN_IF_ERROR(inserted);
  return r;
}

Result<org::NodePath> FeedbackService::ReportedNode(
    db::Connection& conn, const org::Actor& actor,
    const std::optional<payments::ReportNode>& node) const {
  if (!actor.staff.has_value()) return StaffOnly();
  if (!node.has_value()) {
    const org::NodePath& scope = actor.staff->scope;
    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kFeedbackRead, scope,
                                              org::NodeLabel(scope.type, scope.id())));
    return scope;
  }
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(node->id, "id"));
  const std::string label = org::NodeLabel(node->type, node->id);
  MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> found,
                           org::NodeStore(conn).Find(node->type, node->id));
  if (!found.has_value()) return NotFoundError(label + " not found");
  // Check, not CheckList: a report of an ancestor would show numbers outside the subtree.
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kFeedbackRead, found->path, label));
  return found->path;
}

void FeedbackService::Bucket(const std::vector<NpsDayRow>& days, int64_t first, int64_t last,
                             NpsReport& report) {
  std::vector<int64_t> starts;
  for (int64_t start = BucketStart(report.bucket, first); start <= last;
       start = NextBucketStart(report.bucket, start)) {
    starts.push_back(start);
    report.periods.push_back(civil::CivilFromDays(start));
  }
  std::map<int64_t, NpsSeries> rows;
  for (const NpsDayRow& day : days) {
    NpsSeries& series = rows[day.node_id];
    if (series.periods.empty()) {
      series.node_id = day.node_id;
      series.periods.resize(starts.size());
    }
    const int64_t start = BucketStart(report.bucket, day.day);
    size_t index = 0;
    while (index + 1 < starts.size() && starts[index] != start) ++index;
    series.periods[index].Add(day.counts);
    series.total.Add(day.counts);
    report.overall.Add(day.counts);
  }
  for (auto& [id, series] : rows) report.rows.push_back(std::move(series));
}

Result<NpsReport> FeedbackService::Nps(const org::Actor& actor, const NpsQuery& query,
                                       int64_t now) {
  civil::DayRange range = query.range;
  if (!range.from.has_value() && !range.days.has_value()) {
    range.days = query.bucket == NpsBucket::kWeek ? kDefaultWeekDays : kDefaultMonthDays;
  }
  MILEAGE_ASSIGN_OR_RETURN(civil::DaySpan span,
                           civil::ResolveDayRange(range, civil::BeijingDate(now), kMaxNpsDays));
  if (query.node.has_value() && query.node->type == org::NodeType::kStore &&
      query.group == NpsGroup::kDealer) {
    return InvalidArgumentError("dealer rows need a region, dealer or brand", "INVALID_GROUP");
  }
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  NpsReport report;
  MILEAGE_ASSIGN_OR_RETURN(report.node, ReportedNode(*conn, actor, query.node));
  if (report.node.type == org::NodeType::kStore && query.group == NpsGroup::kDealer) {
    return InvalidArgumentError("dealer rows need a region, dealer or brand", "INVALID_GROUP");
  }
  report.group = query.group;
  report.bucket = query.bucket;
  report.from = span.first;
  report.to = span.last;
  const int64_t first = civil::DaysFromCivil(span.first);
  const int64_t last = civil::DaysFromCivil(span.last);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<NpsDayRow> days,
                           FeedbackStore(*conn).NpsDays(report.node, query.group, first, last));
  Bucket(days, first, last, report);
  std::vector<int64_t> ids;
  for (const NpsSeries& row : report.rows) ids.push_back(row.node_id);
  const org::NodeType type =
      query.group == NpsGroup::kStore ? org::NodeType::kStore : org::NodeType::kDealer;
  MILEAGE_ASSIGN_OR_RETURN(std::vector<std::string> names, NodeNames(*conn, type, ids));
  for (size_t i = 0; i < names.size(); ++i) report.rows[i].name = std::move(names[i]);
  return report;
}

Status FeedbackService::NameStores(db::Connection& conn, std::vector<Rating>& ratings) const {
  std::vector<int64_t> ids;
  for (const Rating& r : ratings) ids.push_back(r.store.store_id);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<std::string> names,
                           NodeNames(conn, org::NodeType::kStore, ids));
  for (size_t i = 0; i < ratings.size(); ++i) ratings[i].store_name = std::move(names[i]);
  return Status::Ok();
}

Result<PageOf<Rating>> FeedbackService::Detractors(const org::Actor& actor,
                                                   const DetractorFilter& filter,
                                                   const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(org::NodePath node, ReportedNode(*conn, actor, filter.node));
  MILEAGE_ASSIGN_OR_RETURN(PageOf<Rating> out,
                           FeedbackStore(*conn).Detractors(node, filter.state, page));
  MILEAGE_RETURN_IF_ERROR(NameStores(*conn, out.items));
  return out;
}

Result<Rating> FeedbackService::MoveFollowUp(const org::Actor& actor, int64_t id,
                                             const FollowUp& move, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidateFreeText(move.note, "note", kMaxNoteChars, "INVALID_NOTE"));
  if (!actor.staff.has_value()) return StaffOnly();
  org::AuditRecord base;
  base.action = "feedback.follow_up";
  base.object_type = "feedback_rating";
  base.object_id = id;
  std::optional<Rating> found;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(found, FeedbackStore(*conn).Find(id));
  }
  if (!found.has_value()) return writer_.Refuse(actor, base, RatingNotFound(id));
  Status allowed = authorizer_.Check(actor, org::Action::kFeedbackFollowUp, found->store, "rating");
  if (allowed.code() == StatusCode::kNotFound) allowed = RatingNotFound(id);
  if (!allowed.ok()) return writer_.Refuse(actor, base, std::move(allowed));
  if (!found->follow_up_state.has_value()) {
    return FailedPreconditionError("only detractors (0-6) are followed up", "NOT_A_DETRACTOR");
  }
  const FollowUpState from = *found->follow_up_state;
  if (!FollowUpMoveAllowed(from, move.state)) {
    return FailedPreconditionError(std::string("a follow-up cannot move from ") +
                                       std::string(FollowUpStateName(from)) + " to " +
                                       std::string(FollowUpStateName(move.state)),
                                   "INVALID_TRANSITION");
  }
  Rating moved;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& tx, org::AuditRecord& record) -> Status {
        FeedbackStore store(tx);
        MILEAGE_ASSIGN_OR_RETURN(
            bool changed,
            store.MoveFollowUp(id, from, move, actor.staff->staff_id, actor.staff->username, now));
        if (!changed) {
          return FailedPreconditionError("another staff member moved this follow-up meanwhile",
                                         "FOLLOW_UP_CONFLICT");
        }
        MILEAGE_ASSIGN_OR_RETURN(std::optional<Rating> after, store.Find(id));
        if (!after.has_value()) return InternalError("rating vanished");
        moved = std::move(*after);
        record.brand_id = moved.store.brand_id;
        record.detail = std::string(FollowUpStateName(from)) + " -> " +
                        std::string(FollowUpStateName(move.state));
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  std::vector<Rating> one{std::move(moved)};
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_RETURN_IF_ERROR(NameStores(*conn, one));
  return std::move(one.front());
}

}  // namespace mileage::growth
