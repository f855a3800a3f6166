#include "care/activity_store.h"

#include <string>

#include "db/paged_query.h"
#include "db/sql_dialect.h"

namespace mileage::care {
namespace {

constexpr const char* kActivityColumns =
    "id, brand_id, node_type, node_id, title, description, place, starts_at, ends_at, capacity, "
    "seated, signup_opens_at, signup_closes_at, min_tier, min_tier_rank, state, created_at, "
    "updated_at, cancelled_at";

constexpr const char* kSignupColumns =
    "id, brand_id, activity_id, member_id, state, position, created_at, updated_at, promoted_at, "
    "checked_in_at, cancelled_at";

Activity ActivityFromRow(const db::Row& row) {
  Activity a;
  a.id = row.Int(0);
  a.brand_id = row.Int(1);
  a.node_type = org::ParseNodeType(row.Text(2)).value_or(org::NodeType::kBrand);
  a.node_id = row.Int(3);
  a.title = row.Text(4);
  a.description = row.Text(5);
  a.place = row.Text(6);
  a.starts_at = row.Int(7);
  a.ends_at = row.Int(8);
  a.capacity = row.Int(9);
  a.seated = row.Int(10);
  a.signup_opens_at = row.Int(11);
  a.signup_closes_at = row.Int(12);
  a.min_tier = row.OptionalText(13);
  a.min_tier_rank = row.Int(14);
  a.state = ParseActivityState(row.Text(15)).value_or(ActivityState::kCancelled);
  a.created_at = row.Int(16);
  a.updated_at = row.Int(17);
  a.cancelled_at = row.OptionalInt(18);
  return a;
}

Signup SignupFromRow(const db::Row& row) {
  Signup s;
  s.id = row.Int(0);
  s.brand_id = row.Int(1);
  s.activity_id = row.Int(2);
  s.member_id = row.Int(3);
  s.state = ParseSignupState(row.Text(4)).value_or(SignupState::kCancelled);
  s.position = row.OptionalInt(5);
  s.created_at = row.Int(6);
  s.updated_at = row.Int(7);
  s.promoted_at = row.OptionalInt(8);
  s.checked_in_at = row.OptionalInt(9);
  s.cancelled_at = row.OptionalInt(10);
  return s;
}

Result<bool> Affected(Result<db::ExecResult> result) {
  if (!result.ok()) return result.status();
  return result->affected_rows == 1;
}

std::string SelectActivities() {
  return std::string("SELECT ") + kActivityColumns + " FROM care_activities";
}

std::string SelectSignups() {
  return std::string("SELECT ") + kSignupColumns + " FROM care_activity_signups";
}

}  // namespace

Result<int64_t> ActivityStore::InsertActivity(const Activity& a) {
  return conn_.Insert(
      "INSERT INTO care_activities (brand_id, node_type, node_id, title, description, place, "
      "starts_at, ends_at, capacity, signup_opens_at, signup_closes_at, min_tier, min_tier_rank, "
      "state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
      {db::Value(a.brand_id), db::Value(std::string(org::NodeTypeName(a.node_type))),
       db::Value(a.node_id), db::Value(a.title), db::Value(a.description), db::Value(a.place),
       db::Value(a.starts_at), db::Value(a.ends_at), db::Value(a.capacity),
       db::Value(a.signup_opens_at), db::Value(a.signup_closes_at),
       a.min_tier.has_value() ? db::Value(*a.min_tier) : db::Value(nullptr),
       db::Value(a.min_tier_rank), db::Value(a.created_at), db::Value(a.updated_at)});
}

Result<std::optional<Activity>> ActivityStore::FindActivity(int64_t id, bool lock) {
  std::string sql = SelectActivities() + " WHERE id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(id)}));
  if (rows.empty()) return std::optional<Activity>();
  return std::optional<Activity>(ActivityFromRow(rows[0]));
}

Result<PageOf<Activity>> ActivityStore::OfNode(org::NodeType type, int64_t node_id,
                                               const PageRequest& page) {
  return db::QueryPage<Activity>(
      conn_,
      {SelectActivities(), "SELECT COUNT(*) FROM care_activities",
       " WHERE node_type = ? AND node_id = ?", "starts_at DESC, id DESC"},
      {db::Value(std::string(org::NodeTypeName(type))), db::Value(node_id)}, page, ActivityFromRow);
}

Result<PageOf<Activity>> ActivityStore::OpenFor(int64_t brand_id, int64_t tier_rank, int64_t now,
                                                const PageRequest& page) {
  return db::QueryPage<Activity>(
      conn_,
      {SelectActivities(), "SELECT COUNT(*) FROM care_activities",
       " WHERE brand_id = ? AND state = 'open' AND signup_closes_at > ? AND min_tier_rank <= ?",
       "starts_at, id"},
      {db::Value(brand_id), db::Value(now), db::Value(tier_rank)}, page, ActivityFromRow);
}

Result<bool> ActivityStore::CancelActivity(int64_t id, int64_t now) {
  return Affected(
      conn_.Exec("UPDATE care_activities SET state = 'cancelled', cancelled_at = ?, updated_at = ? "
                 "WHERE id = ? AND state = 'open'",
                 {db::Value(now), db::Value(now), db::Value(id)}));
}

Result<bool> ActivityStore::TakeSeat(int64_t id) {
  return Affected(conn_.Exec(
      "UPDATE care_activities SET seated = seated + 1 WHERE id = ? AND state = 'open' AND "
      "seated < capacity",
      {db::Value(id)}));
}

Result<bool> ActivityStore::FreeSeat(int64_t id) {
  return Affected(
      conn_.Exec("UPDATE care_activities SET seated = seated - 1 WHERE id = ? AND seated > 0",
                 {db::Value(id)}));
}

Result<int64_t> ActivityStore::TakePosition(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(
      bool moved, Affected(conn_.Exec(
                      "UPDATE care_activities SET waitlist_next = waitlist_next + 1 WHERE id = ?",
                      {db::Value(id)})));
  if (!moved) return InternalError("activity " + std::to_string(id) + " vanished");
  // The row is ours until commit: the value read back is the one this update wrote.
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT waitlist_next FROM care_activities WHERE id = ?", {db::Value(id)}));
  if (rows.empty()) return InternalError("activity " + std::to_string(id) + " vanished");
  return rows[0].Int(0) - 1;
}

Result<int64_t> ActivityStore::InsertSignup(const Signup& s) {
  Result<int64_t> id = conn_.Insert(
      "INSERT INTO care_activity_signups (brand_id, activity_id, member_id, state, position, "
      "live_activity_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {db::Value(s.brand_id), db::Value(s.activity_id), db::Value(s.member_id),
       db::Value(std::string(SignupStateName(s.state))),
       s.position.has_value() ? db::Value(*s.position) : db::Value(nullptr),
       db::Value(s.activity_id), db::Value(s.created_at), db::Value(s.updated_at)});
  if (!id.ok() && id.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("you have signed up for this activity already", "ALREADY_SIGNED_UP");
  }
  return id;
}

Result<std::optional<Signup>> ActivityStore::FindSignup(int64_t id, bool lock) {
  std::string sql = SelectSignups() + " WHERE id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(id)}));
  if (rows.empty()) return std::optional<Signup>();
  return std::optional<Signup>(SignupFromRow(rows[0]));
}

Result<std::optional<Signup>> ActivityStore::FindLive(int64_t activity_id, int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(SelectSignups() + " WHERE member_id = ? AND live_activity_id = ?",
                  {db::Value(member_id), db::Value(activity_id)}));
  if (rows.empty()) return std::optional<Signup>();
  return std::optional<Signup>(SignupFromRow(rows[0]));
}

Result<std::optional<Signup>> ActivityStore::FirstWaitlisted(int64_t activity_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(SelectSignups() +
                      " WHERE activity_id = ? AND state = 'waitlisted' ORDER BY position LIMIT 1" +
                      std::string(db::ForUpdate(conn_.dialect())),
                  {db::Value(activity_id)}));
  if (rows.empty()) return std::optional<Signup>();
  return std::optional<Signup>(SignupFromRow(rows[0]));
}

Result<bool> ActivityStore::Promote(int64_t id, int64_t now) {
  return Affected(conn_.Exec(
      "UPDATE care_activity_signups SET state = 'seated', promoted_at = ?, updated_at = ? "
      "WHERE id = ? AND state = 'waitlisted'",
      {db::Value(now), db::Value(now), db::Value(id)}));
}

Result<bool> ActivityStore::CancelSignup(int64_t id, SignupState from, int64_t now) {
  return Affected(
      conn_.Exec("UPDATE care_activity_signups SET state = 'cancelled', live_activity_id = NULL, "
                 "cancelled_at = ?, updated_at = ? WHERE id = ? AND state = ?",
                 {db::Value(now), db::Value(now), db::Value(id),
                  db::Value(std::string(SignupStateName(from)))}));
}

Result<bool> ActivityStore::CheckIn(int64_t id, int64_t now) {
  return Affected(conn_.Exec(
      "UPDATE care_activity_signups SET state = 'checked_in', checked_in_at = ?, updated_at = ? "
      "WHERE id = ? AND state = 'seated'",
      {db::Value(now), db::Value(now), db::Value(id)}));
}

Result<PageOf<Signup>> ActivityStore::OfActivity(int64_t activity_id, const PageRequest& page) {
  return db::QueryPage<Signup>(conn_,
                               {SelectSignups(), "SELECT COUNT(*) FROM care_activity_signups",
                                " WHERE activity_id = ?", "id"},
                               {db::Value(activity_id)}, page, SignupFromRow);
}

Result<std::vector<Signup>> ActivityStore::LiveOf(int64_t activity_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(SelectSignups() + " WHERE live_activity_id = ? ORDER BY id",
                                       {db::Value(activity_id)}));
  std::vector<Signup> out;
  for (const db::Row& row : rows) out.push_back(SignupFromRow(row));
  return out;
}

Result<std::vector<Signup>> ActivityStore::LiveOfMemberUpcoming(int64_t member_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(SelectSignups() +
                      " WHERE member_id = ? AND state IN ('seated', 'waitlisted') AND "
                      "activity_id IN (SELECT id FROM care_activities WHERE starts_at > ?) "
                      "ORDER BY id",
                  {db::Value(member_id), db::Value(now)}));
  std::vector<Signup> out;
  for (const db::Row& row : rows) out.push_back(SignupFromRow(row));
  return out;
}

Result<PageOf<Signup>> ActivityStore::OfMember(int64_t member_id, const PageRequest& page) {
  return db::QueryPage<Signup>(conn_,
                               {SelectSignups(), "SELECT COUNT(*) FROM care_activity_signups",
                                " WHERE member_id = ?", "id DESC"},
                               {db::Value(member_id)}, page, SignupFromRow);
}

}  // namespace mileage::care
