-- Console accounts and the audit log of console writes. A staff row repeats the ids of its
-- scope node's path (NULL below the scope level) so that scope filters are one equality.
-- Usernames are stored lowercase. password_hash is "scrypt$log2N$r$p$salt$hash".
CREATE TABLE staff (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username VARCHAR(64) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  role VARCHAR(32) NOT NULL,
  scope_type VARCHAR(16) NOT NULL,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  region_id BIGINT REFERENCES regions (id),
  dealer_id BIGINT REFERENCES dealers (id),
  store_id BIGINT REFERENCES stores (id),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT staff_username UNIQUE (username)
);
CREATE INDEX staff_brand ON staff (brand_id, id);
CREATE INDEX staff_region ON staff (region_id, id);
CREATE INDEX staff_dealer ON staff (dealer_id, id);
CREATE INDEX staff_store ON staff (store_id, id);

-- One row per console write (outcome 'ok', committed with the write) and per write the
-- authorizer refused (outcome 'denied'). staff_id is NULL for the operator CLI.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  staff_id BIGINT,
  action VARCHAR(64) NOT NULL,
  object_type VARCHAR(32) NOT NULL,
  object_id BIGINT,
  outcome VARCHAR(16) NOT NULL,
  detail VARCHAR(255) NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  client_address VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_brand ON audit_log (brand_id, id);
