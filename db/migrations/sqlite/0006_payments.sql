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
);

CREATE TABLE payment_transactions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX payment_transactions_txid ON payment_transactions (transaction_id);
CREATE INDEX payment_transactions_merchant_trade ON payment_transactions (merchant_id, out_trade_no);
CREATE INDEX payment_transactions_store ON payment_transactions (store_id, paid_at);
CREATE INDEX payment_transactions_dealer ON payment_transactions (dealer_id, paid_at);
CREATE INDEX payment_transactions_region ON payment_transactions (region_id, paid_at);
CREATE INDEX payment_transactions_brand ON payment_transactions (brand_id, paid_at);
CREATE INDEX payment_transactions_member ON payment_transactions (member_id, paid_at);

CREATE TABLE payment_refunds (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
  applied INTEGER NOT NULL DEFAULT 0,
  points_reversed BIGINT NOT NULL DEFAULT 0,
  refunded_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  applied_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX payment_refunds_refund_id ON payment_refunds (refund_id);
CREATE INDEX payment_refunds_transaction ON payment_refunds (transaction_id);
CREATE INDEX payment_refunds_store ON payment_refunds (store_id, created_at);

CREATE TABLE outbox_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic VARCHAR(64) NOT NULL,
  brand_id BIGINT NOT NULL,
  aggregate_ref VARCHAR(64) NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  published_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_events_unpublished ON outbox_events (published_at, id);
