-- The organisation (DESIGN.md section 4): brand -> region -> dealer -> store, WeChat Pay
-- merchants of a store and partners of a brand. Every row below the brand repeats the ids of
-- its ancestors, so that a scope filter is one equality on an indexed column. Hierarchy rows
-- never move; `active` is 1 or 0. Times are Unix seconds. Secrets (apiv3_key_sealed,
-- secret_sealed) are AES-256-GCM sealed by org/crypto/field_cipher.h.
CREATE TABLE brands (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  active TINYINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE regions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  name VARCHAR(100) NOT NULL,
  active TINYINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  KEY regions_brand (brand_id, id),
  FOREIGN KEY (brand_id) REFERENCES brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE dealers (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  region_id BIGINT NOT NULL,
  name VARCHAR(100) NOT NULL,
  active TINYINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  KEY dealers_brand (brand_id, id),
  KEY dealers_region (region_id, id),
  FOREIGN KEY (brand_id) REFERENCES brands (id),
  FOREIGN KEY (region_id) REFERENCES regions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE stores (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  region_id BIGINT NOT NULL,
  dealer_id BIGINT NOT NULL,
  name VARCHAR(100) NOT NULL,
  active TINYINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  KEY stores_brand (brand_id, id),
  KEY stores_region (region_id, id),
  KEY stores_dealer (dealer_id, id),
  FOREIGN KEY (brand_id) REFERENCES brands (id),
  FOREIGN KEY (region_id) REFERENCES regions (id),
  FOREIGN KEY (dealer_id) REFERENCES dealers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE merchants (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  region_id BIGINT NOT NULL,
  dealer_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  mchid VARCHAR(32) NOT NULL,
  appid VARCHAR(32) NOT NULL,
  apiv3_key_sealed VARCHAR(255) NOT NULL,
  active TINYINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT merchants_mchid UNIQUE (mchid),
  KEY merchants_brand (brand_id, id),
  KEY merchants_region (region_id, id),
  KEY merchants_dealer (dealer_id, id),
  KEY merchants_store (store_id, id),
  FOREIGN KEY (brand_id) REFERENCES brands (id),
  FOREIGN KEY (region_id) REFERENCES regions (id),
  FOREIGN KEY (dealer_id) REFERENCES dealers (id),
  FOREIGN KEY (store_id) REFERENCES stores (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- WeChat Pay platform certificates and public keys of a merchant, by serial (or public key id).
CREATE TABLE merchant_platform_keys (
  merchant_id BIGINT NOT NULL,
  serial VARCHAR(64) NOT NULL,
  pem TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (merchant_id, serial),
  FOREIGN KEY (merchant_id) REFERENCES merchants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE partners (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  name VARCHAR(100) NOT NULL,
  category VARCHAR(16) NOT NULL,
  api_key_id VARCHAR(64) NOT NULL,
  secret_sealed VARCHAR(255) NOT NULL,
  active TINYINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT partners_api_key_id UNIQUE (api_key_id),
  KEY partners_brand (brand_id, id),
  FOREIGN KEY (brand_id) REFERENCES brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
