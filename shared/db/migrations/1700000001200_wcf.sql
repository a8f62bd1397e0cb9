-- Up Migration
-- The Work Closing Form (bpmn/wcf.bpmn): the customer's acceptance of the work, reserves and
-- their lifting by a re-work visit, disputes. The warranty clocks are 1700000001210.
--
-- wcf.country_settings: each country's rules, as data an operator may change: how often the
--   customer is reminded while they have not answered (ISO 8601 duration, a timer cycle) and after
--   how long an operator takes over; after how long a store that has not validated a signed form is
--   escalated to its business unit; the days the provider has to lift reserves; how long the
--   agreement stays open at Adobe and Adobe's own reminders. A country without a row uses the
--   defaults of shared/domain/wcf-settings.ts.
-- wcf.requests: what functions/wcf-start asked (one WCF workflow per order, whatever the number of
--   work-completed events).
-- wcf.forms: the closing form of an order (one per order) and each lifting-of-reserves form (one
--   per re-work round). The customer's answer (accepted / accepted-with-reserves / rejected) is
--   given on the technician's device or from their link, then the form, which shows it, is signed
--   at Adobe: customer, technician, store (approver). attempt counts the sends (key `<id>:<attempt>`).
-- wcf.reserves: what the customer reserved (or what an operator's investigation of a rejection
--   found to redo), each lifted by a technician of the re-work's provider, then confirmed by the
--   customer on the lifting form.
-- wcf.reworks: a round of re-work given to the order's provider, with its deadline.
-- wcf.disputes: a rejection or a stalled closing that stays open with its reason.
-- wcf.documents: the forms as sent and signed, and Adobe's audit trails, in object storage.
-- orders.service_orders.closed_at: when the customer's acceptance closed the order (the sale's own
--   status stays the sales system's).
-- dispatch.technicians.email and org.stores.email: the addresses Adobe Sign asks them to sign at
--   (the technician signs the form; the store validates it).
CREATE SCHEMA IF NOT EXISTS wcf;

CREATE TABLE wcf.country_settings (
  country_code               VARCHAR(2) PRIMARY KEY REFERENCES org.countries(code),
  answer_reminder_every      VARCHAR(20) NOT NULL DEFAULT 'P1D' CHECK (answer_reminder_every ~ '^P[1-9][0-9]*D$'),
  answer_timeout             VARCHAR(20) NOT NULL DEFAULT 'P7D' CHECK (answer_timeout ~ '^P[1-9][0-9]*D$'),
  store_validation_timeout   VARCHAR(20) NOT NULL DEFAULT 'P3D' CHECK (store_validation_timeout ~ '^P[1-9][0-9]*D$'),
  rework_deadline_days       INTEGER NOT NULL DEFAULT 30 CHECK (rework_deadline_days BETWEEN 1 AND 365),
  signature_expiry_days      INTEGER NOT NULL DEFAULT 14 CHECK (signature_expiry_days BETWEEN 1 AND 90),
  reminder_frequency         VARCHAR(40) NOT NULL DEFAULT 'EVERY_OTHER_DAY_UNTIL_SIGNED',
  updated_at                 TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE wcf.requests (
  service_order_id   UUID PRIMARY KEY REFERENCES orders.service_orders(id),
  appointment_id     UUID NOT NULL,
  work_completed_at  TIMESTAMPTZ NOT NULL,
  requested_at       TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE wcf.reworks (
  id                    UUID PRIMARY KEY,
  service_order_id      UUID NOT NULL REFERENCES orders.service_orders(id),
  process_instance_key  VARCHAR(40) NOT NULL,
  round                 INTEGER NOT NULL CHECK (round > 0),
  origin                VARCHAR(20) NOT NULL CHECK (origin IN ('reserves', 'rejection')),
  provider_id           UUID NOT NULL REFERENCES dispatch.providers(id),
  deadline              TIMESTAMPTZ NOT NULL,
  status                VARCHAR(20) NOT NULL CHECK (status IN ('open', 'lifted', 'confirmed', 'disputed')),
  lifted_at             TIMESTAMPTZ,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT uq_reworks_round UNIQUE (process_instance_key, round)
);
CREATE INDEX idx_reworks_provider_open ON wcf.reworks (provider_id) WHERE status = 'open';
CREATE INDEX idx_reworks_order ON wcf.reworks (service_order_id);

CREATE TABLE wcf.forms (
  id                    UUID PRIMARY KEY,
  service_order_id      UUID NOT NULL REFERENCES orders.service_orders(id),
  kind                  VARCHAR(10) NOT NULL CHECK (kind IN ('closing', 'lifting')),
  process_instance_key  VARCHAR(40) NOT NULL,
  rework_id             UUID REFERENCES wcf.reworks(id),
  status                VARCHAR(30) NOT NULL CHECK (status IN
                          ('awaiting-answer', 'answered', 'out-for-signature', 'signed', 'declined', 'expired', 'recalled', 'esign-unavailable')),
  answer                VARCHAR(30) CHECK (answer IN ('accepted', 'accepted-with-reserves', 'rejected')),
  rejection_reason      TEXT,
  answered_at           TIMESTAMPTZ,
  answered_via          VARCHAR(20) CHECK (answered_via IN ('technician-device', 'customer-link')),
  language              VARCHAR(2) NOT NULL CHECK (language IN ('es', 'fr', 'it', 'pl')),
  attempt               INTEGER NOT NULL DEFAULT 0,
  agreement_id          TEXT,
  signed_at             TIMESTAMPTZ,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT ck_forms_kind CHECK ((kind = 'lifting') = (rework_id IS NOT NULL)),
  CONSTRAINT ck_forms_answer CHECK ((answer IS NULL) = (answered_at IS NULL) AND ((answer = 'rejected') = (rejection_reason IS NOT NULL)))
);
-- One closing form per order; one lifting form per re-work round.
CREATE UNIQUE INDEX uq_forms_closing_per_order ON wcf.forms (service_order_id) WHERE kind = 'closing';
CREATE UNIQUE INDEX uq_forms_lifting_per_rework ON wcf.forms (rework_id) WHERE kind = 'lifting';
CREATE INDEX idx_forms_status ON wcf.forms (status, created_at DESC);

CREATE TABLE wcf.reserves (
  id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  form_id           UUID NOT NULL REFERENCES wcf.forms(id),
  service_order_id  UUID NOT NULL REFERENCES orders.service_orders(id),
  seq               INTEGER NOT NULL CHECK (seq > 0),
  origin            VARCHAR(20) NOT NULL CHECK (origin IN ('customer', 'investigation')),
  description       TEXT NOT NULL,
  location          VARCHAR(300) NOT NULL,
  photo_refs        JSONB NOT NULL DEFAULT '[]',
  status            VARCHAR(20) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'lifted', 'confirmed')),
  rework_id         UUID REFERENCES wcf.reworks(id),
  lifted_at         TIMESTAMPTZ,
  lifted_by         UUID REFERENCES dispatch.technicians(id),
  lifted_note       TEXT,
  lifted_photo_refs JSONB NOT NULL DEFAULT '[]',
  confirmed_at      TIMESTAMPTZ,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT uq_reserves_seq UNIQUE (form_id, seq),
  CONSTRAINT ck_reserves_lifted CHECK ((status = 'open') = (lifted_at IS NULL) AND (lifted_at IS NULL) = (lifted_by IS NULL))
);
CREATE INDEX idx_reserves_rework ON wcf.reserves (rework_id);
CREATE INDEX idx_reserves_order ON wcf.reserves (service_order_id);

CREATE TABLE wcf.disputes (
  id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  service_order_id  UUID NOT NULL REFERENCES orders.service_orders(id),
  form_id           UUID NOT NULL REFERENCES wcf.forms(id),
  reason            TEXT NOT NULL,
  opened_by         VARCHAR(255),
  status            VARCHAR(20) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  opened_at         TIMESTAMPTZ NOT NULL,
  resolved_at       TIMESTAMPTZ
);
-- One open dispute per form (a retried job opens it once).
CREATE UNIQUE INDEX uq_disputes_open_per_form ON wcf.disputes (form_id) WHERE status = 'open';

CREATE TABLE wcf.documents (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  form_id       UUID NOT NULL REFERENCES wcf.forms(id),
  kind          VARCHAR(20) NOT NULL CHECK (kind IN ('sent', 'signed', 'audit-trail')),
  object_key    TEXT NOT NULL CONSTRAINT uq_wcf_documents_object_key UNIQUE,
  sha256        CHAR(64) NOT NULL,
  size_bytes    BIGINT NOT NULL CHECK (size_bytes > 0),
  content_type  VARCHAR(100) NOT NULL,
  agreement_id  TEXT,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_wcf_documents_form ON wcf.documents (form_id, created_at);

ALTER TABLE orders.service_orders ADD COLUMN closed_at TIMESTAMPTZ;
ALTER TABLE dispatch.technicians ADD COLUMN email VARCHAR(320);
ALTER TABLE org.stores ADD COLUMN email VARCHAR(320);
-- The agreements of WCF forms are e-signature agreements like the contracts' (one table, one webhook).
ALTER TABLE contracts.agreements ADD COLUMN wcf_form_id UUID REFERENCES wcf.forms(id);
