-- Staff sessions and login names (issue 9, findings 5 and 6).
-- credentials_version: every console session carries the version its login saw; deactivation,
-- reactivation, a password reset and a role or scope change raise it, so the database ends a
-- session even when the Kv lost its revocation mark (org/session_truth.h).
-- Usernames become unique per brand instead of across the deployment, so that creating an
-- account never tells one brand which names another brand uses; a login names its brand
-- (docs/API.md, "POST /api/console/login").
ALTER TABLE staff
  ADD COLUMN credentials_version BIGINT NOT NULL DEFAULT 1 AFTER active,
  ADD CONSTRAINT staff_brand_username UNIQUE (brand_id, username),
  DROP INDEX staff_username;
