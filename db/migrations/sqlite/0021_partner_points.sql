-- Points at partners (issue 13; points/partner_points.h): every point has a funder, every
-- consumption of a lot is recorded, and partner earnings, reversals and redemptions keep their
-- request so that a retry answers what the first call answered.
-- Funders: a lot's funder_partner_id is the partner that paid for its points (0 = the brand,
-- i.e. points from payments). New account kinds 'partner_funding' (debited when a partner's
-- customers earn, credited when an earning is reversed) and 'partner_redeemed' (credited when
-- points are burned at the partner), owned by the partner (owner_id = partner id), with a NULL
-- balance like the brand accounts. point_journals.partner_id is the partner a posting happened
-- at (0 = the brand).
ALTER TABLE point_journals ADD COLUMN partner_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE point_lots ADD COLUMN funder_partner_id BIGINT NOT NULL DEFAULT 0;
-- The caps of partner earning rules sum a member's partner_earn journals of one partner in a
-- Beijing day or month.
CREATE INDEX point_journals_partner ON point_journals (partner_id, member_id, created_at);

-- Each consumption of a lot by a journal: a spend or burn, a reversal, an expiry, and (lot_id
-- 0) the part of an earning that repaid the member's debt, which the brand consumes.
-- consumer_partner_id is the journal's partner (0 = the brand). "Points funded by X and
-- consumed at Y in a period" is SUM(points) over (brand, funder X, consumer Y, created_at), and
-- every row names its journal. The points a journal took from lots equal the sum of its rows.
CREATE TABLE point_lot_uses (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  journal_id BIGINT NOT NULL REFERENCES point_journals (id),
  lot_id BIGINT NOT NULL,
  funder_partner_id BIGINT NOT NULL,
  consumer_partner_id BIGINT NOT NULL,
  points BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX point_lot_uses_consumer ON point_lot_uses (brand_id, consumer_partner_id, created_at);
CREATE INDEX point_lot_uses_funder ON point_lot_uses (brand_id, funder_partner_id, created_at);
CREATE INDEX point_lot_uses_journal ON point_lot_uses (journal_id);

-- What a point is worth when burned: fen per 100 points (100: 1 point = 1 fen).
ALTER TABLE brands ADD COLUMN point_value_fen_per_100 BIGINT NOT NULL DEFAULT 100;

-- A partner's earning rule, one row per version: points_per_yuan per 100 fen, tier multipliers
-- as in earning_rules ("gold=150"), caps per member per Beijing day and month in points
-- (0 = none), and a promotion window [promo_from, promo_to) with a multiplier in percent
-- (promo_to 0 = no promotion).
CREATE TABLE partner_earning_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  version BIGINT NOT NULL,
  points_per_yuan BIGINT NOT NULL,
  tier_multipliers VARCHAR(255) NOT NULL,
  cap_per_day BIGINT NOT NULL,
  cap_per_month BIGINT NOT NULL,
  promo_from BIGINT NOT NULL,
  promo_to BIGINT NOT NULL,
  promo_percent BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT partner_earning_rules_version UNIQUE (partner_id, version)
);

-- Requests partners made, unique per (partner, request id): request_hash is the SHA-256 (hex)
-- of the canonical request, so that a retry with the same body answers the stored result and
-- another body under the same id is refused. journal_id 0: the request moved no points (an
-- earning capped to 0 points); lot_id: the lot an earning created (0: none, all repaid debt).
-- Reversals name the earning they reverse and add up in partner_earnings.reversed_fen and
-- reversed_points.
CREATE TABLE partner_earnings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  request_id VARCHAR(64) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  member_id BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  points BIGINT NOT NULL,
  rule_version BIGINT NOT NULL,
  journal_id BIGINT NOT NULL,
  lot_id BIGINT NOT NULL,
  balance_after BIGINT NOT NULL,
  occurred_at BIGINT NOT NULL,
  detail TEXT NOT NULL,
  reversed_fen BIGINT NOT NULL DEFAULT 0,
  reversed_points BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  CONSTRAINT partner_earnings_request UNIQUE (partner_id, request_id)
);

CREATE TABLE partner_reversals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  reversal_id VARCHAR(64) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  earning_id BIGINT NOT NULL REFERENCES partner_earnings (id),
  amount_fen BIGINT NOT NULL,
  points BIGINT NOT NULL,
  debt_change BIGINT NOT NULL,
  journal_id BIGINT NOT NULL,
  balance_after BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT partner_reversals_request UNIQUE (partner_id, reversal_id)
);

CREATE TABLE partner_redemptions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  request_id VARCHAR(64) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  member_id BIGINT NOT NULL,
  points BIGINT NOT NULL,
  discount_fen BIGINT NOT NULL,
  journal_id BIGINT NOT NULL,
  balance_after BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT partner_redemptions_request UNIQUE (partner_id, request_id)
);
