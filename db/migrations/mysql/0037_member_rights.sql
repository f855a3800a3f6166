-- Member rights (issue 16 part 5, privacy/; docs/API.md "Privacy and data", docs/OPERATIONS.md
-- "Member rights"). Times are Unix seconds.
--
-- members.deleted_at: when the member's deletion erased their personal data (status 'deleted'
-- from then on; NULL for every other member). The row, its number and its ledger stay as
-- anonymous accounting records.
ALTER TABLE members ADD COLUMN deleted_at BIGINT NULL;

-- Every export and deletion a member asked for: who (member, brand, the session's app and the
-- client address) and when, never what was exported. kind 'export' | 'deletion'. A deletion is
-- recorded once, in the transaction that erases.
CREATE TABLE privacy_requests (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  appid VARCHAR(32) NOT NULL,
  client_address VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  KEY privacy_requests_member (member_id, kind, id),
  KEY privacy_requests_brand (brand_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
