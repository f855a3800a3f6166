#include "care/subscribe_store.h"

#include <string>

#include "db/sql_dialect.h"

namespace mileage::care {
namespace {

constexpr const char* kTemplateColumns =
    "id, brand_id, topic, template_id, title, marketing, page, fields, created_at, updated_at";

constexpr const char* kMessageColumns =
    "id, event_id, template_ref, brand_id, member_id, state, reason, grant_appid, attempts, "
    "first_attempt_at, next_attempt_at, finished_at";

SubscribeTemplate TemplateFromRow(const db::Row& row) {
  SubscribeTemplate t;
  t.id = row.Int(0);
  t.brand_id = row.Int(1);
  t.topic = row.Text(2);
  t.template_id = row.Text(3);
  t.title = row.Text(4);
  t.marketing = row.Int(5) != 0;
  t.page = row.Text(6);
  t.fields = SplitFields(row.Text(7));
  t.created_at = row.Int(8);
  t.updated_at = row.Int(9);
  return t;
}

SubscribeMessage MessageFromRow(const db::Row& row) {
  SubscribeMessage m;
  m.id = row.Int(0);
  m.event_id = row.Int(1);
  m.template_ref = row.Int(2);
  m.brand_id = row.Int(3);
  m.member_id = row.Int(4);
  m.state = row.Text(5);
  m.reason = row.Text(6);
  m.grant_appid = row.Text(7);
  m.attempts = row.Int(8);
  m.first_attempt_at = row.Int(9);
  m.next_attempt_at = row.Int(10);
  m.finished_at = row.Int(11);
  return m;
}

SubscribeEvent EventFromRow(const db::Row& row) {
  return SubscribeEvent{row.Int(0), row.Text(1), row.Int(2), row.Text(3)};
}

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace

std::string JoinFields(const std::vector<TemplateField>& fields) {
  std::string out;
  for (const TemplateField& f : fields) {
    if (!out.empty()) out += ';';
    out += f.keyword + "=" + f.field;
  }
  return out;
}

std::vector<TemplateField> SplitFields(std::string_view column) {
  std::vector<TemplateField> out;
  while (!column.empty()) {
    const size_t end = column.find(';');
    const std::string_view pair = column.substr(0, end);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos) {
      out.push_back({std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1))});
    }
    if (end == std::string_view::npos) break;
    column.remove_prefix(end + 1);
  }
  return out;
}

Result<int64_t> SubscribeStore::InsertTemplate(int64_t brand_id, const TemplateInput& input,
                                               int64_t now) {
  return conn_.Insert(
      "INSERT INTO subscribe_templates (brand_id, topic, template_id, title, marketing, page, "
      "fields, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {db::Value(brand_id), db::Value(input.topic), db::Value(input.template_id),
       db::Value(input.title), db::Value(int64_t{input.marketing ? 1 : 0}), db::Value(input.page),
       db::Value(JoinFields(input.fields)), db::Value(now), db::Value(now)});
}

Result<bool> SubscribeStore::UpdateTemplate(int64_t id, const TemplateInput& input, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult result,
      conn_.Exec("UPDATE subscribe_templates SET topic = ?, template_id = ?, title = ?, "
                 "marketing = ?, page = ?, fields = ?, updated_at = ? WHERE id = ?",
                 {db::Value(input.topic), db::Value(input.template_id), db::Value(input.title),
                  db::Value(int64_t{input.marketing ? 1 : 0}), db::Value(input.page),
                  db::Value(JoinFields(input.fields)), db::Value(now), db::Value(id)}));
  return result.affected_rows > 0;
}

Status SubscribeStore::DeleteTemplate(int64_t id) {
  MILEAGE_RETURN_IF_ERROR(
      conn_.Exec("DELETE FROM subscribe_grants WHERE template_ref = ?", {db::Value(id)}).status());
  return conn_.Exec("DELETE FROM subscribe_templates WHERE id = ?", {db::Value(id)}).status();
}

Result<std::optional<SubscribeTemplate>> SubscribeStore::FindTemplate(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string("SELECT ") + kTemplateColumns +
                                           " FROM subscribe_templates WHERE id = ?",
                                       {db::Value(id)}));
  if (rows.empty()) return std::optional<SubscribeTemplate>();
  return std::optional<SubscribeTemplate>(TemplateFromRow(rows[0]));
}

Result<std::vector<SubscribeTemplate>> SubscribeStore::Templates(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kTemplateColumns +
                      " FROM subscribe_templates WHERE brand_id = ? ORDER BY id",
                  {db::Value(brand_id)}));
  std::vector<SubscribeTemplate> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(TemplateFromRow(row));
  return out;
}

Result<int64_t> SubscribeStore::CountTemplates(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT COUNT(*) FROM subscribe_templates WHERE brand_id = ?",
                  {db::Value(brand_id)}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

Status SubscribeStore::AddGrants(int64_t template_ref, int64_t member_id, std::string_view appid,
                                 int64_t count, int64_t cap, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(
      conn_
          .Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                    " subscribe_grants (template_ref, member_id, appid, remaining, updated_at) "
                    "VALUES (?, ?, ?, 0, ?)",
                {db::Value(template_ref), db::Value(member_id), db::Value(std::string(appid)),
                 db::Value(now)})
          .status());
  return conn_
      .Exec(
          "UPDATE subscribe_grants SET remaining = CASE WHEN remaining + ? > ? THEN ? ELSE "
          "remaining + ? END, updated_at = ? WHERE template_ref = ? AND member_id = ? AND appid = "
          "?",
          {db::Value(count), db::Value(cap), db::Value(cap), db::Value(count), db::Value(now),
           db::Value(template_ref), db::Value(member_id), db::Value(std::string(appid))})
      .status();
}

Result<int64_t> SubscribeStore::Remaining(int64_t template_ref, int64_t member_id,
                                          std::string_view appid) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT remaining FROM subscribe_grants WHERE template_ref = ? AND member_id = ? "
                  "AND appid = ?",
                  {db::Value(template_ref), db::Value(member_id), db::Value(std::string(appid))}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

Result<std::vector<std::string>> SubscribeStore::GrantApps(int64_t template_ref,
                                                           int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT appid FROM subscribe_grants WHERE template_ref = ? AND member_id = ? "
                  "AND remaining > 0 ORDER BY appid",
                  {db::Value(template_ref), db::Value(member_id)}));
  std::vector<std::string> out;
  for (const db::Row& row : rows) out.push_back(row.Text(0));
  return out;
}

Result<bool> SubscribeStore::ConsumeGrant(int64_t template_ref, int64_t member_id,
                                          std::string_view appid, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult result,
      conn_.Exec("UPDATE subscribe_grants SET remaining = remaining - 1, updated_at = ? "
                 "WHERE template_ref = ? AND member_id = ? AND appid = ? AND remaining > 0",
                 {db::Value(now), db::Value(template_ref), db::Value(member_id),
                  db::Value(std::string(appid))}));
  return result.affected_rows == 1;
}

Result<std::vector<SubscribeEvent>> SubscribeStore::UnmessagedEvents(int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT id, topic, brand_id, payload FROM outbox_events WHERE messaged_at = 0 "
                  "ORDER BY id LIMIT ?",
                  {db::Value(limit)}));
  std::vector<SubscribeEvent> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(EventFromRow(row));
  return out;
}

Status SubscribeStore::MarkMessaged(std::span<const int64_t> ids, int64_t now) {
  if (ids.empty()) return Status::Ok();
  std::vector<db::Value> params{db::Value(now)};
  for (int64_t id : ids) params.emplace_back(id);
  return conn_
      .Exec("UPDATE outbox_events SET messaged_at = ? WHERE messaged_at = 0 AND id IN (" +
                Placeholders(ids.size()) + ")",
            params)
      .status();
}

Result<std::optional<SubscribeEvent>> SubscribeStore::Event(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT id, topic, brand_id, payload FROM outbox_events WHERE id = ?",
                  {db::Value(id)}));
  if (rows.empty()) return std::optional<SubscribeEvent>();
  return std::optional<SubscribeEvent>(EventFromRow(rows[0]));
}

Status SubscribeStore::AddMessage(int64_t event_id, int64_t template_ref, int64_t brand_id,
                                  int64_t member_id, int64_t now) {
  return conn_
      .Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                " subscribe_messages (event_id, template_ref, brand_id, member_id, state, "
                "created_at) VALUES (?, ?, ?, ?, 'pending', ?)",
            {db::Value(event_id), db::Value(template_ref), db::Value(brand_id),
             db::Value(member_id), db::Value(now)})
      .status();
}

Result<std::vector<SubscribeMessage>> SubscribeStore::DueMessages(int64_t now, int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kMessageColumns +
                      " FROM subscribe_messages WHERE state = 'pending' AND next_attempt_at <= ? "
                      "ORDER BY id LIMIT ?",
                  {db::Value(now), db::Value(limit)}));
  std::vector<SubscribeMessage> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(MessageFromRow(row));
  return out;
}

Result<bool> SubscribeStore::Claim(int64_t id, int64_t seen_attempts, int64_t now,
                                   int64_t hold_until) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult result,
      conn_.Exec("UPDATE subscribe_messages SET attempts = attempts + 1, first_attempt_at = "
                 "CASE WHEN first_attempt_at = 0 THEN ? ELSE first_attempt_at END, "
                 "next_attempt_at = ? WHERE id = ? AND state = 'pending' AND attempts = ?",
                 {db::Value(now), db::Value(hold_until), db::Value(id), db::Value(seen_attempts)}));
  return result.affected_rows == 1;
}

Status SubscribeStore::HoldGrant(int64_t id, std::string_view appid) {
  return conn_
      .Exec("UPDATE subscribe_messages SET grant_appid = ? WHERE id = ?",
            {db::Value(std::string(appid)), db::Value(id)})
      .status();
}

Status SubscribeStore::Finish(int64_t id, int64_t attempt, std::string_view state,
                              std::string_view reason, int64_t next, int64_t now) {
  const bool pending = state == kMessagePending;
  return conn_
      .Exec(
          "UPDATE subscribe_messages SET state = ?, reason = ?, next_attempt_at = ?, "
          "finished_at = ? WHERE id = ? AND attempts = ? AND state = 'pending'",
          {db::Value(std::string(state)), db::Value(std::string(reason.substr(0, 64))),
           db::Value(pending ? next : int64_t{0}), db::Value(pending ? int64_t{0} : now),
           db::Value(id), db::Value(attempt)})
      .status();
}

Result<std::optional<SubscribeMessage>> SubscribeStore::FindMessage(int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string("SELECT ") + kMessageColumns +
                                           " FROM subscribe_messages WHERE id = ?",
                                       {db::Value(id)}));
  if (rows.empty()) return std::optional<SubscribeMessage>();
  return std::optional<SubscribeMessage>(MessageFromRow(rows[0]));
}

Result<int64_t> SubscribeStore::CountMessages(std::string_view state) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query("SELECT COUNT(*) FROM subscribe_messages WHERE state = ?",
                                       {db::Value(std::string(state))}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

}  // namespace mileage::care
