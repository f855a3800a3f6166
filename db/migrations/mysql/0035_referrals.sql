-- Referrals (老带新, issue 16 part 2, growth/): a member's referral code, the brand's rule, each
-- referee's referral and the referrers' monthly reward counters (docs/OPERATIONS.md
-- "Referrals").
--
-- A brand's referral rule (at most one): whether it is on, the days after attaching within
-- which the referee's first payment must fall, the minimum amount of that payment, what each
-- side gets (points and/or a coupon of a stock of the brand taking grants) and how many
-- referrals a referrer is rewarded for per Beijing calendar month.
CREATE TABLE referral_rules (
  brand_id BIGINT NOT NULL PRIMARY KEY,
  enabled TINYINT NOT NULL DEFAULT 1,
  window_days INT NOT NULL,
  min_amount_fen BIGINT NOT NULL,
  referrer_points BIGINT NOT NULL DEFAULT 0,
  referee_points BIGINT NOT NULL DEFAULT 0,
  referrer_stock_id BIGINT NULL,
  referee_stock_id BIGINT NULL,
  monthly_cap INT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (brand_id) REFERENCES brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A member's referral code (random, unique across brands), made on first use and never
-- changed: the wxacode scene "r=<code>" names it.
CREATE TABLE referral_codes (
  member_id BIGINT NOT NULL PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  code VARCHAR(16) NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE KEY referral_codes_code (code),
  FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One referral per referee (the unique key: the first attach wins). state 'pending' (attached,
-- waiting for the first payment until expires_at), 'rewarded', 'capped' (the referee was
-- rewarded, the referrer was over the month's cap), 'expired' (reason: the first payment was
-- under the minimum, after the window or before attaching; a pending referral past expires_at
-- reads as expired too) or 'clawed_back' (the qualifying payment was refunded below the
-- minimum). payment_id is the qualifying payment (payment_transactions.id), reward_month its
-- Beijing yyyymm; the points and coupons are what each side was given.
CREATE TABLE referrals (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  referrer_member_id BIGINT NOT NULL,
  referee_member_id BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,
  reason VARCHAR(32) NOT NULL DEFAULT '',
  attached_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  payment_id BIGINT NULL,
  payment_fen BIGINT NOT NULL DEFAULT 0,
  min_amount_fen BIGINT NOT NULL DEFAULT 0,
  qualified_at BIGINT NULL,
  reward_month INT NULL,
  referrer_points BIGINT NOT NULL DEFAULT 0,
  referee_points BIGINT NOT NULL DEFAULT 0,
  referrer_coupon_id BIGINT NULL,
  referee_coupon_id BIGINT NULL,
  clawed_back_at BIGINT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE KEY referrals_referee (referee_member_id),
  KEY referrals_referrer (referrer_member_id, id),
  KEY referrals_brand (brand_id, id),
  KEY referrals_payment (payment_id),
  FOREIGN KEY (referrer_member_id) REFERENCES members (id),
  FOREIGN KEY (referee_member_id) REFERENCES members (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- How many referrals of a referrer were rewarded in a Beijing month (yyyymm): the cap holds
-- under concurrent first payments by a conditional update of this row.
CREATE TABLE referral_month_counts (
  referrer_member_id BIGINT NOT NULL,
  month INT NOT NULL,
  rewarded INT NOT NULL DEFAULT 0,
  PRIMARY KEY (referrer_member_id, month)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
