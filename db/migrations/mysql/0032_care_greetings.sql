-- Birthday and anniversary care (issue 15 part 5, care/): brand rules that grant a coupon and
-- send a message on a member's birthday or on the anniversary of their first payment, once a
-- year (docs/OPERATIONS.md "Birthday and anniversary care").
--
-- member_profiles.birthday_md is the birthday's 'MM-DD', generated from birthday, so that the
-- daily job finds a day's birthdays by an index instead of reading every profile.
ALTER TABLE member_profiles
  ADD COLUMN birthday_md CHAR(5) GENERATED ALWAYS AS (SUBSTRING(birthday, 6, 5)) STORED,
  ADD KEY member_profiles_birthday_md (birthday_md, member_id);

-- members.first_paid_at is the member's earliest recorded WeChat payment (paid_at, NULL before
-- any) and first_paid_md its Beijing 'MM-DD'; members::MemberStore::RecordPayment keeps both
-- (the earliest wins when notifications arrive out of order). Filled here from the payments
-- recorded so far.
ALTER TABLE members
  ADD COLUMN first_paid_at BIGINT NULL,
  ADD COLUMN first_paid_md CHAR(5) NULL,
  ADD KEY members_first_paid_md (brand_id, first_paid_md, id);
UPDATE members m SET first_paid_at =
  (SELECT MIN(p.paid_at) FROM payment_transactions p WHERE p.member_id = m.id);
UPDATE members SET first_paid_md = DATE_FORMAT(
    DATE_ADD('1970-01-01', INTERVAL FLOOR((first_paid_at + 28800) / 86400) DAY), '%m-%d')
  WHERE first_paid_at IS NOT NULL;

-- A brand's care rule: kind 'birthday' | 'anniversary', the brand's stock whose coupon it
-- grants (NULL: the rule only sends its message), how many days before the day it fires
-- (0..7) and whether it is enabled.
CREATE TABLE care_rules (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  stock_id BIGINT NULL,
  days_before INT NOT NULL DEFAULT 0,
  enabled TINYINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  KEY care_rules_brand (brand_id, id),
  CONSTRAINT care_rules_days_before CHECK (days_before >= 0 AND days_before <= 7),
  FOREIGN KEY (brand_id) REFERENCES brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One greeting per (rule, member, occasion year): the unique key makes "once a year" hold
-- however often and however concurrently the job runs. occasion_on is the birthday or
-- anniversary date greeted (Beijing, 'YYYY-MM-DD'; a Feb 29 day is greeted on Feb 28 in other
-- years), occasion_year its year. outcome 'coupon' (coupon_id set), 'no_coupon' (the stock
-- had no coupon for the member: reason LIMIT_REACHED, SOLD_OUT, NOT_ACTIVE, NOT_ELIGIBLE or
-- STOCK_NOT_FOUND) or 'message_only' (the rule names no stock). rule_id stays when the rule
-- is deleted.
CREATE TABLE care_greetings (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  rule_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  member_id BIGINT NOT NULL,
  occasion_year INT NOT NULL,
  occasion_on VARCHAR(10) NOT NULL,
  outcome VARCHAR(16) NOT NULL,
  reason VARCHAR(32) NOT NULL DEFAULT '',
  stock_id BIGINT NULL,
  coupon_id BIGINT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE KEY care_greetings_once (rule_id, member_id, occasion_year),
  KEY care_greetings_brand (brand_id, id),
  KEY care_greetings_member (member_id, id),
  FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
