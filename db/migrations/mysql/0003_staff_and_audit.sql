-- Console accounts and the audit log of console writes. A staff row repeats the ids of its
-- scope node's path (NULL below the scope level) so that scope filters are one equality.
-- Usernames are stored lowercase. password_hash is "scrypt$log2N$r$p$salt$hash".
CREATE TABLE staff (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(64) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  role VARCHAR(32) NOT NULL,
  scope_type VARCHAR(16) NOT NULL,
  brand_id BIGINT NOT NULL,
  region_id BIGINT,
  dealer_id BIGINT,
  store_id BIGINT,
  active TINYINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT staff_username UNIQUE (username),
  KEY staff_brand (brand_id, id),
  KEY staff_region (region_id, id),
  KEY staff_dealer (dealer_id, id),
  KEY staff_store (store_id, id),
  FOREIGN KEY (brand_id) REFERENCES brands (id),
  FOREIGN KEY (region_id) REFERENCES regions (id),
  FOREIGN KEY (dealer_id) REFERENCES dealers (id),
  FOREIGN KEY (store_id) REFERENCES stores (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per console write (outcome 'ok', committed with the write) and per write the
-- authorizer refused (outcome 'denied'). staff_id is NULL for the operator CLI.
CREATE TABLE audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  staff_id BIGINT,
  action VARCHAR(64) NOT NULL,
  object_type VARCHAR(32) NOT NULL,
  object_id BIGINT,
  outcome VARCHAR(16) NOT NULL,
  detail VARCHAR(255) NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  client_address VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  KEY audit_log_brand (brand_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
