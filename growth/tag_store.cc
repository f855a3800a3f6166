#include "growth/tag_store.h"

#include <algorithm>

#include "db/sql_dialect.h"

namespace mileage::growth {
namespace {

// Rows per multi-row INSERT: well inside both dialects' parameter limits.
constexpr size_t kRowsPerInsert = 400;

// " AND member_id > ? [AND member_id <= ?]" with its bounds.
std::string Range(int64_t after_id, std::optional<int64_t> last_id,
                  std::vector<db::Value>& params) {
  params.push_back(db::Value(after_id));
  if (!last_id.has_value()) return " AND member_id > ?";
  params.push_back(db::Value(*last_id));
  return " AND member_id > ? AND member_id <= ?";
}

}  // namespace

Result<RfmThresholds> TagStore::Thresholds(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT r1, r2, r3, r4, f1, f2, f3, f4, m1, m2, m3, m4 FROM rfm_thresholds "
                  "WHERE brand_id = ?",
                  {db::Value(brand_id)}));
  RfmThresholds t;
  if (rows.empty()) return t;
  for (size_t i = 0; i < 4; ++i) {
    t.recency_days[i] = rows[0].Int(i);
    t.visits[i] = rows[0].Int(4 + i);
    t.spend_fen[i] = rows[0].Int(8 + i);
  }
  return t;
}

Status TagStore::SaveThresholds(int64_t brand_id, const RfmThresholds& t, int64_t now) {
  std::vector<db::Value> params = {db::Value(brand_id)};
  for (int64_t v : t.recency_days) params.emplace_back(v);
  for (int64_t v : t.visits) params.emplace_back(v);
  for (int64_t v : t.spend_fen) params.emplace_back(v);
  params.emplace_back(now);
  return conn_
      .Exec(
          "INSERT INTO rfm_thresholds (brand_id, r1, r2, r3, r4, f1, f2, f3, f4, m1, m2, m3, "
          "m4, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" +
              db::UpsertClause(conn_.dialect(), {"brand_id"},
                               {"r1", "r2", "r3", "r4", "f1", "f2", "f3", "f4", "m1", "m2", "m3",
                                "m4", "updated_at"}),
          params)
      .status();
}

Result<TagProgress> TagStore::Progress(int64_t brand_id) {
  for (int attempt = 0;; ++attempt) {
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        conn_.Query("SELECT run_started_at, after_member_id, passed_at FROM tag_refresh_progress "
                    "WHERE brand_id = ?",
                    {db::Value(brand_id)}));
    if (!rows.empty()) return TagProgress{rows[0].Int(0), rows[0].Int(1), rows[0].Int(2)};
    if (attempt > 0) return InternalError("tag_refresh_progress has no row for the brand");
    MILEAGE_RETURN_IF_ERROR(conn_
                                .Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                                          " tag_refresh_progress (brand_id, run_started_at, "
                                          "after_member_id, passed_at) VALUES (?, 0, 0, 0)",
                                      {db::Value(brand_id)})
                                .status());
  }
}

Result<bool> TagStore::MoveProgress(int64_t brand_id, const TagProgress& seen,
                                    const TagProgress& next) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult moved,
      conn_.Exec("UPDATE tag_refresh_progress SET run_started_at = ?, after_member_id = ?, "
                 "passed_at = ? WHERE brand_id = ? AND run_started_at = ? AND "
                 "after_member_id = ? AND passed_at = ?",
                 {db::Value(next.run_started_at), db::Value(next.after_member_id),
                  db::Value(next.passed_at), db::Value(brand_id), db::Value(seen.run_started_at),
                  db::Value(seen.after_member_id), db::Value(seen.passed_at)}));
  return moved.affected_rows == 1;
}

Status TagStore::ReplaceRange(int64_t brand_id, int64_t after_id, std::optional<int64_t> last_id,
                              const std::vector<MemberRfm>& rfm,
                              const std::vector<SystemTag>& tags) {
  for (const char* table : {"member_rfm", "member_tags"}) {
    std::vector<db::Value> params = {db::Value(brand_id)};
    const std::string where = Range(after_id, last_id, params);
    MILEAGE_RETURN_IF_ERROR(
        conn_.Exec(std::string("DELETE FROM ") + table + " WHERE brand_id = ?" + where, params)
            .status());
  }
  MILEAGE_RETURN_IF_ERROR(InsertRfm(brand_id, rfm));
  return InsertTags(brand_id, tags);
}

Status TagStore::InsertRfm(int64_t brand_id, const std::vector<MemberRfm>& rows) {
  for (size_t start = 0; start < rows.size(); start += kRowsPerInsert) {
    const size_t end = std::min(rows.size(), start + kRowsPerInsert);
    std::string sql =
        "INSERT INTO member_rfm (member_id, brand_id, recency_days, visits_12m, spend_12m_fen, "
        "r_score, f_score, m_score, computed_at) VALUES ";
    std::vector<db::Value> params;
    params.reserve((end - start) * 9);
    for (size_t i = start; i < end; ++i) {
      const MemberRfm& r = rows[i];
      sql += i == start ? "(?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?)";
      params.emplace_back(r.member_id);
      params.emplace_back(brand_id);
      params.push_back(r.recency_days.has_value() ? db::Value(*r.recency_days)
                                                  : db::Value(nullptr));
      params.emplace_back(r.visits_12m);
      params.emplace_back(r.spend_12m_fen);
      params.emplace_back(static_cast<int64_t>(r.r));
      params.emplace_back(static_cast<int64_t>(r.f));
      params.emplace_back(static_cast<int64_t>(r.m));
      params.emplace_back(r.computed_at);
    }
    MILEAGE_RETURN_IF_ERROR(conn_.Exec(sql, params).status());
  }
  return Status::Ok();
}

Status TagStore::InsertTags(int64_t brand_id, const std::vector<SystemTag>& rows) {
  for (size_t start = 0; start < rows.size(); start += kRowsPerInsert) {
    const size_t end = std::min(rows.size(), start + kRowsPerInsert);
    std::string sql = "INSERT INTO member_tags (brand_id, tag_key, tag_value, member_id) VALUES ";
    std::vector<db::Value> params;
    params.reserve((end - start) * 4);
    for (size_t i = start; i < end; ++i) {
      sql += i == start ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
      params.emplace_back(brand_id);
      params.emplace_back(rows[i].key);
      params.emplace_back(rows[i].value);
      params.emplace_back(rows[i].member_id);
    }
    MILEAGE_RETURN_IF_ERROR(conn_.Exec(sql, params).status());
  }
  return Status::Ok();
}

Result<std::optional<MemberRfm>> TagStore::Rfm(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT member_id, recency_days, visits_12m, spend_12m_fen, r_score, f_score, "
                  "m_score, computed_at FROM member_rfm WHERE member_id = ?",
                  {db::Value(member_id)}));
  if (rows.empty()) return std::optional<MemberRfm>();
  const db::Row& row = rows[0];
  return std::optional<MemberRfm>(MemberRfm{
      row.Int(0), row.OptionalInt(1), row.Int(2), row.Int(3), static_cast<int>(row.Int(4)),
      static_cast<int>(row.Int(5)), static_cast<int>(row.Int(6)), row.Int(7)});
}

Result<std::vector<SystemTag>> TagStore::SystemTags(int64_t brand_id, int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT tag_key, tag_value FROM member_tags WHERE brand_id = ? AND "
                  "member_id = ? ORDER BY tag_key, tag_value",
                  {db::Value(brand_id), db::Value(member_id)}));
  std::vector<SystemTag> out;
  for (const db::Row& row : rows) out.push_back(SystemTag{member_id, row.Text(0), row.Text(1)});
  return out;
}

Status TagStore::LockMember(int64_t member_id) {
  std::string sql = "SELECT id FROM members WHERE id = ?";
  sql += db::ForUpdate(conn_.dialect());
  return conn_.Query(sql, {db::Value(member_id)}).status();
}

Result<std::vector<ManualTag>> TagStore::ManualTags(int64_t brand_id, int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT name, created_by, created_at FROM member_manual_tags WHERE "
                  "member_id = ? AND brand_id = ? ORDER BY name",
                  {db::Value(member_id), db::Value(brand_id)}));
  std::vector<ManualTag> out;
  for (const db::Row& row : rows) {
    out.push_back(ManualTag{row.Text(0), row.OptionalInt(1), row.Int(2)});
  }
  return out;
}

Result<bool> TagStore::AddManualTag(int64_t brand_id, int64_t member_id, const ManualTag& tag) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult added,
      conn_.Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                     " member_manual_tags (brand_id, name, member_id, created_by, created_at) "
                     "VALUES (?, ?, ?, ?, ?)",
                 {db::Value(brand_id), db::Value(tag.name), db::Value(member_id),
                  tag.created_by.has_value() ? db::Value(*tag.created_by) : db::Value(nullptr),
                  db::Value(tag.created_at)}));
  return added.affected_rows == 1;
}

Result<bool> TagStore::RemoveManualTag(int64_t brand_id, int64_t member_id,
                                       const std::string& name) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult removed,
      conn_.Exec("DELETE FROM member_manual_tags WHERE brand_id = ? AND name = ? AND member_id = ?",
                 {db::Value(brand_id), db::Value(name), db::Value(member_id)}));
  return removed.affected_rows == 1;
}

Result<std::vector<std::pair<std::string, int64_t>>> TagStore::ManualTagNames(int64_t brand_id,
                                                                              int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT name, COUNT(*) FROM member_manual_tags WHERE brand_id = ? "
                  "GROUP BY name ORDER BY name LIMIT ?",
                  {db::Value(brand_id), db::Value(limit)}));
  std::vector<std::pair<std::string, int64_t>> out;
  for (const db::Row& row : rows) out.emplace_back(row.Text(0), row.Int(1));
  return out;
}

}  // namespace mileage::growth
