-- Up Migration
-- Technical visits (TV) and the installation block they hold.
--
-- tv.visits: one row per technical visit of a service order, created by the tv-schedule-visit
--   worker for one process instance (unique), at most one pending ('scheduled') per order;
--   the assigned technician (token subject), their provider and the appointment; the outcome
--   the technician recorded.
-- tv.adjustments: what a YES_BUT visit asks the customer to accept (changed lines, extra cost)
--   and the customer's answer, given once before the answer deadline.
-- orders.service_orders.installation_status: 'awaiting-tv' while a required TV is unresolved,
--   'ready' once nothing blocks the installation, 'cancelled' when the TV cancelled it.
--   orders.refuse_blocked_installation() is the trigger any table of installation
--   appointments (a service_order_id column) attaches BEFORE INSERT: the database refuses a
--   booking of a blocked installation whatever code writes it (SQLSTATE AH001).
CREATE SCHEMA IF NOT EXISTS tv;

ALTER TABLE orders.service_orders ADD COLUMN installation_status VARCHAR(20) NOT NULL DEFAULT 'ready'
  CONSTRAINT ck_service_orders_installation_status CHECK (installation_status IN ('awaiting-tv', 'ready', 'cancelled'));
UPDATE orders.service_orders SET installation_status = 'awaiting-tv' WHERE technical_visit_required;

-- An order that needs a TV starts blocked, whatever its writer says (order-intake need not know).
CREATE FUNCTION orders.block_installation_until_tv() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.technical_visit_required THEN
    NEW.installation_status := 'awaiting-tv';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER trg_service_orders_block_installation BEFORE INSERT ON orders.service_orders
  FOR EACH ROW EXECUTE FUNCTION orders.block_installation_until_tv();

-- BEFORE INSERT on a table of installation appointments: refuses the row while the order's
-- installation is blocked. Locks the order row FOR SHARE, so the TV cannot cancel the
-- installation between this check and the booking's commit. SQLSTATE AH001, DETAIL = reason.
CREATE FUNCTION orders.refuse_blocked_installation() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TABLE tv.visits (
  id                    UUID PRIMARY KEY,
  service_order_id      UUID NOT NULL REFERENCES orders.service_orders(id),
  process_instance_key  VARCHAR(40) NOT NULL CONSTRAINT uq_visits_process_instance UNIQUE,
  status                VARCHAR(20) NOT NULL CHECK (status IN ('scheduled', 'completed', 'cancelled')),
  due_by                TIMESTAMPTZ NOT NULL,
  technician_subject    VARCHAR(255),
  provider_id           UUID,
  appointment_at        TIMESTAMPTZ,
  assigned_by           VARCHAR(255),
  assigned_at           TIMESTAMPTZ,
  outcome               VARCHAR(10) CHECK (outcome IN ('YES', 'YES_BUT', 'NO')),
  notes                 TEXT,
  recorded_by           VARCHAR(255),
  recorded_at           TIMESTAMPTZ,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT ck_visits_assignment CHECK ((technician_subject IS NULL) = (provider_id IS NULL)
                                         AND (technician_subject IS NULL) = (appointment_at IS NULL)),
  CONSTRAINT ck_visits_outcome CHECK ((status = 'completed') = (outcome IS NOT NULL)
                                      AND (outcome IS NULL) = (recorded_at IS NULL))
);
CREATE UNIQUE INDEX uq_visits_pending_per_order ON tv.visits (service_order_id) WHERE status = 'scheduled';
CREATE INDEX idx_visits_order ON tv.visits (service_order_id, created_at DESC);
CREATE INDEX idx_visits_technician ON tv.visits (technician_subject) WHERE technician_subject IS NOT NULL;

CREATE TABLE tv.adjustments (
  visit_id               UUID PRIMARY KEY REFERENCES tv.visits(id),
  service_order_id       UUID NOT NULL REFERENCES orders.service_orders(id),
  -- [{ lineNo?, serviceProductCode?, change: add|remove|modify, quantity?, description }]
  lines                  JSONB NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
  extra_cost_minor       BIGINT NOT NULL CHECK (extra_cost_minor >= 0),
  currency               VARCHAR(3) NOT NULL,
  -- Set when the customer is asked (tv-request-adjustment-approval).
  approval_requested_at  TIMESTAMPTZ,
  answer_deadline        TIMESTAMPTZ,
  customer_answer        VARCHAR(10) CHECK (customer_answer IN ('accepted', 'refused')),
  customer_comment       TEXT,
  answered_at            TIMESTAMPTZ,
  created_at             TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT ck_adjustments_answer CHECK ((customer_answer IS NULL) = (answered_at IS NULL)),
  CONSTRAINT ck_adjustments_deadline CHECK ((approval_requested_at IS NULL) = (answer_deadline IS NULL))
);
CREATE INDEX idx_adjustments_order ON tv.adjustments (service_order_id);

-- Down Migration
DROP TABLE tv.adjustments;
DROP TABLE tv.visits;
DROP FUNCTION orders.refuse_blocked_installation();
DROP TRIGGER trg_service_orders_block_installation ON orders.service_orders;
DROP FUNCTION orders.block_installation_until_tv();
ALTER TABLE orders.service_orders DROP COLUMN installation_status;
DROP SCHEMA tv;
