-- Reconciliation reads one merchant's payments of one day (payments/reconciliation.h); without
-- this index it scanned every payment of the merchant.
CREATE INDEX payment_transactions_merchant_paid ON payment_transactions (merchant_id, paid_at);
