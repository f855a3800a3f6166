-- Partner API secrets with an overlap (docs/API.md "Partners" and "Partner API"): a partner holds
-- one or two active secrets, so that it can switch its clients to a new secret before the old one
-- is retired. Each is sealed with the data key like before (context "partners.secret:<api key
-- id>"). active_slot (1 or 2) is set while the secret is active and NULL once retired: the unique
-- key makes a third active secret impossible even if two rotations race. A retired secret keeps
-- its row (the console lists it) but not its sealed value ('').
CREATE TABLE partner_secrets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  active_slot INTEGER NULL,
  secret_sealed VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT partner_secrets_active_slot UNIQUE (partner_id, active_slot)
);

-- Every partner's one secret becomes its first active secret, and the partners table holds none.
INSERT INTO partner_secrets (partner_id, active_slot, secret_sealed, created_at, retired_at)
SELECT id, 1, secret_sealed, created_at, 0 FROM partners;
ALTER TABLE partners DROP COLUMN secret_sealed;
