-- A campaign's counts per Beijing day (GET /api/console/reports/stocks/{id}/daily,
-- payments/report_store.cc): each series is a range scan of one index by (stock_id, time)
-- that holds every column the query reads, so no row is looked up.
-- Coupons issued, split by channel: 0016's coupons_stock_issued with channel appended. It still
-- serves the funnel and the dashboard (same leading columns, same name), and costs no new
-- index on the claim path (channel never changes).
DROP INDEX coupons_stock_issued;
CREATE INDEX coupons_stock_issued ON coupons (stock_id, issued_at, state, channel);
-- Redemptions made per day with their discount, and redemptions reversed per day (by the day
-- of the reversal) with the discount they took back.
CREATE INDEX coupon_redemptions_stock ON coupon_redemptions (stock_id, created_at, discount_fen);
CREATE INDEX coupon_redemptions_stock_reversed
  ON coupon_redemptions (stock_id, reversed_at, discount_fen);
