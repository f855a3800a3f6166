-- What a member tells about themself in the mini-program (issue 11; docs/API.md, "GET
-- /api/mp/profile"): a nickname (0..32 characters, '' when not given) and a birthday (a civil
-- date 'YYYY-MM-DD', NULL when not given), one row per member once they set either.
CREATE TABLE member_profiles (
  member_id BIGINT NOT NULL PRIMARY KEY,
  nickname VARCHAR(32) NOT NULL DEFAULT '',
  birthday VARCHAR(10) NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Consents as records, not flags: every grant or withdrawal of a kind (marketing,
-- partner_sharing, plate_recognition) is appended with the version of the text the member saw;
-- the current state of a kind is its latest record (highest id). Never updated or deleted.
CREATE TABLE member_consents (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  member_id BIGINT NOT NULL,
  kind VARCHAR(24) NOT NULL,
  state VARCHAR(16) NOT NULL,
  text_version VARCHAR(32) NOT NULL,
  at BIGINT NOT NULL,
  KEY member_consents_member (member_id, kind, id),
  FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
