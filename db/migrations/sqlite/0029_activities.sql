-- Owner activities (issue 15 part 4, care/): events a brand, region, dealer or store holds
-- (test-drive days, club trips, free check-up days) and the members' sign-ups.
--
-- care_activities: node_type/node_id is the organising node (its path decides the staff who
-- see it). seated counts the sign-ups holding a seat: a sign-up is the conditional UPDATE
-- seated = seated + 1 WHERE seated < capacity (the CHECK says so too); waitlist_next is the
-- next waitlist position, taken by an UPDATE of this row, so positions only grow. min_tier_rank
-- is the index of min_tier in the tier policy (0 = every member). state 'open' | 'cancelled'.
CREATE TABLE care_activities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  node_type VARCHAR(8) NOT NULL,
  node_id BIGINT NOT NULL,
  title VARCHAR(400) NOT NULL,
  description TEXT NOT NULL,
  place VARCHAR(1000) NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  capacity INTEGER NOT NULL,
  seated INTEGER NOT NULL DEFAULT 0,
  waitlist_next BIGINT NOT NULL DEFAULT 1,
  signup_opens_at BIGINT NOT NULL,
  signup_closes_at BIGINT NOT NULL,
  min_tier VARCHAR(32) NULL,
  min_tier_rank INTEGER NOT NULL DEFAULT 0,
  state VARCHAR(12) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  cancelled_at BIGINT NULL,
  CONSTRAINT care_activities_seated CHECK (seated >= 0 AND seated <= capacity)
);

-- A member's sign-up. state 'seated' | 'waitlisted' | 'checked_in' | 'cancelled'. position is
-- the waitlist position (set when waitlisted, kept after a promotion). live_activity_id is
-- activity_id while the sign-up is live (not cancelled) and NULL otherwise: one live sign-up
-- per member and activity.
CREATE TABLE care_activity_signups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  activity_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  state VARCHAR(12) NOT NULL,
  position BIGINT NULL,
  live_activity_id BIGINT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  promoted_at BIGINT NULL,
  checked_in_at BIGINT NULL,
  cancelled_at BIGINT NULL,
  CONSTRAINT care_activity_signups_live UNIQUE (member_id, live_activity_id),
  CONSTRAINT care_activity_signups_position UNIQUE (activity_id, position)
);

CREATE INDEX care_activities_brand ON care_activities (brand_id, state, signup_closes_at);
CREATE INDEX care_activities_node ON care_activities (node_type, node_id, starts_at);
CREATE INDEX care_activity_signups_activity ON care_activity_signups (activity_id, state, position);
CREATE INDEX care_activity_signups_member ON care_activity_signups (member_id, id);
