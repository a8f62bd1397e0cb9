-- Up Migration
-- The outbox relay prunes stored worker answers by age, with the inbox (shared/outbox/retention.ts).
CREATE INDEX idx_job_results_created ON platform.job_results (created_at);

-- Down Migration
DROP INDEX platform.idx_job_results_created;
