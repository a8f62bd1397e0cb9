-- Up Migration
-- The customer's pre-service contract (bpmn/contract.bpmn) and the installation block it holds.
--
-- contracts.country_settings: each country's rules for contracts, as data an operator may change:
--   above approval_threshold_minor a store manager approves before sending; above
--   strong_auth_threshold_minor the customer signs with a one-time SMS code when phone_auth says
--   the country asks for it; Adobe's reminder frequency; days until the agreement expires; how
--   often our own reminder goes out while the customer has not signed. Amounts in minor units
--   of `currency` (PLN for Poland). A country without a row uses the defaults of
--   shared/domain/contract-settings.ts (EUR 5,000 / 2,000, no phone authentication).
-- contracts.contracts: one per contract workflow instance (process_instance_key unique), what it
--   says (amounts, language) and where it stands. attempt counts the sends: a re-send after a
--   decline or expiry is a new agreement with key `<id>:<attempt>`.
-- contracts.documents: every document of a contract kept in object storage (shared/object-storage):
--   the draft sent, the signed PDF, the audit trail, a paper scan — write-once, with SHA-256,
--   size and retention class.
-- contracts.agreement_events: the audit trail as data (Adobe's agreement events): who acted (a
--   participant role and a SHA-256 of their email, never the email), when, from which IP, with
--   which authentication method.
-- orders.service_orders.contract_status: 'awaiting-signature' until the order's contract is signed
--   (e-signature or paper), then 'signed'; 'cancelled' when the contract was given up; orders
--   older than contracts are 'not-required'. orders.refuse_blocked_installation() now refuses a
--   booking while the contract is not signed, beside the TV block.
CREATE SCHEMA IF NOT EXISTS contracts;

CREATE TABLE contracts.country_settings (
  country_code                VARCHAR(2) PRIMARY KEY REFERENCES org.countries(code),
  currency                    VARCHAR(3) NOT NULL,
  approval_threshold_minor    BIGINT NOT NULL CHECK (approval_threshold_minor >= 0),
  strong_auth_threshold_minor BIGINT NOT NULL CHECK (strong_auth_threshold_minor >= 0),
  phone_auth                  BOOLEAN NOT NULL,
  reminder_frequency          VARCHAR(40) NOT NULL DEFAULT 'EVERY_OTHER_DAY_UNTIL_SIGNED',
  expiry_days                 INTEGER NOT NULL DEFAULT 14 CHECK (expiry_days BETWEEN 1 AND 90),
  reminder_every              VARCHAR(20) NOT NULL DEFAULT 'P3D',
  updated_at                  TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE contracts.contracts (
  id                        UUID PRIMARY KEY,
  service_order_id          UUID NOT NULL REFERENCES orders.service_orders(id),
  process_instance_key      VARCHAR(40) NOT NULL CONSTRAINT uq_contracts_process_instance UNIQUE,
  status                    VARCHAR(30) NOT NULL CHECK (status IN
                              ('drafted', 'approved', 'not-approved', 'out-for-signature', 'signed', 'declined', 'expired',
                               'recalled', 'cancelled', 'esign-unavailable')),
  language                  VARCHAR(2) NOT NULL CHECK (language IN ('es', 'fr', 'it', 'pl')),
  currency                  VARCHAR(3) NOT NULL,
  list_price_minor          BIGINT NOT NULL,
  channel_adjustment_minor  BIGINT NOT NULL,
  tv_extra_cost_minor       BIGINT NOT NULL DEFAULT 0,
  total_minor               BIGINT NOT NULL CHECK (total_minor >= 0),
  approval_required         BOOLEAN NOT NULL,
  phone_auth                BOOLEAN NOT NULL,
  attempt                   INTEGER NOT NULL DEFAULT 0,
  agreement_id              TEXT,
  signature_method          VARCHAR(20) CHECK (signature_method IN ('e-signature', 'paper')),
  signed_at                 TIMESTAMPTZ,
  decided_by                VARCHAR(255),
  created_at                TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at                TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT ck_contracts_signed CHECK ((status = 'signed') = (signed_at IS NOT NULL) AND (signed_at IS NULL) = (signature_method IS NULL))
);
CREATE INDEX idx_contracts_order ON contracts.contracts (service_order_id, created_at DESC);
-- One live contract per order: a new one only once the last was given up.
CREATE UNIQUE INDEX uq_contracts_live_per_order ON contracts.contracts (service_order_id)
  WHERE status NOT IN ('recalled', 'cancelled', 'not-approved');

CREATE TABLE contracts.documents (
  id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  contract_id      UUID NOT NULL REFERENCES contracts.contracts(id),
  kind             VARCHAR(20) NOT NULL CHECK (kind IN ('draft', 'signed', 'audit-trail', 'paper-scan')),
  object_key       TEXT NOT NULL CONSTRAINT uq_documents_object_key UNIQUE,
  sha256           CHAR(64) NOT NULL,
  size_bytes       BIGINT NOT NULL CHECK (size_bytes > 0),
  content_type     VARCHAR(100) NOT NULL,
  retention_class  VARCHAR(20) NOT NULL,
  agreement_id     TEXT,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_documents_contract ON contracts.documents (contract_id, created_at);

CREATE TABLE contracts.agreement_events (
  agreement_id           TEXT NOT NULL,
  seq                    INTEGER NOT NULL,
  contract_id            UUID NOT NULL REFERENCES contracts.contracts(id),
  type                   VARCHAR(60) NOT NULL,
  occurred_at            TIMESTAMPTZ NOT NULL,
  actor_email_hash       CHAR(64),
  participant_role       VARCHAR(20),
  ip_address             VARCHAR(60),
  authentication_method  VARCHAR(30),
  description            TEXT,
  PRIMARY KEY (agreement_id, seq)
);
CREATE INDEX idx_agreement_events_contract ON contracts.agreement_events (contract_id, occurred_at);

-- What functions/contract-start asked of each order's contract workflow (as dispatch.funnel_requests):
-- one start per order, one closure once the order is cancelled, whatever order the events arrive in.
CREATE TABLE contracts.contract_requests (
  service_order_id  UUID PRIMARY KEY REFERENCES orders.service_orders(id),
  requested_at      TIMESTAMPTZ,
  closed_at         TIMESTAMPTZ
);

ALTER TABLE contracts.agreements ADD COLUMN contract_id UUID REFERENCES contracts.contracts(id);

ALTER TABLE orders.service_orders ADD COLUMN contract_status VARCHAR(20) NOT NULL DEFAULT 'not-required'
  CONSTRAINT ck_service_orders_contract_status CHECK (contract_status IN ('not-required', 'awaiting-signature', 'signed', 'cancelled'));
-- Orders from now on wait for their contract.
ALTER TABLE orders.service_orders ALTER COLUMN contract_status SET DEFAULT 'awaiting-signature';

CREATE OR REPLACE FUNCTION orders.refuse_blocked_installation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  blocked VARCHAR(20);
  contract VARCHAR(20);
BEGIN
  SELECT installation_status, contract_status INTO blocked, contract
    FROM orders.service_orders WHERE id = NEW.service_order_id FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'service order % not found', NEW.service_order_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF blocked = 'awaiting-tv' THEN
    RAISE EXCEPTION 'the installation of service order % awaits its technical visit', NEW.service_order_id
      USING ERRCODE = 'AH001', DETAIL = 'installation-awaiting-tv';
  END IF;
  IF blocked = 'cancelled' THEN
    RAISE EXCEPTION 'the installation of service order % was cancelled', NEW.service_order_id
      USING ERRCODE = 'AH001', DETAIL = 'installation-cancelled';
  END IF;
  IF contract = 'awaiting-signature' THEN
    RAISE EXCEPTION 'the installation of service order % awaits its signed contract', NEW.service_order_id
      USING ERRCODE = 'AH001', DETAIL = 'installation-awaiting-contract';
  END IF;
  IF contract = 'cancelled' THEN
    RAISE EXCEPTION 'the contract of service order % was given up', NEW.service_order_id
      USING ERRCODE = 'AH001', DETAIL = 'installation-contract-cancelled';
  END IF;
  RETURN NEW;
END;
$$;

-- Down Migration
CREATE OR REPLACE FUNCTION orders.refuse_blocked_installation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  blocked VARCHAR(20);
BEGIN
  SELECT installation_status INTO blocked FROM orders.service_orders WHERE id = NEW.service_order_id FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'service order % not found', NEW.service_order_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF blocked = 'awaiting-tv' THEN
    RAISE EXCEPTION 'the installation of service order % awaits its technical visit', NEW.service_order_id
      USING ERRCODE = 'AH001', DETAIL = 'installation-awaiting-tv';
  END IF;
  IF blocked = 'cancelled' THEN
    RAISE EXCEPTION 'the installation of service order % was cancelled', NEW.service_order_id
      USING ERRCODE = 'AH001', DETAIL = 'installation-cancelled';
  END IF;
  RETURN NEW;
END;
$$;
ALTER TABLE orders.service_orders DROP COLUMN contract_status;
ALTER TABLE contracts.agreements DROP COLUMN contract_id;
DROP TABLE contracts.contract_requests;
DROP TABLE contracts.agreement_events;
DROP TABLE contracts.documents;
DROP TABLE contracts.contracts;
DROP TABLE contracts.country_settings;
