-- Payments (DESIGN.md sections 4 and 5): the inbox of verified WeChat Pay notifications (by
-- WeChat's notification id), transactions (unique transaction_id), refunds (unique refund_id)
-- and the outbox of domain events written in the same transaction. Money in fen, times in
-- Unix seconds. A refund that arrives before its payment has applied = 0 and waits for it.
CREATE TABLE payment_notifications (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  mchid VARCHAR(32) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  resource_ref VARCHAR(64) NOT NULL,
  received_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE payment_transactions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  transaction_id VARCHAR(64) NOT NULL,
  merchant_id BIGINT NOT NULL,
  brand_id BIGINT NOT NULL,
  region_id BIGINT NOT NULL,
  dealer_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  mchid VARCHAR(32) NOT NULL,
  appid VARCHAR(64) NOT NULL,
  out_trade_no VARCHAR(64) NOT NULL,
  payer_openid VARCHAR(128) NOT NULL,
  amount_fen BIGINT NOT NULL,
  payer_total_fen BIGINT NOT NULL,
  paid_at BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  points_earned BIGINT NOT NULL,
  rule_version BIGINT NOT NULL,
  refunded_fen BIGINT NOT NULL DEFAULT 0,
  points_reversed BIGINT NOT NULL DEFAULT 0,
  state VARCHAR(24) NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE KEY payment_transactions_txid (transaction_id),
  KEY payment_transactions_merchant_trade (merchant_id, out_trade_no),
  KEY payment_transactions_store (store_id, paid_at),
  KEY payment_transactions_dealer (dealer_id, paid_at),
  KEY payment_transactions_region (region_id, paid_at),
  KEY payment_transactions_brand (brand_id, paid_at),
  KEY payment_transactions_member (member_id, paid_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE payment_refunds (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  refund_id VARCHAR(64) NOT NULL,
  transaction_id VARCHAR(64) NOT NULL,
  out_refund_no VARCHAR(64) NOT NULL,
  merchant_id BIGINT NOT NULL,
  brand_id BIGINT NOT NULL,
  region_id BIGINT NOT NULL,
  dealer_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  applied TINYINT NOT NULL DEFAULT 0,
  points_reversed BIGINT NOT NULL DEFAULT 0,
  refunded_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  applied_at BIGINT NOT NULL DEFAULT 0,
  UNIQUE KEY payment_refunds_refund_id (refund_id),
  KEY payment_refunds_transaction (transaction_id),
  KEY payment_refunds_store (store_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE outbox_events (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  topic VARCHAR(64) NOT NULL,
  brand_id BIGINT NOT NULL,
  aggregate_ref VARCHAR(64) NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  published_at BIGINT NOT NULL DEFAULT 0,
  KEY outbox_events_unpublished (published_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
