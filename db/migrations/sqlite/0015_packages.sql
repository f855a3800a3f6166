-- In-app purchase (issue 11; docs/API.md, "Packages and orders"): packages sold for fen at a
-- store that grant coupons, the members' orders for them, and the merchant API keys Mileage
-- signs WeChat Pay requests with. Money in fen, times in Unix seconds.
--
-- merchant_api_keys: a merchant's API private key (PEM), sealed with the data key
-- (crypto::FieldCipher bound to the mchid), and its certificate serial; what creating a JSAPI
-- order and signing wx.requestPayment take. At most one per merchant; replaced in place.
CREATE TABLE merchant_api_keys (
  merchant_id BIGINT NOT NULL PRIMARY KEY,
  serial VARCHAR(64) NOT NULL,
  key_sealed TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (merchant_id) REFERENCES merchants (id)
);

-- A package sold at one store (its path stored for scope filters). state 'draft' | 'on_sale' |
-- 'off_sale'; members see and buy on_sale packages only. created_by is the staff id (NULL:
-- the operator CLI).
CREATE TABLE coupon_packages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  region_id BIGINT NOT NULL,
  dealer_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  name VARCHAR(64) NOT NULL,
  description VARCHAR(255) NOT NULL,
  price_fen BIGINT NOT NULL,
  state VARCHAR(8) NOT NULL,
  created_by BIGINT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (brand_id) REFERENCES brands (id),
  FOREIGN KEY (store_id) REFERENCES stores (id)
);
CREATE INDEX coupon_packages_brand ON coupon_packages (brand_id, state, id);
CREATE INDEX coupon_packages_dealer ON coupon_packages (dealer_id, id);
CREATE INDEX coupon_packages_store ON coupon_packages (store_id, id);

-- What a package grants: quantity coupons of each stock (stocks of the package's brand that
-- take the grant channel).
CREATE TABLE coupon_package_items (
  package_id BIGINT NOT NULL,
  stock_id BIGINT NOT NULL,
  quantity INTEGER NOT NULL,
  PRIMARY KEY (package_id, stock_id),
  FOREIGN KEY (package_id) REFERENCES coupon_packages (id),
  FOREIGN KEY (stock_id) REFERENCES coupon_stocks (id)
);

-- A member's order for a package, paid through the store's merchant with a JSAPI prepay.
-- out_trade_no is unique per merchant (WeChat's key). state 'pending' (prepay made, not paid)
-- | 'paid' (coupons granted in the notification's transaction) | 'grant_failed' (paid, but a
-- stock was sold out or at the member's limit: an order.grant_failed event asks the brand to
-- refund). The conditional UPDATE pending -> paid makes the grant happen once.
CREATE TABLE package_orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  package_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  merchant_id BIGINT NOT NULL,
  appid VARCHAR(32) NOT NULL,
  out_trade_no VARCHAR(32) NOT NULL,
  amount_fen BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,
  prepay_id VARCHAR(64) NULL,
  transaction_id VARCHAR(32) NULL,
  created_at BIGINT NOT NULL,
  paid_at BIGINT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT package_orders_trade UNIQUE (merchant_id, out_trade_no),
  FOREIGN KEY (package_id) REFERENCES coupon_packages (id),
  FOREIGN KEY (member_id) REFERENCES members (id)
);
CREATE INDEX package_orders_member ON package_orders (member_id, id);
