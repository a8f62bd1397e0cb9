-- Up Migration
-- Workflow runtime.
-- platform.job_results: a worker function's answer per job key, committed with the worker's
--   effect; a job delivered again (bridge retry, engine restart) gets the same answer and
--   changes nothing.
-- platform.workflow_*: the embedded engine's state (local default only; Camunda holds it in
--   production): deployed models, process instances with their serialised bpmn-engine state,
--   published messages awaiting correlation, jobs, user tasks and incidents.
CREATE TABLE platform.job_results (
  worker       VARCHAR(100) NOT NULL,
  job_key      VARCHAR(40) NOT NULL,
  task_type    VARCHAR(200) NOT NULL,
  status       SMALLINT NOT NULL,
  answer       JSONB NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (worker, job_key)
);

CREATE SEQUENCE platform.workflow_keys START 2251799813685249;

CREATE TABLE platform.workflow_definitions (
  process_definition_key  BIGINT PRIMARY KEY,
  bpmn_process_id         VARCHAR(200) NOT NULL,
  version                 INTEGER NOT NULL,
  resource_name           VARCHAR(300) NOT NULL,
  checksum                VARCHAR(64) NOT NULL,
  xml                     TEXT NOT NULL,
  deployed_at             TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  UNIQUE (bpmn_process_id, version)
);

CREATE TABLE platform.workflow_instances (
  process_instance_key    BIGINT PRIMARY KEY,
  process_definition_key  BIGINT NOT NULL REFERENCES platform.workflow_definitions,
  bpmn_process_id         VARCHAR(200) NOT NULL,
  correlation_key         VARCHAR(500),
  state                   VARCHAR(20) NOT NULL CHECK (state IN ('ACTIVE', 'COMPLETED', 'TERMINATED')),
  variables               JSONB NOT NULL DEFAULT '{}'::jsonb,
  engine_state            JSONB,
  timers                  JSONB NOT NULL DEFAULT '{}'::jsonb,
  jobs                    JSONB NOT NULL DEFAULT '{}'::jsonb,
  started_at              TIMESTAMPTZ NOT NULL,
  ended_at                TIMESTAMPTZ,
  updated_at              TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_workflow_instances_active ON platform.workflow_instances (bpmn_process_id, correlation_key) WHERE state = 'ACTIVE';

CREATE TABLE platform.workflow_messages (
  message_key      BIGINT PRIMARY KEY,
  name             VARCHAR(200) NOT NULL,
  correlation_key  VARCHAR(500) NOT NULL,
  message_id       VARCHAR(500),
  variables        JSONB NOT NULL DEFAULT '{}'::jsonb,
  published_at     TIMESTAMPTZ NOT NULL,
  expires_at       TIMESTAMPTZ NOT NULL,
  correlated_to    BIGINT
);
CREATE UNIQUE INDEX idx_workflow_messages_id ON platform.workflow_messages (name, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX idx_workflow_messages_open ON platform.workflow_messages (name, correlation_key) WHERE correlated_to IS NULL;

CREATE TABLE platform.workflow_user_tasks (
  user_task_key          BIGINT PRIMARY KEY,
  process_instance_key   BIGINT NOT NULL REFERENCES platform.workflow_instances,
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
CREATE INDEX idx_workflow_user_tasks_open ON platform.workflow_user_tasks (created_at) WHERE state = 'CREATED';

CREATE TABLE platform.workflow_incidents (
  incident_key           BIGINT PRIMARY KEY,
  process_instance_key   BIGINT NOT NULL REFERENCES platform.workflow_instances,
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
CREATE INDEX idx_workflow_incidents_active ON platform.workflow_incidents (created_at) WHERE state = 'ACTIVE';

-- Down Migration
DROP TABLE platform.workflow_incidents;
DROP TABLE platform.workflow_user_tasks;
DROP TABLE platform.workflow_messages;
DROP TABLE platform.workflow_instances;
DROP TABLE platform.workflow_definitions;
DROP SEQUENCE platform.workflow_keys;
DROP TABLE platform.job_results;
