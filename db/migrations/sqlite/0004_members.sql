-- Members of a brand (DESIGN.md section 4): the owner card, its identities (OneID), monthly
-- activity for tier qualification and the history of tier changes. Times are Unix seconds.
-- `number` is the 12-digit owner card number (random, Luhn-checked), unique in the deployment.
-- tier_below_since is when the member was first seen no longer qualifying for their tier (the
-- downgrade grace period runs from it); NULL while they qualify. enrolled_store_id is 0 when
-- the enrollment had no store.
CREATE TABLE members (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  number VARCHAR(12) NOT NULL,
  tier VARCHAR(32) NOT NULL,
  status VARCHAR(16) NOT NULL,
  enrolled_via VARCHAR(16) NOT NULL,
  enrolled_store_id BIGINT NOT NULL DEFAULT 0,
  tier_below_since BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT members_number UNIQUE (number)
);
CREATE INDEX members_brand ON members (brand_id, id);

-- One way to recognise a member, unique per brand. The key puts `value` before `appid` so that
-- it serves both the payment lookup (brand, openid, value, appid) and the console search for an
-- openid under any appid of the brand. appid is '' except for openids. For a phone, `value` is
-- the hex HMAC-SHA256 of the normalised number under a key derived from the data key (search
-- and uniqueness), value_sealed the FieldCipher-sealed number and display the masked number
-- ("138****5678"); the clear number is never stored.
CREATE TABLE member_identities (
  member_id BIGINT NOT NULL REFERENCES members (id),
  brand_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  appid VARCHAR(32) NOT NULL DEFAULT '',
  value VARCHAR(128) NOT NULL,
  value_sealed VARCHAR(255),
  display VARCHAR(32),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (brand_id, kind, value, appid)
);
CREATE INDEX member_identities_member ON member_identities (member_id, kind);

-- Spend (fen, net of refunds) and paid visits per member and calendar month (UTC, YYYYMM).
CREATE TABLE member_activity (
  member_id BIGINT NOT NULL REFERENCES members (id),
  month INTEGER NOT NULL,
  spend_fen BIGINT NOT NULL,
  visits BIGINT NOT NULL,
  PRIMARY KEY (member_id, month)
);

CREATE TABLE member_tier_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id BIGINT NOT NULL REFERENCES members (id),
  from_tier VARCHAR(32) NOT NULL,
  to_tier VARCHAR(32) NOT NULL,
  reason VARCHAR(255) NOT NULL,
  changed_at BIGINT NOT NULL
);
CREATE INDEX member_tier_changes_member ON member_tier_changes (member_id, id);
