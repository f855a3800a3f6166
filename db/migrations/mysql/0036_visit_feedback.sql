-- Visit feedback and NPS (issue 16 part 4, growth/feedback_*): a member rates a visit (a paid
-- WeChat payment at a store, or a coupon redemption at a store) 0..10 with an optional comment,
-- once, within 7 days; detractors (0..6) are followed up by staff (docs/API.md "Visit feedback").
--
-- One rating per visit: the unique key (visit_kind, visit_id) holds "once" however many
-- requests race. visit_kind 'payment' (visit_id = payment_transactions.id) or 'redemption'
-- (visit_id = coupon_redemptions.id); the store path and visited_at are copied from the visit
-- when it is rated. rated_day is the Beijing day of rated_at as days since 1970-01-01, what the
-- NPS report groups by. follow_up_state is NULL for promoters and passives, 'open' ->
-- 'contacted' -> 'resolved' for detractors; follow_up_by / follow_up_by_name / follow_up_at
-- name the staff member who moved it last and when.
CREATE TABLE feedback_ratings (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  region_id BIGINT NOT NULL,
  dealer_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  visit_kind VARCHAR(16) NOT NULL,
  visit_id BIGINT NOT NULL,
  visited_at BIGINT NOT NULL,
  score INT NOT NULL,
  comment VARCHAR(500) NOT NULL DEFAULT '',
  rated_at BIGINT NOT NULL,
  rated_day BIGINT NOT NULL,
  follow_up_state VARCHAR(16) NULL,
  follow_up_note VARCHAR(500) NOT NULL DEFAULT '',
  follow_up_by BIGINT NULL,
  follow_up_by_name VARCHAR(64) NULL,
  follow_up_at BIGINT NULL,
  UNIQUE KEY feedback_ratings_visit (visit_kind, visit_id),
  KEY feedback_ratings_member (member_id, rated_at),
  KEY feedback_ratings_brand_day (brand_id, rated_day),
  KEY feedback_ratings_region_day (region_id, rated_day),
  KEY feedback_ratings_dealer_day (dealer_id, rated_day),
  KEY feedback_ratings_store_day (store_id, rated_day),
  KEY feedback_ratings_follow_up (brand_id, follow_up_state, rated_at),
  CONSTRAINT feedback_ratings_score CHECK (score >= 0 AND score <= 10),
  FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A member's redemptions of the last days (the rateable visits) by an index.
CREATE INDEX coupon_redemptions_member ON coupon_redemptions (member_id, created_at);
