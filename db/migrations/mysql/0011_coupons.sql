-- Coupons (DESIGN.md section 4, issue 10; coupons/): stocks (campaigns), their stores, sharded
-- issue counters and day counters, coupons and redemptions. Money in fen, times in Unix seconds.
--
-- coupon_stocks: created at a node, whose path is stored (region_id, dealer_id, store_id NULL
-- below the node's level; node_type names the level) so that scope filters are one equality.
-- type 'cash' | 'discount' | 'exchange'; the fields of other types are 0 / ''. Validity is a
-- fixed window (valid_from..valid_until, both inclusive, valid_days 0) or valid_days 1..3650
-- (then valid_from = valid_until = 0). channel_* are 1 when the stock issues through claims,
-- payment rewards or staff grants. state 'draft' | 'active' | 'paused' | 'ended'. created_by is
-- the staff id (NULL: the operator CLI).
CREATE TABLE coupon_stocks (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  region_id BIGINT NULL,
  dealer_id BIGINT NULL,
  store_id BIGINT NULL,
  node_type VARCHAR(8) NOT NULL,
  name VARCHAR(64) NOT NULL,
  description VARCHAR(255) NOT NULL,
  type VARCHAR(16) NOT NULL,
  value_fen BIGINT NOT NULL,
  threshold_fen BIGINT NOT NULL,
  percent_off INT NOT NULL,
  max_discount_fen BIGINT NOT NULL,
  item VARCHAR(64) NOT NULL,
  valid_from BIGINT NOT NULL,
  valid_until BIGINT NOT NULL,
  valid_days INT NOT NULL,
  total_quantity BIGINT NOT NULL,
  per_member_limit INT NOT NULL,
  daily_quantity BIGINT NOT NULL,
  budget_fen BIGINT NOT NULL,
  min_tier VARCHAR(32) NOT NULL,
  channel_claim TINYINT NOT NULL,
  channel_payment TINYINT NOT NULL,
  channel_grant TINYINT NOT NULL,
  reward_min_amount_fen BIGINT NOT NULL,
  reward_first_payment_only TINYINT NOT NULL,
  state VARCHAR(8) NOT NULL,
  created_by BIGINT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  KEY coupon_stocks_brand (brand_id, state, id),
  KEY coupon_stocks_region (region_id, id),
  KEY coupon_stocks_dealer (dealer_id, id),
  KEY coupon_stocks_store (store_id, id),
  FOREIGN KEY (brand_id) REFERENCES brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The stores where a stock may be redeemed (and whose payments earn its reward), with each
-- store's path (stores never move); none = every store in the stock's node subtree.
CREATE TABLE coupon_stock_stores (
  stock_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  region_id BIGINT NOT NULL,
  dealer_id BIGINT NOT NULL,
  PRIMARY KEY (stock_id, store_id),
  KEY coupon_stock_stores_store (store_id),
  FOREIGN KEY (stock_id) REFERENCES coupon_stocks (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The stock's issue total split over shards (16 for an effective total of 1,000 or more, else
-- 1); the caps sum to the effective total. A claim takes one unit with
-- UPDATE ... SET issued = issued + 1 WHERE ... AND issued < cap, so issuing never exceeds the
-- total without one hot row.
CREATE TABLE coupon_stock_counters (
  stock_id BIGINT NOT NULL,
  shard INT NOT NULL,
  cap BIGINT NOT NULL,
  issued BIGINT NOT NULL,
  PRIMARY KEY (stock_id, shard),
  FOREIGN KEY (stock_id) REFERENCES coupon_stocks (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Coupons issued per Beijing day (yyyymmdd), for stocks with a daily_quantity.
CREATE TABLE coupon_stock_days (
  stock_id BIGINT NOT NULL,
  day INT NOT NULL,
  issued BIGINT NOT NULL,
  PRIMARY KEY (stock_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One coupon of a member. code: 16 Crockford base32 characters and a check character (stored
-- without dashes). member_slot n is the member's n-th coupon of the stock: the unique key makes
-- the per-member limit a database invariant. channel 'claim' | 'payment' | 'grant';
-- source_ref NULL for claims, 'grant:<request_id>' or 'pay:<mchid>:<transaction_id>', unique
-- per (stock, member) so that a repeated grant or payment never issues twice. state 'issued' |
-- 'redeemed' | 'expired' | 'voided'. The coupon is usable from valid_from to expires_at (both
-- inclusive). redemption_id is the current redemption. No foreign keys: the claim path's
-- insert would take shared locks on the stock and member rows.
CREATE TABLE coupons (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(17) NOT NULL,
  brand_id BIGINT NOT NULL,
  stock_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  member_slot INT NOT NULL,
  channel VARCHAR(8) NOT NULL,
  source_ref VARCHAR(128) NULL,
  state VARCHAR(8) NOT NULL,
  issued_at BIGINT NOT NULL,
  valid_from BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  redeemed_at BIGINT NULL,
  redemption_id BIGINT NULL,
  voided_at BIGINT NULL,
  void_reason VARCHAR(255) NULL,
  reward_refunded_after_redemption TINYINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  CONSTRAINT coupons_code UNIQUE (code),
  CONSTRAINT coupons_member_slot UNIQUE (stock_id, member_id, member_slot),
  CONSTRAINT coupons_source UNIQUE (stock_id, member_id, source_ref),
  KEY coupons_member (member_id, state, id),
  KEY coupons_stock_state (stock_id, state),
  KEY coupons_expiry (state, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A redemption at a store's counter (its path is stored for scope filters). request_id is the
-- client's idempotency key, unique per brand. staff_id / reversed_by are NULL for the CLI.
CREATE TABLE coupon_redemptions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  coupon_id BIGINT NOT NULL,
  stock_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  region_id BIGINT NOT NULL,
  dealer_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  staff_id BIGINT NULL,
  request_id VARCHAR(64) NOT NULL,
  order_amount_fen BIGINT NOT NULL,
  discount_fen BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  reversed_at BIGINT NULL,
  reversed_by BIGINT NULL,
  reverse_reason VARCHAR(255) NULL,
  CONSTRAINT coupon_redemptions_request UNIQUE (brand_id, request_id),
  KEY coupon_redemptions_store (store_id, created_at),
  KEY coupon_redemptions_coupon (coupon_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
