-- Staff sessions and login names (issue 9, findings 5 and 6).
-- credentials_version: every console session carries the version its login saw; deactivation,
-- reactivation, a password reset and a role or scope change raise it, so the database ends a
-- session even when the Kv lost its revocation mark (org/session_truth.h).
-- Usernames become unique per brand instead of across the deployment, so that creating an
-- account never tells one brand which names another brand uses; a login names its brand
-- (docs/API.md, "POST /api/console/login"). SQLite cannot drop a table constraint, so the table
-- is rebuilt (nothing references staff rows by foreign key).
CREATE TABLE staff_new (
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
  credentials_version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT staff_brand_username UNIQUE (brand_id, username)
);
INSERT INTO staff_new (id, username, password_hash, role, scope_type, brand_id, region_id,
                       dealer_id, store_id, active, credentials_version, created_at, updated_at)
  SELECT id, username, password_hash, role, scope_type, brand_id, region_id, dealer_id, store_id,
         active, 1, created_at, updated_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;
CREATE INDEX staff_brand ON staff (brand_id, id);
CREATE INDEX staff_region ON staff (region_id, id);
CREATE INDEX staff_dealer ON staff (dealer_id, id);
CREATE INDEX staff_store ON staff (store_id, id);
