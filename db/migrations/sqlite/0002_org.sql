-- The organisation (DESIGN.md section 4): brand -> region -> dealer -> store, WeChat Pay
-- merchants of a store and partners of a brand. Every row below the brand repeats the ids of
-- its ancestors, so that a scope filter is one equality on an indexed column. Hierarchy rows
-- never move; `active` is 1 or 0. Times are Unix seconds. Secrets (apiv3_key_sealed,
-- secret_sealed) are AES-256-GCM sealed by org/crypto/field_cipher.h.
CREATE TABLE brands (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(100) NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE regions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  name VARCHAR(100) NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX regions_brand ON regions (brand_id, id);

CREATE TABLE dealers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  region_id BIGINT NOT NULL REFERENCES regions (id),
  name VARCHAR(100) NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX dealers_brand ON dealers (brand_id, id);
CREATE INDEX dealers_region ON dealers (region_id, id);

CREATE TABLE stores (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  region_id BIGINT NOT NULL REFERENCES regions (id),
  dealer_id BIGINT NOT NULL REFERENCES dealers (id),
  name VARCHAR(100) NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX stores_brand ON stores (brand_id, id);
CREATE INDEX stores_region ON stores (region_id, id);
CREATE INDEX stores_dealer ON stores (dealer_id, id);

CREATE TABLE merchants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  region_id BIGINT NOT NULL REFERENCES regions (id),
  dealer_id BIGINT NOT NULL REFERENCES dealers (id),
  store_id BIGINT NOT NULL REFERENCES stores (id),
  mchid VARCHAR(32) NOT NULL,
  appid VARCHAR(32) NOT NULL,
  apiv3_key_sealed VARCHAR(255) NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT merchants_mchid UNIQUE (mchid)
);
CREATE INDEX merchants_brand ON merchants (brand_id, id);
CREATE INDEX merchants_region ON merchants (region_id, id);
CREATE INDEX merchants_dealer ON merchants (dealer_id, id);
CREATE INDEX merchants_store ON merchants (store_id, id);

-- WeChat Pay platform certificates and public keys of a merchant, by serial (or public key id).
CREATE TABLE merchant_platform_keys (
  merchant_id BIGINT NOT NULL REFERENCES merchants (id),
  serial VARCHAR(64) NOT NULL,
  pem TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, serial)
);

CREATE TABLE partners (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  name VARCHAR(100) NOT NULL,
  category VARCHAR(16) NOT NULL,
  api_key_id VARCHAR(64) NOT NULL,
  secret_sealed VARCHAR(255) NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT partners_api_key_id UNIQUE (api_key_id)
);
CREATE INDEX partners_brand ON partners (brand_id, id);
