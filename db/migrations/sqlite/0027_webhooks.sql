-- Webhook endpoints of a brand and the outbox relay's deliveries to them (relay/, docs/API.md
-- "Webhooks", docs/OPERATIONS.md "Outbox relay"). An endpoint's secret is sealed with the data key
-- (context "webhooks.secret:<endpoint id>"); topics is a comma-separated filter ('' = every
-- topic). A delivery is one event for one endpoint: state 'pending' (next_attempt_at says when it
-- is due; 0 = at once), 'delivered' or 'dead' (dead-lettered after relay_dead_after_s of failed
-- attempts). order_key is the member ("m:<member_id>") or, for an event without a member_id, the
-- aggregate ("a:<aggregate_ref>"): a delivery is sent only when no earlier pending delivery of the
-- same (endpoint, order_key) exists. The unique key makes fan-out idempotent. Times are Unix
-- seconds. outbox_events.published_at is set once the relay created the deliveries of an event.
CREATE TABLE webhook_endpoints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  url VARCHAR(2048) NOT NULL,
  topics VARCHAR(1024) NOT NULL,
  secret_sealed VARCHAR(255) NOT NULL,
  enabled INT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_brand ON webhook_endpoints (brand_id, id);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint_id BIGINT NOT NULL,
  event_id BIGINT NOT NULL,
  order_key VARCHAR(80) NOT NULL,
  state VARCHAR(16) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  first_attempt_at BIGINT NOT NULL DEFAULT 0,
  last_attempt_at BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL DEFAULT 0,
  last_status INT NOT NULL DEFAULT 0,
  last_error VARCHAR(255) NOT NULL DEFAULT '',
  finished_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  CONSTRAINT webhook_deliveries_event UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, order_key, state, event_id);
