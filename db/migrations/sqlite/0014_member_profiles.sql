-- What a member tells about themself in the mini-program (issue 11; docs/API.md, "GET
-- /api/mp/profile"): a nickname (0..32 characters, '' when not given) and a birthday (a civil
-- date 'YYYY-MM-DD', NULL when not given), one row per member once they set either.
CREATE TABLE member_profiles (
  member_id BIGINT NOT NULL PRIMARY KEY REFERENCES members (id),
  nickname VARCHAR(32) NOT NULL DEFAULT '',
  birthday VARCHAR(10) NULL,
  updated_at BIGINT NOT NULL
);

-- Consents as records, not flags: every grant or withdrawal of a kind (marketing,
-- partner_sharing, plate_recognition) is appended with the version of the text the member saw;
-- the current state of a kind is its latest record (highest id). Never updated or deleted.
CREATE TABLE member_consents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id BIGINT NOT NULL REFERENCES members (id),
  kind VARCHAR(24) NOT NULL,
  state VARCHAR(16) NOT NULL,
  text_version VARCHAR(32) NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX member_consents_member ON member_consents (member_id, kind, id);
