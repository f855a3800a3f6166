-- Results of requests that carry an idempotency key (console redemptions, partner calls), so
-- that a retried request returns the first result instead of acting twice. A row with a NULL
-- response_status is a request still in progress. created_at is Unix seconds; old rows are
-- purged by created_at. Keys compare byte for byte (utf8mb4_bin), as on SQLite.
CREATE TABLE idempotency_keys (
  scope VARCHAR(64) NOT NULL,
  idem_key VARCHAR(128) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  response_status INT,
  response_body TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (scope, idem_key),
  KEY idempotency_keys_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
