#include "relay/webhook_store.h"

#include "db/in_list.h"
#include "db/paged_query.h"
#include "db/sql_dialect.h"
#include "relay/delivery_rules.h"

namespace mileage::relay {
namespace {

constexpr const char* kEndpointColumns =
    "id, brand_id, url, topics, enabled, created_at, updated_at, secret_sealed, "
    "previous_secret_sealed, previous_secret_until";
constexpr const char* kEventColumns = "id, topic, brand_id, aggregate_ref, payload, created_at";

SealedEndpoint EndpointFromRow(const db::Row& row) {
  SealedEndpoint out;
  WebhookEndpoint& e = out.endpoint;
  e.id = row.Int(0);
  e.brand_id = row.Int(1);
  e.url = row.Text(2);
  e.topics = SplitTopics(row.Text(3));
  e.enabled = row.Int(4) != 0;
  e.created_at = row.Int(5);
  e.updated_at = row.Int(6);
  out.sealed_secret = row.Text(7);
  out.previous_sealed_secret = row.Text(8);
  e.previous_secret_until = out.previous_sealed_secret.empty() ? 0 : row.Int(9);
  return out;
}

OutboxRecord EventFromRow(const db::Row& row) {
  return OutboxRecord{row.Int(0), row.Text(1), row.Int(2), row.Text(3), row.Text(4), row.Int(5)};
}

Result<std::vector<OutboxRecord>> Events(db::Connection& conn, const std::string& sql,
                                         std::span<const db::Value> params) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn.Query(sql, params));
  std::vector<OutboxRecord> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(EventFromRow(row));
  return out;
}

}  // namespace

Result<int64_t> WebhookStore::InsertEndpoint(const WebhookEndpoint& e) {
  return conn_.Insert(
      "INSERT INTO webhook_endpoints (brand_id, url, topics, secret_sealed, enabled, created_at, "
      "updated_at) VALUES (?, ?, ?, '', ?, ?, ?)",
      {db::Value(e.brand_id), db::Value(e.url), db::Value(JoinTopics(e.topics)),
       db::Value(int64_t{e.enabled ? 1 : 0}), db::Value(e.created_at), db::Value(e.updated_at)});
}

Status WebhookStore::SetSecret(int64_t id, std::string_view sealed, int64_t now) {
  return conn_
      .Exec("UPDATE webhook_endpoints SET secret_sealed = ?, updated_at = ? WHERE id = ?",
            {db::Value(std::string(sealed)), db::Value(now), db::Value(id)})
      .status();
}

Status WebhookStore::RotateSecret(int64_t id, std::string_view sealed, int64_t now,
                                  int64_t previous_until) {
  // MariaDB assigns left to right with the values already set, SQLite from the old row: with
  // the previous secret first, both keep the secret being replaced.
  return conn_
      .Exec(
          "UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, "
          "previous_secret_until = ?, secret_sealed = ?, updated_at = ? WHERE id = ?",
          {db::Value(previous_until), db::Value(std::string(sealed)), db::Value(now),
           db::Value(id)})
      .status();
}

Status WebhookStore::SetEnabled(int64_t id, bool enabled, int64_t now) {
  return conn_
      .Exec("UPDATE webhook_endpoints SET enabled = ?, updated_at = ? WHERE id = ?",
            {db::Value(int64_t{enabled ? 1 : 0}), db::Value(now), db::Value(id)})
      .status();
}

Status WebhookStore::DeleteEndpoint(int64_t id) {
  MILEAGE_RETURN_IF_ERROR(
      conn_.Exec("DELETE FROM webhook_deliveries WHERE endpoint_id = ?", {db::Value(id)}).status());
  return conn_.Exec("DELETE FROM webhook_endpoints WHERE id = ?", {db::Value(id)}).status();
}

Result<std::optional<SealedEndpoint>> WebhookStore::FindEndpoint(int64_t id, bool lock) {
  std::string sql =
      std::string("SELECT ") + kEndpointColumns + " FROM webhook_endpoints WHERE id = ?";
  if (lock) sql += db::ForUpdate(conn_.dialect());
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows, conn_.Query(sql, {db::Value(id)}));
  if (rows.empty()) return std::optional<SealedEndpoint>();
  return std::optional<SealedEndpoint>(EndpointFromRow(rows[0]));
}

Result<int64_t> WebhookStore::CountEndpoints(int64_t brand_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query("SELECT COUNT(*) FROM webhook_endpoints WHERE brand_id = ?",
                                       {db::Value(brand_id)}));
  return db::FirstInt(rows);
}

Result<PageOf<WebhookEndpoint>> WebhookStore::ListEndpoints(int64_t brand_id,
                                                            const PageRequest& page) {
  const std::string select = std::string("SELECT ") + kEndpointColumns + " FROM webhook_endpoints";
  const db::PagedSql sql{select, "SELECT COUNT(*) FROM webhook_endpoints", " WHERE brand_id = ?",
                         "id"};
  return db::QueryPage<WebhookEndpoint>(
      conn_, sql, {db::Value(brand_id)}, page,
      [](const db::Row& row) { return EndpointFromRow(row).endpoint; });
}

Result<std::vector<SealedEndpoint>> WebhookStore::EnabledEndpoints() {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query(std::string("SELECT ") + kEndpointColumns +
                                       " FROM webhook_endpoints WHERE enabled = 1 ORDER BY id"));
  std::vector<SealedEndpoint> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(EndpointFromRow(row));
  return out;
}

Result<std::vector<OutboxRecord>> WebhookStore::UnpublishedEvents(int64_t limit) {
  const std::vector<db::Value> params{db::Value(limit)};
  return Events(conn_,
                std::string("SELECT ") + kEventColumns +
                    " FROM outbox_events WHERE published_at = 0 ORDER BY id LIMIT ?",
                params);
}

Status WebhookStore::MarkPublished(std::span<const int64_t> ids, int64_t now) {
  if (ids.empty()) return Status::Ok();
  std::string sql = "UPDATE outbox_events SET published_at = ? WHERE id IN ";
  std::vector<db::Value> params{db::Value(now)};
  db::AppendInList(sql, params, ids);
  return conn_.Exec(sql, params).status();
}

Result<std::optional<OutboxRecord>> WebhookStore::Event(int64_t id) {
  const std::vector<db::Value> params{db::Value(id)};
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<OutboxRecord> events,
      Events(conn_, std::string("SELECT ") + kEventColumns + " FROM outbox_events WHERE id = ?",
             params));
  if (events.empty()) return std::optional<OutboxRecord>();
  return std::optional<OutboxRecord>(std::move(events[0]));
}

Result<std::vector<OutboxRecord>> WebhookStore::BrandEvents(int64_t brand_id, int64_t from_id,
                                                            int64_t to_id, int64_t limit) {
  const std::vector<db::Value> params{db::Value(brand_id), db::Value(from_id), db::Value(to_id),
                                      db::Value(limit)};
  return Events(conn_,
                std::string("SELECT ") + kEventColumns +
                    " FROM outbox_events WHERE brand_id = ? AND id >= ? AND id <= ? ORDER BY id "
                    "LIMIT ?",
                params);
}

Result<bool> WebhookStore::AddDelivery(int64_t endpoint_id, int64_t event_id,
                                       std::string_view order_key, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult inserted,
      conn_.Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                     " webhook_deliveries (endpoint_id, event_id, order_key, state, created_at) "
                     "VALUES (?, ?, ?, 'pending', ?)",
                 {db::Value(endpoint_id), db::Value(event_id), db::Value(std::string(order_key)),
                  db::Value(now)}));
  return inserted.affected_rows == 1;
}

Status WebhookStore::ResetDelivery(int64_t endpoint_id, int64_t event_id,
                                   std::string_view order_key, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(bool added, AddDelivery(endpoint_id, event_id, order_key, now));
  if (added) return Status::Ok();
  return conn_
      .Exec(
          "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, first_attempt_at = 0, "
          "last_attempt_at = 0, next_attempt_at = 0, last_status = 0, last_error = '', "
          "finished_at = 0 WHERE endpoint_id = ? AND event_id = ?",
          {db::Value(endpoint_id), db::Value(event_id)})
      .status();
}

Result<std::vector<DueDelivery>> WebhookStore::DueDeliveries(int64_t now, int64_t limit) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT d.id, d.endpoint_id, d.event_id, d.attempts, d.first_attempt_at "
                  "FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id "
                  "WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND e.enabled = 1 "
                  "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = "
                  "d.endpoint_id AND p.order_key = d.order_key AND p.state = 'pending' AND "
                  "p.event_id < d.event_id) ORDER BY d.event_id, d.endpoint_id LIMIT ?",
                  {db::Value(now), db::Value(limit)}));
  std::vector<DueDelivery> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    out.push_back({row.Int(0), row.Int(1), row.Int(2), row.Int(3), row.Int(4)});
  }
  return out;
}

Result<bool> WebhookStore::StartAttempt(int64_t id, int64_t seen_attempts, int64_t now,
                                        int64_t hold_until) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult started,
      conn_.Exec("UPDATE webhook_deliveries SET attempts = attempts + 1, first_attempt_at = "
                 "CASE WHEN first_attempt_at = 0 THEN ? ELSE first_attempt_at END, "
                 "last_attempt_at = ?, next_attempt_at = ? "
                 "WHERE id = ? AND state = 'pending' AND attempts = ?",
                 {db::Value(now), db::Value(now), db::Value(hold_until), db::Value(id),
                  db::Value(seen_attempts)}));
  return started.affected_rows == 1;
}

Status WebhookStore::FinishAttempt(int64_t id, int64_t attempt, std::string_view state,
                                   int64_t status, std::string_view error, int64_t next_attempt_at,
                                   int64_t now) {
  const bool pending = state == kDeliveryPending;
  return conn_
      .Exec(
          "UPDATE webhook_deliveries SET state = ?, last_status = ?, last_error = ?, "
          "next_attempt_at = ?, finished_at = ? WHERE id = ? AND state = 'pending' AND "
          "attempts = ?",
          {db::Value(std::string(state)), db::Value(status),
           db::Value(std::string(error.substr(0, 255))), db::Value(next_attempt_at),
           db::Value(pending ? int64_t{0} : now), db::Value(id), db::Value(attempt)})
      .status();
}

Result<PageOf<WebhookDelivery>> WebhookStore::ListDeliveries(const DeliveryFilter& filter,
                                                             const PageRequest& page) {
  std::string where = " WHERE e.brand_id = ?";
  std::vector<db::Value> params{db::Value(filter.brand_id)};
  if (filter.endpoint_id.has_value()) {
    where += " AND d.endpoint_id = ?";
    params.emplace_back(*filter.endpoint_id);
  }
  if (!filter.state.empty()) {
    where += " AND d.state = ?";
    params.emplace_back(filter.state);
  }
  constexpr const char* kTables =
      " FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id "
      "JOIN outbox_events o ON o.id = d.event_id";
  const std::string select =
      std::string(
          "SELECT d.id, d.endpoint_id, d.event_id, o.topic, d.state, d.attempts, "
          "d.first_attempt_at, d.last_attempt_at, d.next_attempt_at, d.last_status, "
          "d.last_error, d.finished_at, d.created_at") +
      kTables;
  const std::string count = std::string("SELECT COUNT(*)") + kTables;
  const db::PagedSql sql{select, count, where, "d.id DESC"};
  return db::QueryPage<WebhookDelivery>(conn_, sql, std::move(params), page, [](const db::Row& r) {
    return WebhookDelivery{r.Int(0), r.Int(1), r.Int(2), r.Text(3),  r.Text(4), r.Int(5), r.Int(6),
                           r.Int(7), r.Int(8), r.Int(9), r.Text(10), r.Int(11), r.Int(12)};
  });
}

Result<std::optional<int64_t>> WebhookStore::OldestUndelivered() {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> unpublished,
      conn_.Query(
          "SELECT created_at FROM outbox_events WHERE published_at = 0 ORDER BY id LIMIT 1"));
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> pending,
      conn_.Query("SELECT MIN(o.created_at) FROM webhook_deliveries d JOIN outbox_events o ON "
                  "o.id = d.event_id WHERE d.state = 'pending'"));
  std::optional<int64_t> oldest;
  if (!unpublished.empty()) oldest = unpublished[0].Int(0);
  if (!pending.empty() && !pending[0].IsNull(0)) {
    const int64_t at = pending[0].Int(0);
    if (!oldest.has_value() || at < *oldest) oldest = at;
  }
  return oldest;
}

Result<int64_t> WebhookStore::DeadCount() {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'dead'"));
  return db::FirstInt(rows);
}

}  // namespace mileage::relay
