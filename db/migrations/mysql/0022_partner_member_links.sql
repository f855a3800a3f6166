-- Which partners know which members, and under what name (issue 13; members/partner_identities.h,
-- docs/API.md "Partners that know me"). A partner never sees our member id: it sees
-- partner_member_id, "pm_" + 32 hex of an HMAC under a key derived from the data key over
-- (brand, partner, member, generation), so ids of one member at two partners are unrelated.
-- A member who unlinks a partner sets unlinked_at; the row stays (the ledger's history names
-- it) and the next identification at that partner inserts generation + 1, a new id. The unique
-- keys make racing first identifications insert one row. Times are Unix seconds.
CREATE TABLE partner_member_links (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  partner_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  partner_member_id VARCHAR(40) NOT NULL,
  generation BIGINT NOT NULL,
  linked_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  unlinked_at BIGINT NULL,
  UNIQUE KEY partner_member_links_pmid (partner_member_id),
  UNIQUE KEY partner_member_links_generation (partner_id, member_id, generation),
  KEY partner_member_links_member (member_id, partner_id),
  FOREIGN KEY (brand_id) REFERENCES brands (id),
  FOREIGN KEY (partner_id) REFERENCES partners (id),
  FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
