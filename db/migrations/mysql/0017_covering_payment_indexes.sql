-- The console reports sum amount_fen, refunded_fen and points_earned of a scope's payments per
-- day (payments/report_store.cc). With 0006's (scope column, paid_at) indexes each payment in
-- the window costs a lookup of its row in the clustered index; on 1,000,000 payments a dealer's
-- 30 days took 205 ms with a 128 MB buffer pool, a brand's 1.9 s (docs/PERFORMANCE.md "Console
-- reports"). The same indexes with those three columns appended answer the reports from the
-- index alone, and still serve every query that used them (same leading columns, same names).
-- No new index: a payment still writes four of them; a refund now updates them too
-- (refunded_fen). One statement: the table is rebuilt once.
ALTER TABLE payment_transactions
  DROP INDEX payment_transactions_store,
  DROP INDEX payment_transactions_dealer,
  DROP INDEX payment_transactions_region,
  DROP INDEX payment_transactions_brand,
  ADD KEY payment_transactions_store (store_id, paid_at, amount_fen, refunded_fen, points_earned),
  ADD KEY payment_transactions_dealer (dealer_id, paid_at, amount_fen, refunded_fen, points_earned),
  ADD KEY payment_transactions_region (region_id, paid_at, amount_fen, refunded_fen, points_earned),
  ADD KEY payment_transactions_brand (brand_id, paid_at, amount_fen, refunded_fen, points_earned);
