-- Partner settlement (issue 13; points/settlement.h, docs/OPERATIONS.md "Partner settlement"):
-- the statements of a brand's closed Beijing calendar months. Closing a period marks every
-- lot use it covers with settlement_period_id (those of the brand not yet settled and created
-- before the period's end), so that a period's figures are exactly its marked lot uses, never
-- change once closed, and a lot use that commits after the close (whatever its created_at)
-- lands in the next period closed. A period without a row is open: its statements are
-- computed from the unsettled lot uses when asked for.
ALTER TABLE point_lot_uses ADD COLUMN settlement_period_id BIGINT NULL,
  ADD KEY point_lot_uses_settlement (brand_id, settlement_period_id, created_at);

-- One row per closed period: period 'YYYY-MM', [starts_at, ends_at) in Unix seconds, the
-- brand's point value used, who closed it (staff id, NULL for the CLI) and its totals:
-- lot_uses (rows marked), points_moved (their points between different parties) and
-- amount_fen (the sum of the positive net amounts: what changes hands).
CREATE TABLE settlement_periods (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  period CHAR(7) NOT NULL,
  state VARCHAR(8) NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  point_value_fen_per_100 BIGINT NOT NULL,
  lot_uses BIGINT NOT NULL DEFAULT 0,
  points_moved BIGINT NOT NULL DEFAULT 0,
  amount_fen BIGINT NOT NULL DEFAULT 0,
  closed_by BIGINT NULL,
  closed_at BIGINT NOT NULL,
  UNIQUE KEY settlement_periods_period (brand_id, period),
  CONSTRAINT settlement_periods_state CHECK (state IN ('open', 'closed')),
  FOREIGN KEY (brand_id) REFERENCES brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Per party of a closed period (0 = the brand, else a partner): the points it funded (its
-- earn journals created in the period) and its net amount (positive: it receives).
CREATE TABLE settlement_parties (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  period_id BIGINT NOT NULL,
  party_id BIGINT NOT NULL,
  points_funded BIGINT NOT NULL,
  net_fen BIGINT NOT NULL,
  UNIQUE KEY settlement_parties_party (period_id, party_id),
  FOREIGN KEY (period_id) REFERENCES settlement_periods (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One line per (party, counterparty) with lot uses between them; each pair has two lines with
-- opposite amounts. The lot uses behind a line: settlement_period_id = period_id and
-- (funder, consumer) = (party, counterparty) or (counterparty, party).
CREATE TABLE settlement_lines (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  period_id BIGINT NOT NULL,
  party_id BIGINT NOT NULL,
  counterparty_id BIGINT NOT NULL,
  points_paid BIGINT NOT NULL,
  points_received BIGINT NOT NULL,
  breakage_points BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  UNIQUE KEY settlement_lines_pair (period_id, party_id, counterparty_id),
  FOREIGN KEY (period_id) REFERENCES settlement_periods (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
