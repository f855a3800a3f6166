-- A member's latest visit (issue 16): the time and store of their latest paid payment or coupon
-- redemption, NULL / 0 before any. members::MemberStore keeps it (RecordPayment, RecordVisit;
-- a visit notified late never moves it back), so that churn (owners with no visit for N days,
-- per dealer) and RFM recency read one column instead of every payment. Filled here from the
-- payments and redemptions recorded so far.
ALTER TABLE members
  ADD COLUMN last_visit_at BIGINT NULL,
  ADD COLUMN last_visit_store_id BIGINT NOT NULL DEFAULT 0,
  ADD KEY members_last_visit (brand_id, last_visit_at, id);
UPDATE members m JOIN (
    SELECT member_id, MAX(at) AS at FROM (
      SELECT member_id, paid_at AS at FROM payment_transactions
      UNION ALL
      SELECT member_id, created_at AS at FROM coupon_redemptions) v
    GROUP BY member_id) latest ON latest.member_id = m.id
  SET m.last_visit_at = latest.at;
-- The store of that visit (the highest store id when a payment and a redemption share the second).
UPDATE members m JOIN (
    SELECT member_id, at, MAX(store_id) AS store_id FROM (
      SELECT member_id, store_id, paid_at AS at FROM payment_transactions
      UNION ALL
      SELECT member_id, store_id, created_at AS at FROM coupon_redemptions) v
    GROUP BY member_id, at) s ON s.member_id = m.id AND s.at = m.last_visit_at
  SET m.last_visit_store_id = s.store_id;
