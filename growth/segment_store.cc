#include "growth/segment_store.h"

#include "db/in_list.h"
#include "db/paged_query.h"
#include "db/sql_dialect.h"

namespace mileage::growth {
namespace {

constexpr const char* kSegmentColumns =
    "id, brand_id, name, filter_json, created_by, created_at, updated_at";
constexpr const char* kGrantColumns =
    "id, brand_id, segment_id, stock_id, request_id, state, total, granted, skipped, "
    "after_member_id, detail, created_by, created_at, updated_at, finished_at";

db::Value OptionalId(const std::optional<int64_t>& id) {
  return id.has_value() ? db::Value(*id) : db::Value(nullptr);
}

Segment SegmentFromRow(const db::Row& row) {
  return Segment{row.Int(0),         row.Int(1), row.Text(2), row.Text(3),
                 row.OptionalInt(4), row.Int(5), row.Int(6)};
}

SegmentGrant GrantFromRow(const db::Row& row) {
  SegmentGrant g;
  g.id = row.Int(0);
  g.brand_id = row.Int(1);
  g.segment_id = row.Int(2);
  g.stock_id = row.Int(3);
  g.request_id = row.Text(4);
  g.state = row.Text(5);
  g.total = row.Int(6);
  g.granted = row.Int(7);
  g.skipped = row.Int(8);
  g.after_member_id = row.Int(9);
  g.detail = row.Text(10);
  g.created_by = row.OptionalInt(11);
  g.created_at = row.Int(12);
  g.updated_at = row.Int(13);
  g.finished_at = row.OptionalInt(14);
  return g;
}

}  // namespace

Result<int64_t> SegmentStore::Insert(const Segment& s) {
  return conn_.Insert(
      "INSERT INTO segments (brand_id, name, filter_json, created_by, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {db::Value(s.brand_id), db::Value(s.name), db::Value(s.filter_json), OptionalId(s.created_by),
       db::Value(s.created_at), db::Value(s.updated_at)});
}

Result<std::optional<Segment>> SegmentStore::Find(int64_t id, bool lock) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kSegmentColumns + " FROM segments WHERE id = ?" +
                      std::string(lock ? db::ForUpdate(conn_.dialect()) : ""),
                  {db::Value(id)}));
  if (rows.empty()) return std::optional<Segment>();
  return std::optional<Segment>(SegmentFromRow(rows[0]));
}

Result<PageOf<SegmentView>> SegmentStore::List(int64_t brand_id, const PageRequest& page) {
  const std::string select = std::string("SELECT ") + kSegmentColumns + " FROM segments";
  MILEAGE_ASSIGN_OR_RETURN(
      PageOf<SegmentView> out,
      db::QueryPage<SegmentView>(
          conn_, {select, "SELECT COUNT(*) FROM segments", " WHERE brand_id = ?", "id"},
          {db::Value(brand_id)}, page, [](const db::Row& row) {
            return SegmentView{SegmentFromRow(row), {}, {}, 0};
          }));
  if (out.items.empty()) return out;
  // The page's latest sizes in one query.
  std::vector<int64_t> ids;
  for (const SegmentView& view : out.items) ids.push_back(view.segment.id);
  std::string sql =
      "SELECT s.segment_id, s.day, s.size FROM segment_sizes s WHERE s.day = (SELECT MAX(l.day) "
      "FROM segment_sizes l WHERE l.segment_id = s.segment_id) AND s.segment_id IN ";
  std::vector<db::Value> params;
  db::AppendInList(sql, params, ids);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, params));
  for (const db::Row& row : rows) {
    for (SegmentView& view : out.items) {
      if (view.segment.id != row.Int(0)) continue;
      view.latest_day = row.Int(1);
      view.latest_size = row.Int(2);
    }
  }
  return out;
}

Result<std::vector<Segment>> SegmentStore::AllOf(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string("SELECT ") + kSegmentColumns +
                                           " FROM segments WHERE brand_id = ? ORDER BY id",
                                       {db::Value(brand_id)}));
  std::vector<Segment> out;
  for (const db::Row& row : rows) out.push_back(SegmentFromRow(row));
  return out;
}

Status SegmentStore::Update(const Segment& s) {
  return conn_
      .Exec("UPDATE segments SET name = ?, filter_json = ?, updated_at = ? WHERE id = ?",
            {db::Value(s.name), db::Value(s.filter_json), db::Value(s.updated_at), db::Value(s.id)})
      .status();
}

Status SegmentStore::Delete(int64_t id) {
  MILEAGE_RETURN_IF_ERROR(
      conn_.Exec("DELETE FROM segment_sizes WHERE segment_id = ?", {db::Value(id)}).status());
  return conn_.Exec("DELETE FROM segments WHERE id = ?", {db::Value(id)}).status();
}

Result<int64_t> SegmentStore::Count(int64_t brand_id, const FilterNode& filter) {
  std::vector<db::Value> params = {db::Value(brand_id)};
  const std::string where = FilterSql(filter, brand_id, params);
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT COUNT(*) FROM member_rfm r WHERE r.brand_id = ? AND " + where, params));
  return db::FirstInt(rows);
}

Status SegmentStore::RecordSize(int64_t segment_id, int64_t day, int64_t size) {
  return conn_
      .Exec("INSERT INTO segment_sizes (segment_id, day, size) VALUES (?, ?, ?)" +
                db::UpsertClause(conn_.dialect(), {"segment_id", "day"}, {"size"}),
            {db::Value(segment_id), db::Value(day), db::Value(size)})
      .status();
}

Result<std::vector<SegmentSize>> SegmentStore::Sizes(int64_t segment_id, int64_t from_day) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT day, size FROM segment_sizes WHERE segment_id = ? AND day >= ? "
                  "ORDER BY day",
                  {db::Value(segment_id), db::Value(from_day)}));
  std::vector<SegmentSize> out;
  for (const db::Row& row : rows) out.push_back(SegmentSize{row.Int(0), row.Int(1)});
  return out;
}

Result<std::optional<SegmentSize>> SegmentStore::LatestSize(int64_t segment_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT day, size FROM segment_sizes WHERE segment_id = ? ORDER BY day DESC "
                  "LIMIT 1",
                  {db::Value(segment_id)}));
  if (rows.empty()) return std::optional<SegmentSize>();
  return std::optional<SegmentSize>(SegmentSize{rows[0].Int(0), rows[0].Int(1)});
}

Result<SegmentGrant> SegmentStore::InsertGrant(SegmentGrant g, const FilterNode& filter) {
  MILEAGE_ASSIGN_OR_RETURN(
      g.id,
      conn_.Insert("INSERT INTO segment_grants (brand_id, segment_id, stock_id, request_id, "
                   "state, total, created_by, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)",
                   {db::Value(g.brand_id), db::Value(g.segment_id), db::Value(g.stock_id),
                    db::Value(g.request_id), db::Value(std::string(kGrantRunning)),
                    OptionalId(g.created_by), db::Value(g.created_at), db::Value(g.updated_at)}));
  std::vector<db::Value> params = {db::Value(g.id), db::Value(g.brand_id)};
  const std::string where = FilterSql(filter, g.brand_id, params);
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult members,
      conn_.Exec("INSERT INTO segment_grant_members (grant_id, member_id) SELECT ?, r.member_id "
                 "FROM member_rfm r WHERE r.brand_id = ? AND " +
                     where,
                 params));
  g.total = members.affected_rows;
  g.state = std::string(g.total == 0 ? kGrantDone : kGrantRunning);
  if (g.total == 0) g.finished_at = g.created_at;
  MILEAGE_RETURN_IF_ERROR(conn_
                              .Exec("UPDATE segment_grants SET total = ?, state = ?, "
                                    "finished_at = ? WHERE id = ?",
                                    {db::Value(g.total), db::Value(g.state),
                                     OptionalId(g.finished_at), db::Value(g.id)})
                              .status());
  return g;
}

Result<std::optional<SegmentGrant>> SegmentStore::FindGrant(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kGrantColumns + " FROM segment_grants WHERE id = ?",
                  {db::Value(id)}));
  if (rows.empty()) return std::optional<SegmentGrant>();
  return std::optional<SegmentGrant>(GrantFromRow(rows[0]));
}

Result<std::optional<SegmentGrant>> SegmentStore::FindGrantByRequest(
    int64_t brand_id, const std::string& request_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kGrantColumns +
                      " FROM segment_grants WHERE brand_id = ? AND request_id = ?",
                  {db::Value(brand_id), db::Value(request_id)}));
  if (rows.empty()) return std::optional<SegmentGrant>();
  return std::optional<SegmentGrant>(GrantFromRow(rows[0]));
}

Result<PageOf<SegmentGrant>> SegmentStore::Grants(int64_t brand_id, const PageRequest& page) {
  const std::string select = std::string("SELECT ") + kGrantColumns + " FROM segment_grants";
  return db::QueryPage<SegmentGrant>(
      conn_, {select, "SELECT COUNT(*) FROM segment_grants", " WHERE brand_id = ?", "id DESC"},
      {db::Value(brand_id)}, page, GrantFromRow);
}

Result<std::vector<SegmentGrant>> SegmentStore::RunningGrants(int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string("SELECT ") + kGrantColumns +
                                           " FROM segment_grants WHERE state = ? ORDER BY id "
                                           "LIMIT ?",
                                       {db::Value(std::string(kGrantRunning)), db::Value(limit)}));
  std::vector<SegmentGrant> out;
  for (const db::Row& row : rows) out.push_back(GrantFromRow(row));
  return out;
}

Result<std::vector<int64_t>> SegmentStore::GrantMembers(int64_t grant_id, int64_t after_member_id,
                                                        int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT member_id FROM segment_grant_members WHERE grant_id = ? AND "
                  "member_id > ? ORDER BY member_id LIMIT ?",
                  {db::Value(grant_id), db::Value(after_member_id), db::Value(limit)}));
  std::vector<int64_t> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(row.Int(0));
  return out;
}

Result<bool> SegmentStore::ClaimBatch(int64_t grant_id, int64_t seen_after, int64_t after,
                                      int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult moved,
      conn_.Exec("UPDATE segment_grants SET after_member_id = ?, updated_at = ? "
                 "WHERE id = ? AND state = ? AND after_member_id = ?",
                 {db::Value(after), db::Value(now), db::Value(grant_id),
                  db::Value(std::string(kGrantRunning)), db::Value(seen_after)}));
  return moved.affected_rows == 1;
}

Status SegmentStore::AddCounts(int64_t grant_id, int64_t granted, int64_t skipped, bool finished,
                               int64_t now) {
  return conn_
      .Exec(
          "UPDATE segment_grants SET granted = granted + ?, skipped = skipped + ?, "
          "state = ?, updated_at = ?, finished_at = ? WHERE id = ?",
          {db::Value(granted), db::Value(skipped),
           db::Value(std::string(finished ? kGrantDone : kGrantRunning)), db::Value(now),
           finished ? db::Value(now) : db::Value(nullptr), db::Value(grant_id)})
      .status();
}

Status SegmentStore::Fail(int64_t grant_id, const std::string& detail, int64_t now) {
  return conn_
      .Exec(
          "UPDATE segment_grants SET state = ?, detail = ?, updated_at = ?, finished_at = ? "
          "WHERE id = ? AND state = ?",
          {db::Value(std::string(kGrantFailed)), db::Value(detail.substr(0, 255)), db::Value(now),
           db::Value(now), db::Value(grant_id), db::Value(std::string(kGrantRunning))})
      .status();
}

Result<SegmentStore::GrantTotals> SegmentStore::Totals() {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT COALESCE(SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END), 0), "
                  "COALESCE(SUM(CASE WHEN state = 'running' THEN total - granted - skipped "
                  "ELSE 0 END), 0), COALESCE(SUM(granted), 0) FROM segment_grants"));
  GrantTotals t;
  if (!rows.empty()) {
    t.running = rows[0].Int(0);
    t.pending = rows[0].Int(1);
    t.granted = rows[0].Int(2);
  }
  return t;
}

}  // namespace mileage::growth
