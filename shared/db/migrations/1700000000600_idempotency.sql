-- Up Migration
-- Client-supplied idempotency keys of HTTP writes (the mobile app works offline and retries):
-- the first answer, stored with the write's effect, is what a retry gets back.
CREATE TABLE platform.idempotency_keys (
  scope         VARCHAR(100) NOT NULL,
  subject       VARCHAR(255) NOT NULL,
  key           VARCHAR(200) NOT NULL,
  request_hash  CHAR(64) NOT NULL,
  status        SMALLINT,
  response      JSONB,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (scope, subject, key)
);
CREATE INDEX idx_idempotency_keys_created ON platform.idempotency_keys (created_at);

-- Down Migration
DROP TABLE platform.idempotency_keys;
