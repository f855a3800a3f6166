-- A member's latest visit (issue 16): the time and store of their latest paid payment or coupon
-- redemption, NULL / 0 before any. members::MemberStore keeps it (RecordPayment, RecordVisit;
-- a visit notified late never moves it back), so that churn (owners with no visit for N days,
-- per dealer) and RFM recency read one column instead of every payment. Filled here from the
-- payments and redemptions recorded so far.
ALTER TABLE members ADD COLUMN last_visit_at BIGINT NULL;
ALTER TABLE members ADD COLUMN last_visit_store_id BIGINT NOT NULL DEFAULT 0;
UPDATE members SET last_visit_at = (
    SELECT MAX(at) FROM (
      SELECT member_id, paid_at AS at FROM payment_transactions
      UNION ALL
      SELECT member_id, created_at AS at FROM coupon_redemptions) v
    WHERE v.member_id = members.id);
-- The store of that visit (the highest store id when a payment and a redemption share the second).
UPDATE members SET last_visit_store_id = COALESCE((
    SELECT MAX(v.store_id) FROM (
      SELECT member_id, store_id, paid_at AS at FROM payment_transactions
      UNION ALL
      SELECT member_id, store_id, created_at AS at FROM coupon_redemptions) v
    WHERE v.member_id = members.id AND v.at = members.last_visit_at), 0)
  WHERE last_visit_at IS NOT NULL;
CREATE INDEX members_last_visit ON members (brand_id, last_visit_at, id);
