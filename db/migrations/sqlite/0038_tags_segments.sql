-- Tags and segments (issue 16 part 1, growth/; docs/OPERATIONS.md "Tags and segments").
--
-- A brand's RFM thresholds: recency r1 < r2 < r3 < r4 days since the last visit score 5, 4, 3,
-- 2 (older or never: 1); visits in 12 months f1 < ... < f4 and spend (fen, net of refunds) in
-- 12 months m1 < ... < m4 score 2, 3, 4, 5 from each threshold up (below f1 / m1: 1). A brand
-- without a row uses growth::RfmThresholds' defaults.
CREATE TABLE rfm_thresholds (
  brand_id BIGINT NOT NULL PRIMARY KEY,
  r1 BIGINT NOT NULL, r2 BIGINT NOT NULL, r3 BIGINT NOT NULL, r4 BIGINT NOT NULL,
  f1 BIGINT NOT NULL, f2 BIGINT NOT NULL, f3 BIGINT NOT NULL, f4 BIGINT NOT NULL,
  m1 BIGINT NOT NULL, m2 BIGINT NOT NULL, m3 BIGINT NOT NULL, m4 BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (brand_id) REFERENCES brands (id)
);

-- One row per active member, written by the tags job (growth/tag_job.h): the figures and their
-- scores. recency_days is NULL for a member who never visited. The keys serve a segment's
-- count by score over 100k members of a brand.
CREATE TABLE member_rfm (
  member_id BIGINT NOT NULL PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  recency_days BIGINT NULL,
  visits_12m BIGINT NOT NULL,
  spend_12m_fen BIGINT NOT NULL,
  r_score INT NOT NULL,
  f_score INT NOT NULL,
  m_score INT NOT NULL,
  computed_at BIGINT NOT NULL
);
CREATE INDEX member_rfm_brand ON member_rfm (brand_id, member_id);
CREATE INDEX member_rfm_r ON member_rfm (brand_id, r_score, member_id);
CREATE INDEX member_rfm_f ON member_rfm (brand_id, f_score, member_id);
CREATE INDEX member_rfm_m ON member_rfm (brand_id, m_score, member_id);

-- System tags of active members, written by the tags job: tag_key 'tier', 'vehicle_age'
-- ('0_1', '1_3', '3_5', '5_8', '8_plus' years, 'unknown' without a purchase date; one per
-- vehicle), 'partner_category' (fuel, parking, carwash, toll, other: one per category used)
-- and 'coupon_redeemer' ('yes' / 'no').
CREATE TABLE member_tags (
  brand_id BIGINT NOT NULL,
  tag_key VARCHAR(32) NOT NULL,
  tag_value VARCHAR(64) NOT NULL,
  member_id BIGINT NOT NULL,
  PRIMARY KEY (brand_id, tag_key, tag_value, member_id)
);
CREATE INDEX member_tags_member ON member_tags (brand_id, member_id);

-- Tags staff put on members (free text, 1..20 characters), audited (member_tag.add/remove).
CREATE TABLE member_manual_tags (
  brand_id BIGINT NOT NULL,
  name VARCHAR(80) NOT NULL,
  member_id BIGINT NOT NULL,
  created_by BIGINT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (brand_id, name, member_id)
);
CREATE INDEX member_manual_tags_member ON member_manual_tags (member_id, name);

-- Where the tags job is in each brand: after_member_id of a pass under way (run_started_at),
-- so that a run cut short resumes there; passed_at when the latest pass ended.
CREATE TABLE tag_refresh_progress (
  brand_id BIGINT NOT NULL PRIMARY KEY,
  run_started_at BIGINT NOT NULL,
  after_member_id BIGINT NOT NULL,
  passed_at BIGINT NOT NULL
);

-- A saved filter over tags (growth/segment_filter.h), its canonical JSON in filter_json.
CREATE TABLE segments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  name VARCHAR(128) NOT NULL,
  filter_json TEXT NOT NULL,
  created_by BIGINT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT segments_name UNIQUE (brand_id, name),
  FOREIGN KEY (brand_id) REFERENCES brands (id)
);

-- A segment's size once per Beijing day (day = YYYYMMDD), after the tags job's pass.
CREATE TABLE segment_sizes (
  segment_id BIGINT NOT NULL,
  day INT NOT NULL,
  size BIGINT NOT NULL,
  PRIMARY KEY (segment_id, day)
);

-- A grant of a stock to a segment's members: the members are fixed when it is created
-- (segment_grant_members), the runner issues in batches by member id and moves
-- after_member_id, granted and skipped in the batch's transaction, so a crash resumes where
-- the last commit ended. state 'running' | 'done' | 'failed' (detail says why).
CREATE TABLE segment_grants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  segment_id BIGINT NOT NULL,
  stock_id BIGINT NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  state VARCHAR(16) NOT NULL,
  total BIGINT NOT NULL,
  granted BIGINT NOT NULL DEFAULT 0,
  skipped BIGINT NOT NULL DEFAULT 0,
  after_member_id BIGINT NOT NULL DEFAULT 0,
  detail VARCHAR(255) NOT NULL DEFAULT '',
  created_by BIGINT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT NULL,
  CONSTRAINT segment_grants_request UNIQUE (brand_id, request_id)
);
CREATE INDEX segment_grants_state ON segment_grants (state, id);
CREATE INDEX segment_grants_brand ON segment_grants (brand_id, id);

CREATE TABLE segment_grant_members (
  grant_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  PRIMARY KEY (grant_id, member_id)
);

-- The tags job reads partner use and coupon redemptions by member id range (redemptions through
-- 0036's coupon_redemptions_member (member_id, created_at)).
CREATE INDEX partner_earnings_member ON partner_earnings (member_id, partner_id);
