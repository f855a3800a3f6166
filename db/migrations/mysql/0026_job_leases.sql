-- The lease that lets one node of several run the periodic jobs (server/jobs.h, JobLease). A
-- node takes it with a conditional UPDATE when it is free, expired or already its own; a
-- takeover adds one to token, the fencing token: every batch transaction of a job checks in
-- the same transaction that (holder, token) still hold an unexpired lease, so a paused former
-- holder cannot write after a takeover. expires_at is Unix seconds (0 = released).
CREATE TABLE job_leases (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  holder VARCHAR(128) NOT NULL,
  token BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
