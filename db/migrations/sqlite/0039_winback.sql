-- Churn and win-back (issue 16 part 3, growth/winback_*; docs/OPERATIONS.md "Win-back").
--
-- A brand's win-back settings, one row per brand (none: the defaults, rule disabled): an
-- owner is drifting after drift_days without a visit (members.last_visit_at), or after
-- post_warranty_days once their newest vehicle is more than warranty_years old; the rule, when
-- enabled, grants one coupon of stock_id (NULL: message only) and sends one message to each
-- drifting owner once per drift episode, and no sooner than cooldown_days after that owner's
-- previous win-back.
CREATE TABLE winback_settings (
  brand_id BIGINT NOT NULL PRIMARY KEY REFERENCES brands (id),
  drift_days INTEGER NOT NULL,
  warranty_years INTEGER NOT NULL,
  post_warranty_days INTEGER NOT NULL,
  cooldown_days INTEGER NOT NULL,
  stock_id BIGINT NULL,
  enabled INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);

-- One win-back per drift episode: episode_at is the member's last visit when they were found
-- drifting, so the unique key makes "once per episode" hold however often and however
-- concurrently the job runs; a visit starts a new episode. store_id / dealer_id are those of
-- that last visit (the report's dealer). outcome 'coupon' (coupon_id set), 'no_coupon'
-- (reason: LIMIT_REACHED, SOLD_OUT, NOT_ACTIVE, NOT_ELIGIBLE, STOCK_NOT_FOUND) or
-- 'message_only'; messaged 1 when the message event was written (marketing consent held).
-- returned_at: the member's first visit seen after the grant (the job records it), NULL before.
CREATE TABLE winback_grants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL REFERENCES members (id),
  episode_at BIGINT NOT NULL,
  store_id BIGINT NOT NULL DEFAULT 0,
  dealer_id BIGINT NOT NULL DEFAULT 0,
  outcome VARCHAR(16) NOT NULL,
  reason VARCHAR(32) NOT NULL DEFAULT '',
  stock_id BIGINT NULL,
  coupon_id BIGINT NULL,
  messaged INTEGER NOT NULL DEFAULT 0,
  returned_at BIGINT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT winback_grants_episode UNIQUE (member_id, episode_at)
);
CREATE INDEX winback_grants_member ON winback_grants (member_id, created_at);
CREATE INDEX winback_grants_brand ON winback_grants (brand_id, created_at, id);
