-- Up Migration
-- The embedded workflow engine (mesh/engine): the local stand-in for Camunda 8. Production has
-- none of this (Camunda keeps its own state); these migrations run only where the engine runs.
--   definitions      deployed models, one row per version
--   instances        process instances: variables, timers, jobs and the interpreter's tokens as
--                    JSON; wake_at (the earliest timer or job retry) and awaiting_jobs (jobs sent
--                    and not answered) are what the engine looks for, so a waiting instance costs
--                    nothing in memory
--   subscriptions    the messages each instance waits for, by name and correlation key
--   messages         published messages (buffered until correlated or expired)
--   user_tasks, incidents
CREATE SCHEMA IF NOT EXISTS engine;

CREATE SEQUENCE engine.keys START 2251799813685249;

CREATE TABLE engine.definitions (
  process_definition_key  BIGINT PRIMARY KEY,
  bpmn_process_id         VARCHAR(200) NOT NULL,
  version                 INTEGER NOT NULL,
  resource_name           VARCHAR(300) NOT NULL,
  checksum                VARCHAR(64) NOT NULL,
  xml                     TEXT NOT NULL,
  deployed_at             TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  UNIQUE (bpmn_process_id, version)
);

CREATE TABLE engine.instances (
  process_instance_key    BIGINT PRIMARY KEY,
  process_definition_key  BIGINT NOT NULL REFERENCES engine.definitions,
  bpmn_process_id         VARCHAR(200) NOT NULL,
  correlation_key         VARCHAR(500),
  state                   VARCHAR(20) NOT NULL CHECK (state IN ('ACTIVE', 'COMPLETED', 'TERMINATED')),
  variables               JSONB NOT NULL DEFAULT '{}'::jsonb,
  engine_state            JSONB,
  timers                  JSONB NOT NULL DEFAULT '{}'::jsonb,
  jobs                    JSONB NOT NULL DEFAULT '{}'::jsonb,
  wake_at                 TIMESTAMPTZ,
  awaiting_jobs           BOOLEAN NOT NULL DEFAULT FALSE,
  started_at              TIMESTAMPTZ NOT NULL,
  ended_at                TIMESTAMPTZ,
  updated_at              TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_instances_active ON engine.instances (bpmn_process_id, correlation_key) WHERE state = 'ACTIVE';
CREATE INDEX idx_instances_wake ON engine.instances (wake_at) WHERE state = 'ACTIVE' AND wake_at IS NOT NULL;
CREATE INDEX idx_instances_awaiting ON engine.instances (process_instance_key) WHERE state = 'ACTIVE' AND awaiting_jobs;

CREATE TABLE engine.subscriptions (
  process_instance_key  BIGINT NOT NULL REFERENCES engine.instances ON DELETE CASCADE,
  execution_id          VARCHAR(300) NOT NULL,
  element_id            VARCHAR(200) NOT NULL,
  message_name          VARCHAR(200) NOT NULL,
  correlation_key       VARCHAR(500) NOT NULL,
  PRIMARY KEY (process_instance_key, execution_id)
);
CREATE INDEX idx_subscriptions_message ON engine.subscriptions (message_name, correlation_key);

CREATE TABLE engine.messages (
  message_key      BIGINT PRIMARY KEY,
  name             VARCHAR(200) NOT NULL,
  correlation_key  VARCHAR(500) NOT NULL,
  message_id       VARCHAR(500),
  variables        JSONB NOT NULL DEFAULT '{}'::jsonb,
  published_at     TIMESTAMPTZ NOT NULL,
  expires_at       TIMESTAMPTZ NOT NULL,
  correlated_to    BIGINT
);
CREATE UNIQUE INDEX idx_messages_id ON engine.messages (name, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX idx_messages_open ON engine.messages (name, correlation_key) WHERE correlated_to IS NULL;

CREATE TABLE engine.user_tasks (
  user_task_key          BIGINT PRIMARY KEY,
  process_instance_key   BIGINT NOT NULL REFERENCES engine.instances,
  process_definition_key BIGINT NOT NULL,
  bpmn_process_id        VARCHAR(200) NOT NULL,
  element_id             VARCHAR(200) NOT NULL,
  element_instance_key   VARCHAR(200) NOT NULL,
  name                   VARCHAR(500) NOT NULL,
  state                  VARCHAR(20) NOT NULL CHECK (state IN ('CREATED', 'COMPLETED', 'CANCELED')),
  assignee               VARCHAR(200),
  candidate_groups       JSONB NOT NULL DEFAULT '[]'::jsonb,
  custom_headers         JSONB NOT NULL DEFAULT '{}'::jsonb,
  variables              JSONB NOT NULL DEFAULT '{}'::jsonb,
  priority               INTEGER NOT NULL DEFAULT 50,
  due_date               TIMESTAMPTZ,
  created_at             TIMESTAMPTZ NOT NULL,
  completed_at           TIMESTAMPTZ,
  UNIQUE (process_instance_key, element_instance_key)
);
CREATE INDEX idx_user_tasks_open ON engine.user_tasks (created_at) WHERE state = 'CREATED';

CREATE TABLE engine.incidents (
  incident_key           BIGINT PRIMARY KEY,
  process_instance_key   BIGINT NOT NULL REFERENCES engine.instances,
  bpmn_process_id        VARCHAR(200) NOT NULL,
  element_id             VARCHAR(200) NOT NULL,
  element_instance_key   VARCHAR(200) NOT NULL,
  job_key                VARCHAR(40),
  error_type             VARCHAR(60) NOT NULL,
  error_message          TEXT NOT NULL,
  state                  VARCHAR(20) NOT NULL CHECK (state IN ('ACTIVE', 'RESOLVED')),
  created_at             TIMESTAMPTZ NOT NULL,
  resolved_at            TIMESTAMPTZ
);
CREATE INDEX idx_incidents_active ON engine.incidents (created_at) WHERE state = 'ACTIVE';
CREATE INDEX idx_incidents_job ON engine.incidents (job_key) WHERE state = 'ACTIVE';

-- Down Migration
DROP SCHEMA engine CASCADE;
