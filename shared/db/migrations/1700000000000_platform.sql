-- Up Migration
-- Platform tables: the outbox (events committed with their state change), the inbox
-- (events already applied, keyed on the CloudEvent source and id) and the dead letters.
CREATE SCHEMA IF NOT EXISTS platform;

CREATE TABLE platform.outbox (
  id             BIGSERIAL PRIMARY KEY,
  event_id       UUID NOT NULL UNIQUE,
  topic          VARCHAR(200) NOT NULL,
  type           VARCHAR(200) NOT NULL,
  source         VARCHAR(500) NOT NULL,
  subject        VARCHAR(500),
  partition_key  VARCHAR(500) NOT NULL,
  data           JSONB NOT NULL,
  trace_headers  JSONB NOT NULL DEFAULT '{}'::jsonb,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  published_at   TIMESTAMPTZ,
  attempts       INTEGER NOT NULL DEFAULT 0,
  last_error     TEXT
);
CREATE INDEX idx_outbox_unpublished ON platform.outbox (id) WHERE published_at IS NULL;

CREATE TABLE platform.inbox (
  source       VARCHAR(500) NOT NULL,
  event_id     VARCHAR(500) NOT NULL,
  type         VARCHAR(200) NOT NULL,
  consumer     VARCHAR(100) NOT NULL,
  received_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (consumer, source, event_id)
);

CREATE TABLE platform.dead_letters (
  id              BIGSERIAL PRIMARY KEY,
  event_source    VARCHAR(500) NOT NULL,
  event_id        VARCHAR(500) NOT NULL,
  event_type      VARCHAR(200) NOT NULL,
  destination     VARCHAR(500),
  error_code      INTEGER,
  error_reason    TEXT,
  attributes      JSONB NOT NULL,
  data            JSONB,
  received_at     TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  UNIQUE (event_source, event_id, destination)
);

-- Down Migration
DROP TABLE platform.dead_letters;
DROP TABLE platform.inbox;
DROP TABLE platform.outbox;
DROP SCHEMA platform;
