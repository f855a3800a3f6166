-- Referrals (老带新, issue 16 part 2, growth/): a member's referral code, the brand's rule, each
-- referee's referral and the referrers' monthly reward counters (docs/OPERATIONS.md
-- "Referrals"). The MySQL file explains each table.
CREATE TABLE referral_rules (
  brand_id BIGINT NOT NULL PRIMARY KEY REFERENCES brands (id),
  enabled INTEGER NOT NULL DEFAULT 1,
  window_days INTEGER NOT NULL,
  min_amount_fen BIGINT NOT NULL,
  referrer_points BIGINT NOT NULL DEFAULT 0,
  referee_points BIGINT NOT NULL DEFAULT 0,
  referrer_stock_id BIGINT NULL,
  referee_stock_id BIGINT NULL,
  monthly_cap INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE referral_codes (
  member_id BIGINT NOT NULL PRIMARY KEY REFERENCES members (id),
  brand_id BIGINT NOT NULL,
  code VARCHAR(16) NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT referral_codes_code UNIQUE (code)
);

CREATE TABLE referrals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  referrer_member_id BIGINT NOT NULL REFERENCES members (id),
  referee_member_id BIGINT NOT NULL REFERENCES members (id),
  state VARCHAR(16) NOT NULL,
  reason VARCHAR(32) NOT NULL DEFAULT '',
  attached_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  payment_id BIGINT NULL,
  payment_fen BIGINT NOT NULL DEFAULT 0,
  min_amount_fen BIGINT NOT NULL DEFAULT 0,
  qualified_at BIGINT NULL,
  reward_month INTEGER NULL,
  referrer_points BIGINT NOT NULL DEFAULT 0,
  referee_points BIGINT NOT NULL DEFAULT 0,
  referrer_coupon_id BIGINT NULL,
  referee_coupon_id BIGINT NULL,
  clawed_back_at BIGINT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT referrals_referee UNIQUE (referee_member_id)
);
CREATE INDEX referrals_referrer ON referrals (referrer_member_id, id);
CREATE INDEX referrals_brand ON referrals (brand_id, id);
CREATE INDEX referrals_payment ON referrals (payment_id);

CREATE TABLE referral_month_counts (
  referrer_member_id BIGINT NOT NULL,
  month INTEGER NOT NULL,
  rewarded INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (referrer_member_id, month)
);
