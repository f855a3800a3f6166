-- Partner settlement (issue 13; points/settlement.h, docs/OPERATIONS.md "Partner settlement"):
-- the statements of a brand's closed Beijing calendar months. Closing a period marks every
-- lot use it covers with settlement_period_id (those of the brand not yet settled and created
-- before the period's end), so that a period's figures are exactly its marked lot uses, never
-- change once closed, and a lot use that commits after the close (whatever its created_at)
-- lands in the next period closed. A period without a row is open: its statements are
-- computed from the unsettled lot uses when asked for.
ALTER TABLE point_lot_uses ADD COLUMN settlement_period_id BIGINT NULL;
CREATE INDEX point_lot_uses_settlement ON point_lot_uses (brand_id, settlement_period_id, created_at);

-- One row per closed period: period 'YYYY-MM', [starts_at, ends_at) in Unix seconds, the
-- brand's point value used, who closed it (staff id, NULL for the CLI) and its totals:
-- lot_uses (rows marked), points_moved (their points between different parties) and
-- amount_fen (the sum of the positive net amounts: what changes hands).
CREATE TABLE settlement_periods (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  period CHAR(7) NOT NULL,
  state VARCHAR(8) NOT NULL CHECK (state IN ('open', 'closed')),
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  point_value_fen_per_100 BIGINT NOT NULL,
  lot_uses BIGINT NOT NULL DEFAULT 0,
  points_moved BIGINT NOT NULL DEFAULT 0,
  amount_fen BIGINT NOT NULL DEFAULT 0,
  closed_by BIGINT NULL,
  closed_at BIGINT NOT NULL,
  CONSTRAINT settlement_periods_period UNIQUE (brand_id, period)
);

-- Per party of a closed period (0 = the brand, else a partner): the points it funded (its
-- earn journals created in the period) and its net amount (positive: it receives).
CREATE TABLE settlement_parties (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  period_id BIGINT NOT NULL REFERENCES settlement_periods (id),
  party_id BIGINT NOT NULL,
  points_funded BIGINT NOT NULL,
  net_fen BIGINT NOT NULL,
  CONSTRAINT settlement_parties_party UNIQUE (period_id, party_id)
);

-- One line per (party, counterparty) with lot uses between them; each pair has two lines with
-- opposite amounts. The lot uses behind a line: settlement_period_id = period_id and
-- (funder, consumer) = (party, counterparty) or (counterparty, party).
CREATE TABLE settlement_lines (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  period_id BIGINT NOT NULL REFERENCES settlement_periods (id),
  party_id BIGINT NOT NULL,
  counterparty_id BIGINT NOT NULL,
  points_paid BIGINT NOT NULL,
  points_received BIGINT NOT NULL,
  breakage_points BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  CONSTRAINT settlement_lines_pair UNIQUE (period_id, party_id, counterparty_id)
);
