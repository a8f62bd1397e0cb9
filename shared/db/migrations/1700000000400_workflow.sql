-- Up Migration
-- Workflow runtime.
-- platform.job_results: a worker function's answer per job key, committed with the worker's
--   effect; a job delivered again (bridge retry, engine restart) gets the same answer and
--   changes nothing.
-- The embedded workflow engine's tables are not here: it is a local stand-in for Camunda and
-- keeps its own migrations (mesh/engine/migrations, schema `engine`).
CREATE TABLE platform.job_results (
  worker       VARCHAR(100) NOT NULL,
  job_key      VARCHAR(40) NOT NULL,
  task_type    VARCHAR(200) NOT NULL,
  status       SMALLINT NOT NULL,
  answer       JSONB NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (worker, job_key)
);

-- Down Migration
DROP TABLE platform.job_results;
