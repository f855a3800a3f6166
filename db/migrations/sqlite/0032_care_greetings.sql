-- Birthday and anniversary care (issue 15 part 5, care/): brand rules that grant a coupon and
-- send a message on a member's birthday or on the anniversary of their first payment, once a
-- year (docs/OPERATIONS.md "Birthday and anniversary care").
--
-- member_profiles.birthday_md is the birthday's 'MM-DD', generated from birthday, so that the
-- daily job finds a day's birthdays by an index instead of reading every profile.
ALTER TABLE member_profiles
  ADD COLUMN birthday_md VARCHAR(5) GENERATED ALWAYS AS (substr(birthday, 6, 5)) VIRTUAL;
CREATE INDEX member_profiles_birthday_md ON member_profiles (birthday_md, member_id);

-- members.first_paid_at is the member's earliest recorded WeChat payment (paid_at, NULL before
-- any) and first_paid_md its Beijing 'MM-DD'; members::MemberStore::RecordPayment keeps both
-- (the earliest wins when notifications arrive out of order). Filled here from the payments
-- recorded so far.
ALTER TABLE members ADD COLUMN first_paid_at BIGINT NULL;
ALTER TABLE members ADD COLUMN first_paid_md VARCHAR(5) NULL;
UPDATE members SET first_paid_at =
  (SELECT MIN(p.paid_at) FROM payment_transactions p WHERE p.member_id = members.id);
UPDATE members SET first_paid_md = strftime('%m-%d', first_paid_at + 28800, 'unixepoch')
  WHERE first_paid_at IS NOT NULL;
CREATE INDEX members_first_paid_md ON members (brand_id, first_paid_md, id);

-- A brand's care rule: kind 'birthday' | 'anniversary', the brand's stock whose coupon it
-- grants (NULL: the rule only sends its message), how many days before the day it fires
-- (0..7) and whether it is enabled.
CREATE TABLE care_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  kind VARCHAR(16) NOT NULL,
  stock_id BIGINT NULL,
  days_before INTEGER NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT care_rules_days_before CHECK (days_before >= 0 AND days_before <= 7)
);
CREATE INDEX care_rules_brand ON care_rules (brand_id, id);

-- One greeting per (rule, member, occasion year): the unique key makes "once a year" hold
-- however often and however concurrently the job runs. occasion_on is the birthday or
-- anniversary date greeted (Beijing, 'YYYY-MM-DD'; a Feb 29 day is greeted on Feb 28 in other
-- years), occasion_year its year. outcome 'coupon' (coupon_id set), 'no_coupon' (the stock
-- had no coupon for the member: reason LIMIT_REACHED, SOLD_OUT, NOT_ACTIVE, NOT_ELIGIBLE or
-- STOCK_NOT_FOUND) or 'message_only' (the rule names no stock). rule_id stays when the rule
-- is deleted.
CREATE TABLE care_greetings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  rule_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  member_id BIGINT NOT NULL REFERENCES members (id),
  occasion_year INTEGER NOT NULL,
  occasion_on VARCHAR(10) NOT NULL,
  outcome VARCHAR(16) NOT NULL,
  reason VARCHAR(32) NOT NULL DEFAULT '',
  stock_id BIGINT NULL,
  coupon_id BIGINT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT care_greetings_once UNIQUE (rule_id, member_id, occasion_year)
);
CREATE INDEX care_greetings_brand ON care_greetings (brand_id, id);
CREATE INDEX care_greetings_member ON care_greetings (member_id, id);
