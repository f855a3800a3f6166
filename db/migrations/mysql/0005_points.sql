-- The points ledger (DESIGN.md section 4, points/ledger.h) and the earning rules.
-- Accounts: 'member' and 'member_debt' are owned by a member (owner_id = member id) and keep a
-- running `balance` equal to the sum of their entries ('member' >= 0, 'member_debt' <= 0, the
-- negated debt), guarded by conditional updates. 'brand_liability' and 'brand_breakage' are
-- owned by the brand (owner_id = brand id) and have a NULL balance: their balance is the sum of
-- their entries, so that concurrent payments of one brand never update one shared row.
-- Journals: one posting each, unique per (brand, idempotency key); `points` is positive and
-- `kind` ('earn', 'reverse', 'spend', 'expire') gives its direction. The entries of a journal
-- sum to zero. Lots: the points of one earning, consumed oldest-expiry first; `active` is 1
-- while remaining > 0 so that the expiry job and the consumption order skip spent lots;
-- expires_at 0 means never. Times are Unix seconds.
CREATE TABLE point_accounts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  owner_id BIGINT NOT NULL,
  balance BIGINT,
  CONSTRAINT point_accounts_owner UNIQUE (kind, owner_id),
  KEY point_accounts_brand (brand_id, kind),
  FOREIGN KEY (brand_id) REFERENCES brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE point_journals (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  idempotency_key VARCHAR(128) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  reason VARCHAR(32) NOT NULL,
  source_ref VARCHAR(128) NOT NULL,
  rule_version BIGINT NOT NULL DEFAULT 0,
  points BIGINT NOT NULL,
  debt_change BIGINT NOT NULL DEFAULT 0,
  member_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT point_journals_key UNIQUE (brand_id, idempotency_key),
  KEY point_journals_member (member_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE point_entries (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  journal_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  KEY point_entries_journal (journal_id),
  KEY point_entries_account (account_id, amount),
  FOREIGN KEY (journal_id) REFERENCES point_journals (id),
  FOREIGN KEY (account_id) REFERENCES point_accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE point_lots (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  member_id BIGINT NOT NULL,
  brand_id BIGINT NOT NULL,
  journal_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  remaining BIGINT NOT NULL,
  active TINYINT NOT NULL DEFAULT 1,
  earned_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  KEY point_lots_member (member_id, active, expires_at, id),
  KEY point_lots_due (brand_id, active, expires_at),
  FOREIGN KEY (journal_id) REFERENCES point_journals (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Earning rules: one row per version of the rule of (brand, store); store_id 0 is the
-- brand-wide rule. tier_multipliers is "gold=150,platinum=200" (percent; unlisted tiers 100).
CREATE TABLE earning_rules (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  points_per_yuan BIGINT NOT NULL,
  tier_multipliers VARCHAR(255) NOT NULL,
  cap_per_payment BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT earning_rules_version UNIQUE (brand_id, store_id, version),
  FOREIGN KEY (brand_id) REFERENCES brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
