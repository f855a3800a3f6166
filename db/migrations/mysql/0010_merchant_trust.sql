-- The trust model of WeChat Pay notifications (DESIGN.md section 5, step 4; docs/API.md).
--
-- Brand apps: the WeChat appids (mini-program, official account, mobile app) a brand registered.
-- A merchant's appid and every paid notification's appid must be an active app of the brand,
-- so that no merchant can enroll members in another app's namespace. Appids are global in
-- WeChat, hence unique per deployment. The optional app secret is sealed like merchant API v3
-- keys ('' when none).
CREATE TABLE brand_apps (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  appid VARCHAR(32) NOT NULL,
  kind VARCHAR(24) NOT NULL,
  name VARCHAR(100) NOT NULL,
  secret_sealed VARCHAR(512) NOT NULL DEFAULT '',
  active TINYINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT brand_apps_appid UNIQUE (appid),
  KEY brand_apps_brand (brand_id, id),
  FOREIGN KEY (brand_id) REFERENCES brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Existing merchants keep working: each appid becomes an app of the brand of the first merchant
-- registered with it (an appid used in several brands stays with the first; the others' payments
-- are refused until an operator sorts it out).
INSERT INTO brand_apps (brand_id, appid, kind, name, secret_sealed, active, created_at, updated_at)
SELECT m.brand_id, m.appid, 'miniprogram', m.appid, '', 1, m.created_at, m.created_at
FROM merchants m
WHERE m.id = (SELECT MIN(m2.id) FROM merchants m2 WHERE m2.appid = m.appid);

-- Platform keys are retired, not deleted (retired_at 0 = in use); expires_at is a certificate's
-- notAfter (0: a public key, or a key registered before keys were parsed at registration).
ALTER TABLE merchant_platform_keys
  ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN retired_at BIGINT NOT NULL DEFAULT 0;

-- A notification touches only its own merchant's records: WeChat's ids are unique per mchid, so
-- every key is scoped by merchant and no merchant can pre-empt another's transaction_id,
-- refund_id or notification id.
ALTER TABLE payment_transactions
  DROP INDEX payment_transactions_txid,
  ADD UNIQUE KEY payment_transactions_merchant_txid (merchant_id, transaction_id),
  ADD KEY payment_transactions_txid (transaction_id);

ALTER TABLE payment_refunds
  DROP INDEX payment_refunds_refund_id,
  DROP INDEX payment_refunds_transaction,
  ADD UNIQUE KEY payment_refunds_merchant_refund_id (merchant_id, refund_id),
  ADD KEY payment_refunds_merchant_transaction (merchant_id, transaction_id);

ALTER TABLE payment_notifications DROP PRIMARY KEY, ADD PRIMARY KEY (mchid, id);
