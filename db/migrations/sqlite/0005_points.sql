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
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  kind VARCHAR(16) NOT NULL,
  owner_id BIGINT NOT NULL,
  balance BIGINT,
  CONSTRAINT point_accounts_owner UNIQUE (kind, owner_id)
);
CREATE INDEX point_accounts_brand ON point_accounts (brand_id, kind);

CREATE TABLE point_journals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
  CONSTRAINT point_journals_key UNIQUE (brand_id, idempotency_key)
);
CREATE INDEX point_journals_member ON point_journals (member_id, id);

CREATE TABLE point_entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  journal_id BIGINT NOT NULL REFERENCES point_journals (id),
  account_id BIGINT NOT NULL REFERENCES point_accounts (id),
  amount BIGINT NOT NULL
);
CREATE INDEX point_entries_journal ON point_entries (journal_id);
CREATE INDEX point_entries_account ON point_entries (account_id, amount);

CREATE TABLE point_lots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id BIGINT NOT NULL,
  brand_id BIGINT NOT NULL,
  journal_id BIGINT NOT NULL REFERENCES point_journals (id),
  amount BIGINT NOT NULL,
  remaining BIGINT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  earned_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX point_lots_member ON point_lots (member_id, active, expires_at, id);
CREATE INDEX point_lots_due ON point_lots (brand_id, active, expires_at);

-- Earning rules: one row per version of the rule of (brand, store); store_id 0 is the
-- brand-wide rule. tier_multipliers is "gold=150,platinum=200" (percent; unlisted tiers 100).
CREATE TABLE earning_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  store_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  points_per_yuan BIGINT NOT NULL,
  tier_multipliers VARCHAR(255) NOT NULL,
  cap_per_payment BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT earning_rules_version UNIQUE (brand_id, store_id, version)
);
