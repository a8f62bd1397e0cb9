-- Up Migration
-- Claims on closed orders (bpmn/claim.bpmn, later): a customer (from their claim link) or an
-- operator opens a claim; it is matched against the order's warranties at the claim's date
-- (shared/domain/claim-rules.ts entitlement); an expert visit investigates; an operator decides
-- repair, refund or reject; a refund above the operator's limit goes up an approval chain.
--
-- claims.country_settings: each country's rules, as data an operator may change: the SLAs
--   (acknowledge_within, decide_within: ISO 8601 durations of one unit, days, hours or minutes,
--   e.g. PT48H, P10D, usable as Zeebe timers); the refund limits in minor units of `currency`
--   (the deciding operator alone up to operator_refund_limit_minor, a BU manager up to
--   bu_manager_refund_limit_minor, the country director above); who makes the expert visit
--   ('exclude-original': never the provider of the claimed work, 'prefer-original', 'any'); how many
--   days after closing the customer's claim link works. A country without a row uses the defaults
--   of shared/domain/claim-rules.ts. The four rows below are reference data: the migration runs
--   before the seed creates org.countries, so the foreign key is added NOT VALID after them (it
--   holds for every row written later).
-- claims.claims: one claim on one service order, what the customer says (category, description,
--   photos, when the defect was discovered) and where it stands: entitlement and the warranty that
--   covers it, handling (under warranty, goodwill or billed), the expert visit (a service order of
--   kind 'claim-visit') and its findings and recommendation, then the decision with its refund
--   amount or reason, and the repair order (kind 'repair'). CHECKs keep status, decision and their
--   fields consistent; a decision refused in the approval chain is cleared for a new one.
-- claims.approvals: each approval or refusal of a refund decision, by level, for the amount decided.
-- claims.history: the audit trail operators read, append-only (a trigger refuses UPDATE, DELETE
--   and TRUNCATE with SQLSTATE 42501): who acted (an operator's subject, 'system' or 'customer'),
--   what they did, with what.
-- claims.used_links: a customer's claim link opens one claim (its token's SHA-256, never the token).
-- orders.service_orders.kind: 'installation' (every order so far), 'claim-visit' (an expert's visit
--   on a claim) or 'repair'; the two latter carry origin_order_id, the claimed order, and claim_id.
CREATE SCHEMA IF NOT EXISTS claims;

CREATE TABLE claims.country_settings (
  country_code                   VARCHAR(2) PRIMARY KEY CHECK (country_code ~ '^[A-Z]{2}$'),
  currency                       VARCHAR(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  acknowledge_within             VARCHAR(20) NOT NULL CHECK (acknowledge_within ~ '^P([1-9][0-9]*D|T[1-9][0-9]*[HM])$'),
  decide_within                  VARCHAR(20) NOT NULL CHECK (decide_within ~ '^P([1-9][0-9]*D|T[1-9][0-9]*[HM])$'),
  operator_refund_limit_minor    BIGINT NOT NULL CHECK (operator_refund_limit_minor >= 0),
  bu_manager_refund_limit_minor  BIGINT NOT NULL,
  expert_provider                VARCHAR(20) NOT NULL DEFAULT 'exclude-original'
                                   CHECK (expert_provider IN ('exclude-original', 'prefer-original', 'any')),
  claim_link_days                INTEGER NOT NULL CHECK (claim_link_days BETWEEN 1 AND 3660),
  updated_at                     TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT ck_claim_settings_limits CHECK (bu_manager_refund_limit_minor >= operator_refund_limit_minor)
);

-- Reference data: EUR 500 / 5,000, PLN 2,150 / 21,500. Poland decides within 14 days, the time
-- after which Polish consumer law deems an unanswered complaint accepted. The link works as long
-- as the warranty covering every product of the country (1 year ES/FR, 2 years IT/PL).
INSERT INTO claims.country_settings
  (country_code, currency, acknowledge_within, decide_within, operator_refund_limit_minor, bu_manager_refund_limit_minor, expert_provider, claim_link_days) VALUES
  ('ES', 'EUR', 'PT48H', 'P10D',   50000,  500000, 'exclude-original', 365),
  ('FR', 'EUR', 'PT48H', 'P10D',   50000,  500000, 'exclude-original', 365),
  ('IT', 'EUR', 'PT48H', 'P10D',   50000,  500000, 'exclude-original', 730),
  ('PL', 'PLN', 'PT48H', 'P14D',  215000, 2150000, 'exclude-original', 730)
ON CONFLICT (country_code) DO NOTHING;

ALTER TABLE claims.country_settings ADD CONSTRAINT fk_claim_settings_country
  FOREIGN KEY (country_code) REFERENCES org.countries(code) NOT VALID;

CREATE TABLE claims.claims (
  id                    UUID PRIMARY KEY,
  service_order_id      UUID NOT NULL REFERENCES orders.service_orders(id),
  process_instance_key  VARCHAR(40) CONSTRAINT uq_claims_process_instance UNIQUE,
  opened_via            VARCHAR(20) NOT NULL CHECK (opened_via IN ('operator', 'customer-link')),
  opened_by             VARCHAR(255),
  category              VARCHAR(20) NOT NULL CHECK (category IN ('defect', 'damage', 'malfunction', 'leak', 'finishing', 'other')),
  description           TEXT NOT NULL CHECK (description <> ''),
  photo_refs            JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(photo_refs) = 'array'),
  discovered_on         DATE,
  claimed_at            TIMESTAMPTZ NOT NULL,
  status                VARCHAR(20) NOT NULL DEFAULT 'received' CHECK (status IN
                          ('received', 'acknowledged', 'investigating', 'deciding', 'awaiting-approval',
                           'repair-ordered', 'refunded', 'rejected', 'withdrawn')),
  entitlement           VARCHAR(20) CHECK (entitlement IN ('covered', 'out-of-warranty')),
  warranty_code         VARCHAR(40),
  handling              VARCHAR(20) CHECK (handling IN ('warranty', 'goodwill', 'billable')),
  expert_order_id       UUID REFERENCES orders.service_orders(id),
  findings              TEXT,
  recommendation        VARCHAR(10) CHECK (recommendation IN ('repair', 'refund', 'reject')),
  decision              VARCHAR(10) CHECK (decision IN ('repair', 'refund', 'reject')),
  refund_amount_minor   BIGINT CHECK (refund_amount_minor > 0),
  currency              VARCHAR(3),
  decision_reason       TEXT,
  repair_order_id       UUID REFERENCES orders.service_orders(id),
  acknowledged_at       TIMESTAMPTZ,
  decided_at            TIMESTAMPTZ,
  closed_at             TIMESTAMPTZ,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT ck_claims_opened_by CHECK ((opened_via = 'operator') = (opened_by IS NOT NULL)),
  CONSTRAINT ck_claims_entitlement CHECK ((entitlement IS NOT DISTINCT FROM 'covered') = (warranty_code IS NOT NULL)
                                          AND (handling IS DISTINCT FROM 'warranty' OR entitlement IS NOT DISTINCT FROM 'covered')),
  CONSTRAINT ck_claims_decided CHECK ((decision IS NULL) = (decided_at IS NULL)),
  CONSTRAINT ck_claims_refund CHECK ((decision IS NOT DISTINCT FROM 'refund') = (refund_amount_minor IS NOT NULL)
                                     AND (refund_amount_minor IS NULL) = (currency IS NULL)),
  CONSTRAINT ck_claims_reject CHECK (decision IS DISTINCT FROM 'reject' OR decision_reason IS NOT NULL),
  CONSTRAINT ck_claims_repair CHECK (decision IS NOT DISTINCT FROM 'repair' OR repair_order_id IS NULL),
  CONSTRAINT ck_claims_status CHECK (
    (status NOT IN ('awaiting-approval', 'refunded') OR decision IS NOT DISTINCT FROM 'refund')
    AND (status <> 'rejected' OR decision IS NOT DISTINCT FROM 'reject')
    AND (status <> 'repair-ordered' OR (decision IS NOT DISTINCT FROM 'repair' AND repair_order_id IS NOT NULL))
    AND (status <> 'received' OR acknowledged_at IS NULL)),
  CONSTRAINT ck_claims_closed CHECK (
    (status NOT IN ('refunded', 'rejected', 'withdrawn') OR closed_at IS NOT NULL)
    AND (closed_at IS NULL OR status IN ('repair-ordered', 'refunded', 'rejected', 'withdrawn')))
);
CREATE INDEX idx_claims_order ON claims.claims (service_order_id, claimed_at DESC);
CREATE INDEX idx_claims_open ON claims.claims (status, claimed_at) WHERE closed_at IS NULL;

CREATE TABLE claims.approvals (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  claim_id      UUID NOT NULL REFERENCES claims.claims(id),
  level         VARCHAR(20) NOT NULL CHECK (level IN ('operator', 'bu-manager', 'country-director')),
  amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
  decision      VARCHAR(10) NOT NULL CHECK (decision IN ('approved', 'refused')),
  comment       TEXT,
  decided_by    VARCHAR(255) NOT NULL,
  decided_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT ck_approvals_refused CHECK (decision = 'approved' OR comment IS NOT NULL)
);
CREATE INDEX idx_approvals_claim ON claims.approvals (claim_id, decided_at);

CREATE TABLE claims.history (
  id        BIGSERIAL PRIMARY KEY,
  claim_id  UUID NOT NULL REFERENCES claims.claims(id),
  at        TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  actor     VARCHAR(255) NOT NULL CHECK (actor <> ''),
  action    VARCHAR(60) NOT NULL CHECK (action ~ '^[a-z]+(-[a-z]+)*$'),
  detail    JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_history_claim ON claims.history (claim_id, at, id);

CREATE FUNCTION claims.refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'claims.history is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege', DETAIL = 'claim-history-append-only';
END;
$$;
CREATE TRIGGER trg_history_append_only BEFORE UPDATE OR DELETE ON claims.history
  FOR EACH ROW EXECUTE FUNCTION claims.refuse_history_change();
CREATE TRIGGER trg_history_no_truncate BEFORE TRUNCATE ON claims.history
  FOR EACH STATEMENT EXECUTE FUNCTION claims.refuse_history_change();

CREATE TABLE claims.used_links (
  token_sha256      CHAR(64) PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  service_order_id  UUID NOT NULL REFERENCES orders.service_orders(id),
  claim_id          UUID NOT NULL REFERENCES claims.claims(id) CONSTRAINT uq_used_links_claim UNIQUE,
  used_at           TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

ALTER TABLE orders.service_orders
  ADD COLUMN kind VARCHAR(20) NOT NULL DEFAULT 'installation'
    CONSTRAINT ck_service_orders_kind CHECK (kind IN ('installation', 'claim-visit', 'repair')),
  ADD COLUMN origin_order_id UUID REFERENCES orders.service_orders(id),
  ADD COLUMN claim_id UUID REFERENCES claims.claims(id),
  ADD CONSTRAINT ck_service_orders_origin CHECK ((kind = 'installation') = (origin_order_id IS NULL)
                                                 AND (kind <> 'installation' OR claim_id IS NULL));
CREATE INDEX idx_service_orders_origin ON orders.service_orders (origin_order_id) WHERE origin_order_id IS NOT NULL;

-- Down Migration
DROP INDEX orders.idx_service_orders_origin;
ALTER TABLE orders.service_orders DROP CONSTRAINT ck_service_orders_origin,
  DROP COLUMN claim_id, DROP COLUMN origin_order_id, DROP COLUMN kind;
DROP TABLE claims.used_links;
DROP TABLE claims.history;
DROP FUNCTION claims.refuse_history_change();
DROP TABLE claims.approvals;
DROP TABLE claims.claims;
DROP TABLE claims.country_settings;
DROP SCHEMA claims;
