-- The last run of each periodic job (server/jobs.h), one row per job name, so that a restart
-- does not reset the schedule: the scheduler runs a job one interval after its recorded start.
-- A process claims a run by moving started_at from the value it read to its own start time
-- with a conditional UPDATE, so two processes on one database never both start the same run.
-- outcome: '' (never ran), 'running' (claimed; a crash leaves it so until the next run),
-- 'ok' or 'failed' once finished, with what the run did or its error in detail. Times are
-- Unix seconds, 0 = never.
CREATE TABLE job_runs (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  outcome VARCHAR(16) NOT NULL,
  detail VARCHAR(255) NOT NULL
);
