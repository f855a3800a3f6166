-- The console reports (payments/report_store.h, docs/API.md "Reports"): every report query is
-- a range scan of one of these indexes by (scope column, time), with the day bounds computed
-- in C++ (Beijing days as Unix-second ranges), so no query applies a function to a row.
-- Payments need none: 0006 has payment_transactions (store_id | dealer_id | region_id |
-- brand_id, paid_at).
-- New members: by the store they enrolled at (a dealer or region reads its stores' ids from
-- stores_dealer / stores_region first), or by brand.
CREATE INDEX members_enrolled_store ON members (enrolled_store_id, created_at);
CREATE INDEX members_brand_created ON members (brand_id, created_at);
-- Coupons issued per stock (state included: the funnel counts the redeemed ones from the index
-- alone), or by brand.
CREATE INDEX coupons_stock_issued ON coupons (stock_id, issued_at, state);
CREATE INDEX coupons_brand_issued ON coupons (brand_id, issued_at);
-- Redemptions by the redeeming store's path (coupon_redemptions_store exists since 0011).
CREATE INDEX coupon_redemptions_dealer ON coupon_redemptions (dealer_id, created_at);
CREATE INDEX coupon_redemptions_region ON coupon_redemptions (region_id, created_at);
CREATE INDEX coupon_redemptions_brand ON coupon_redemptions (brand_id, created_at);
-- Points spent in the brand per day, and the members' balances (the outstanding points), both
-- read from the index alone.
CREATE INDEX point_journals_brand_kind ON point_journals (brand_id, kind, created_at, points);
CREATE INDEX point_accounts_brand_balance ON point_accounts (brand_id, kind, balance);
