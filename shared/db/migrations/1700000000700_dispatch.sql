-- Up Migration
-- Dispatch: who can do the work (providers, technicians, zones, skills, capacity, quality) and
-- how an order finds its provider (dispatch runs of the funnel, ranked candidates, offers,
-- assignments, exclusions, auto-accept policies). Field: appointments and on-site visits.
CREATE SCHEMA IF NOT EXISTS dispatch;
CREATE SCHEMA IF NOT EXISTS field;

CREATE TABLE dispatch.providers (
  id             UUID PRIMARY KEY,
  name           VARCHAR(200) NOT NULL,
  country_code   VARCHAR(2) NOT NULL REFERENCES org.countries(code),
  status         VARCHAR(20) NOT NULL CHECK (status IN ('onboarding', 'active', 'suspended')),
  -- 0..1, higher is better (rework rate, punctuality, customer ratings); explained in the ranking.
  quality_score  NUMERIC(4,3) NOT NULL DEFAULT 0.5 CHECK (quality_score BETWEEN 0 AND 1),
  -- Relative price level of the provider (1.0 = the country's reference tariff).
  cost_index     NUMERIC(4,2) NOT NULL DEFAULT 1.0 CHECK (cost_index > 0),
  created_at     TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- The business units and stores a provider works for (a provider with no store rows serves
-- every store of its business units).
CREATE TABLE dispatch.provider_business_units (
  provider_id       UUID NOT NULL REFERENCES dispatch.providers(id),
  business_unit_id  UUID NOT NULL REFERENCES org.business_units(id),
  PRIMARY KEY (provider_id, business_unit_id)
);
CREATE TABLE dispatch.provider_stores (
  provider_id  UUID NOT NULL REFERENCES dispatch.providers(id),
  store_id     UUID NOT NULL REFERENCES org.stores(id),
  PRIMARY KEY (provider_id, store_id)
);

-- Zones by postal code prefix ('28' = the whole Madrid province, '28009' one code);
-- priority 1 = the provider's home zone, higher = served but farther.
CREATE TABLE dispatch.provider_zones (
  provider_id         UUID NOT NULL REFERENCES dispatch.providers(id),
  postal_code_prefix  VARCHAR(10) NOT NULL,
  priority            SMALLINT NOT NULL DEFAULT 1 CHECK (priority BETWEEN 1 AND 9),
  PRIMARY KEY (provider_id, postal_code_prefix)
);

CREATE TABLE dispatch.technicians (
  id                    UUID PRIMARY KEY,
  provider_id           UUID NOT NULL REFERENCES dispatch.providers(id),
  -- The `sub` of the technician's access token.
  subject               VARCHAR(255) NOT NULL UNIQUE,
  display_name          VARCHAR(200) NOT NULL,
  skills                VARCHAR(50)[] NOT NULL DEFAULT '{}',
  -- Postal code prefixes the technician covers.
  zones                 VARCHAR(10)[] NOT NULL DEFAULT '{}',
  -- ISO weekdays worked (1 = Monday .. 7 = Sunday) and hours bookable per working day.
  working_days          SMALLINT[] NOT NULL DEFAULT '{1,2,3,4,5}',
  daily_capacity_hours  NUMERIC(4,1) NOT NULL DEFAULT 8 CHECK (daily_capacity_hours > 0 AND daily_capacity_hours <= 24),
  active                BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX idx_technicians_provider ON dispatch.technicians (provider_id);

-- Per country, optionally per business unit (a BU row overrides the country row).
CREATE TABLE dispatch.auto_accept_policies (
  id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  country_code      VARCHAR(2) NOT NULL REFERENCES org.countries(code),
  business_unit_id  UUID REFERENCES org.business_units(id),
  auto_accept       BOOLEAN NOT NULL,
  -- How long a provider has to answer an offer (ISO 8601 duration, e.g. PT4H).
  offer_timeout     VARCHAR(20) NOT NULL DEFAULT 'PT4H',
  -- How many of the best candidates are offered the job at once (first to accept wins).
  parallel_offers   SMALLINT NOT NULL DEFAULT 1 CHECK (parallel_offers BETWEEN 1 AND 10),
  UNIQUE NULLS NOT DISTINCT (country_code, business_unit_id)
);

-- One run of the funnel for an order (a withdrawal starts a new run).
CREATE TABLE dispatch.dispatches (
  id                    UUID PRIMARY KEY,
  service_order_id      UUID NOT NULL REFERENCES orders.service_orders(id),
  process_instance_key  VARCHAR(40),
  status                VARCHAR(20) NOT NULL CHECK (status IN ('searching', 'offering', 'assigned', 'manual', 'cancelled')),
  created_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_dispatches_order ON dispatch.dispatches (service_order_id);

-- The ranked, explained candidates of a run: why each provider is where it is.
CREATE TABLE dispatch.candidates (
  dispatch_id   UUID NOT NULL REFERENCES dispatch.dispatches(id),
  provider_id   UUID NOT NULL REFERENCES dispatch.providers(id),
  rank          SMALLINT NOT NULL,
  score         NUMERIC(6,4) NOT NULL,
  -- e.g. {"zonePriority":1,"quality":0.82,"load":0.25,"cost":1.0,"weights":{...},"parts":{...}}
  explanation   JSONB NOT NULL,
  PRIMARY KEY (dispatch_id, provider_id),
  UNIQUE (dispatch_id, rank)
);

CREATE TABLE dispatch.offers (
  id                UUID PRIMARY KEY,
  dispatch_id       UUID NOT NULL REFERENCES dispatch.dispatches(id),
  service_order_id  UUID NOT NULL REFERENCES orders.service_orders(id),
  provider_id       UUID NOT NULL REFERENCES dispatch.providers(id),
  status            VARCHAR(20) NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired', 'superseded')),
  expires_at        TIMESTAMPTZ NOT NULL,
  score             NUMERIC(6,4) NOT NULL,
  explanation       JSONB NOT NULL,
  decline_reason    VARCHAR(50),
  created_at        TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  answered_at       TIMESTAMPTZ,
  answered_by       VARCHAR(255)
);
CREATE INDEX idx_offers_provider_open ON dispatch.offers (provider_id, expires_at) WHERE status = 'open';
CREATE INDEX idx_offers_order ON dispatch.offers (service_order_id);

CREATE TABLE dispatch.assignments (
  id                UUID PRIMARY KEY,
  service_order_id  UUID NOT NULL REFERENCES orders.service_orders(id),
  provider_id       UUID NOT NULL REFERENCES dispatch.providers(id),
  dispatch_id       UUID REFERENCES dispatch.dispatches(id),
  offer_id          UUID REFERENCES dispatch.offers(id),
  technician_id     UUID REFERENCES dispatch.technicians(id),
  source            VARCHAR(20) NOT NULL CHECK (source IN ('offer', 'auto-accept', 'manual')),
  status            VARCHAR(20) NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
  confirmed_at      TIMESTAMPTZ NOT NULL,
  cancelled_at      TIMESTAMPTZ,
  cancel_reason     VARCHAR(50)
);
-- At most one live assignment per order.
CREATE UNIQUE INDEX uq_assignments_live ON dispatch.assignments (service_order_id) WHERE status = 'confirmed';
CREATE INDEX idx_assignments_provider ON dispatch.assignments (provider_id) WHERE status = 'confirmed';

-- Providers not to offer this order again (declined, withdrew, excluded by an operator).
CREATE TABLE dispatch.exclusions (
  service_order_id  UUID NOT NULL REFERENCES orders.service_orders(id),
  provider_id       UUID NOT NULL REFERENCES dispatch.providers(id),
  reason            VARCHAR(50) NOT NULL,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (service_order_id, provider_id)
);

-- Field: the appointment agreed with the customer, and what happened on site.
CREATE TABLE field.appointments (
  id                UUID PRIMARY KEY,
  service_order_id  UUID NOT NULL REFERENCES orders.service_orders(id),
  assignment_id     UUID NOT NULL REFERENCES dispatch.assignments(id),
  technician_id     UUID NOT NULL REFERENCES dispatch.technicians(id),
  starts_at         TIMESTAMPTZ NOT NULL,
  ends_at           TIMESTAMPTZ NOT NULL CHECK (ends_at > starts_at),
  status            VARCHAR(20) NOT NULL CHECK (status IN ('booked', 'checked-in', 'done', 'cancelled')),
  created_at        TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_appointments_technician_day ON field.appointments (technician_id, starts_at) WHERE status <> 'cancelled';
-- The installation of an order blocked by its technical visit cannot be booked, whoever writes.
CREATE TRIGGER refuse_blocked_installation BEFORE INSERT ON field.appointments
  FOR EACH ROW EXECUTE FUNCTION orders.refuse_blocked_installation();

CREATE TABLE field.visits (
  appointment_id    UUID PRIMARY KEY REFERENCES field.appointments(id),
  checked_in_at     TIMESTAMPTZ NOT NULL,
  check_in_lat      DOUBLE PRECISION NOT NULL CHECK (check_in_lat BETWEEN -90 AND 90),
  check_in_lon      DOUBLE PRECISION NOT NULL CHECK (check_in_lon BETWEEN -180 AND 180),
  -- Distance to the customer's address and whether it is within the geofence tolerance.
  distance_m        INTEGER,
  within_geofence   BOOLEAN,
  -- early / on-time / late against the booked slot, and by how many minutes.
  punctuality       VARCHAR(10) NOT NULL CHECK (punctuality IN ('early', 'on-time', 'late')),
  minutes_off       INTEGER NOT NULL,
  checked_out_at    TIMESTAMPTZ,
  work_summary      TEXT,
  materials         JSONB,
  photo_refs        JSONB,
  -- The customer's canvas signature (PNG data URL, size-limited by the function): acknowledgement, not an e-signature.
  signature_png     TEXT
);

-- Down Migration
DROP TABLE field.visits;
DROP TABLE field.appointments;
DROP TABLE dispatch.exclusions;
DROP TABLE dispatch.assignments;
DROP TABLE dispatch.offers;
DROP TABLE dispatch.candidates;
DROP TABLE dispatch.dispatches;
DROP TABLE dispatch.auto_accept_policies;
DROP TABLE dispatch.technicians;
DROP TABLE dispatch.provider_zones;
DROP TABLE dispatch.provider_stores;
DROP TABLE dispatch.provider_business_units;
DROP TABLE dispatch.providers;
DROP SCHEMA field;
DROP SCHEMA dispatch;
