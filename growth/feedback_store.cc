#include "growth/feedback_store.h"

#include <utility>

#include "db/paged_query.h"
#include "org/scope_sql.h"

namespace mileage::growth {
namespace {

constexpr org::PathColumns kColumns{"brand_id", "region_id", "dealer_id", "store_id"};

constexpr const char* kRatingColumns =
    "id, brand_id, region_id, dealer_id, store_id, member_id, visit_kind, visit_id, visited_at, "
    "score, comment, rated_at, follow_up_state, follow_up_note, follow_up_by, follow_up_by_name, "
    "follow_up_at";

Rating RatingFromRow(const db::Row& row) {
  Rating r;
  r.id = row.Int(0);
  r.store = org::PathFromRow(row, 1, org::NodeType::kStore);
  r.member_id = row.Int(5);
  r.visit_kind = ParseVisitKind(row.Text(6)).value_or(VisitKind::kPayment);
  r.visit_id = row.Int(7);
  r.visited_at = row.Int(8);
  r.score = row.Int(9);
  r.comment = row.Text(10);
  r.rated_at = row.Int(11);
  if (std::optional<std::string> state = row.OptionalText(12); state.has_value()) {
    r.follow_up_state = ParseFollowUpState(*state);
  }
  r.follow_up_note = row.Text(13);
  r.follow_up_by = row.OptionalInt(14);
  r.follow_up_by_name = row.Text(15);
  r.follow_up_at = row.Int(16);
  return r;
}

db::Value OptionalState(const std::optional<FollowUpState>& state) {
  if (!state.has_value()) return db::Value(nullptr);
  return db::Value(std::string(FollowUpStateName(*state)));
}

}  // namespace

Result<int64_t> FeedbackStore::Insert(const Rating& r, int64_t rated_day) {
  return conn_.Insert(
      "INSERT INTO feedback_ratings (brand_id, region_id, dealer_id, store_id, member_id, "
      "visit_kind, visit_id, visited_at, score, comment, rated_at, rated_day, follow_up_state) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {db::Value(r.store.brand_id), db::Value(r.store.region_id), db::Value(r.store.dealer_id),
       db::Value(r.store.store_id), db::Value(r.member_id),
       db::Value(std::string(VisitKindName(r.visit_kind))), db::Value(r.visit_id),
       db::Value(r.visited_at), db::Value(r.score), db::Value(r.comment), db::Value(r.rated_at),
       db::Value(rated_day), OptionalState(r.follow_up_state)});
}

Result<std::optional<Rating>> FeedbackStore::Find(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kRatingColumns + " FROM feedback_ratings WHERE id = ?",
                  {db::Value(id)}));
  if (rows.empty()) return std::optional<Rating>();
  return std::optional<Rating>(RatingFromRow(rows.front()));
}

Result<std::vector<Rating>> FeedbackStore::OfMemberSince(int64_t member_id, int64_t since) {
  // A rating comes after its visit, so rated_at >= since narrows by the index too.
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kRatingColumns +
                      " FROM feedback_ratings WHERE member_id = ? AND rated_at >= ?"
                      " AND visited_at >= ? ORDER BY id",
                  {db::Value(member_id), db::Value(since), db::Value(since)}));
  std::vector<Rating> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(RatingFromRow(row));
  return out;
}

Result<std::vector<NpsDayRow>> FeedbackStore::NpsDays(const org::NodePath& node, NpsGroup group,
                                                      int64_t first_day, int64_t last_day) {
  const char* column = group == NpsGroup::kStore ? "store_id" : "dealer_id";
  std::string where = " WHERE rated_day >= ? AND rated_day <= ?";
  std::vector<db::Value> params = {db::Value(first_day), db::Value(last_day)};
  if (!org::AppendSubtreeFilter(kColumns, node, where, params)) return std::vector<NpsDayRow>();
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + column +
                      ", rated_day, SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END), "
                      "SUM(CASE WHEN score BETWEEN 7 AND 8 THEN 1 ELSE 0 END), "
                      "SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END) FROM feedback_ratings" +
                      where + " GROUP BY " + column + ", rated_day",
                  params));
  std::vector<NpsDayRow> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    out.push_back(NpsDayRow{row.Int(0), row.Int(1), {row.Int(2), row.Int(3), row.Int(4)}});
  }
  return out;
}

Result<PageOf<Rating>> FeedbackStore::Detractors(const org::NodePath& node,
                                                 std::optional<FollowUpState> state,
                                                 const PageRequest& page) {
  std::string where = " WHERE score <= 6";
  std::vector<db::Value> params;
  if (!org::AppendSubtreeFilter(kColumns, node, where, params)) {
    return PageOf<Rating>{{}, 0, page};
  }
  if (state.has_value()) {
    where += " AND follow_up_state = ?";
    params.push_back(OptionalState(state));
  }
  const std::string select = std::string("SELECT ") + kRatingColumns + " FROM feedback_ratings";
  return db::QueryPage<Rating>(
      conn_, {select, "SELECT COUNT(*) FROM feedback_ratings", where, "rated_at DESC, id DESC"},
      std::move(params), page, RatingFromRow);
}

Result<bool> FeedbackStore::MoveFollowUp(int64_t id, FollowUpState from, const FollowUp& move,
                                         int64_t staff_id, std::string_view staff_name,
                                         int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE feedback_ratings SET follow_up_state = ?, "
                 "follow_up_note = CASE WHEN ? = '' THEN follow_up_note ELSE ? END, "
                 "follow_up_by = ?, follow_up_by_name = ?, follow_up_at = ? "
                 "WHERE id = ? AND follow_up_state = ?",
                 {OptionalState(move.state), db::Value(move.note), db::Value(move.note),
                  db::Value(staff_id), db::Value(std::string(staff_name)), db::Value(now),
                  db::Value(id), OptionalState(from)}));
  return updated.affected_rows == 1;
}

}  // namespace mileage::growth
