-- Secret rotation with overlap (docs/API.md "Webhooks"): a rotated endpoint keeps its previous
-- secret until previous_secret_until (Unix seconds; 0 = none), and its deliveries carry a
-- signature under each, so that a receiver can switch to the new secret without losing any.
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_sealed VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_until BIGINT NOT NULL DEFAULT 0;
