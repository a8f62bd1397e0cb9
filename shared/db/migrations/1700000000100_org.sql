-- Up Migration
-- Country -> business unit -> store, the sales systems and which BU sells through which,
-- and the per-channel SLA rules.
CREATE SCHEMA IF NOT EXISTS org;

CREATE TABLE org.countries (
  code              VARCHAR(2) PRIMARY KEY,
  name              VARCHAR(100) NOT NULL,
  default_currency  VARCHAR(3) NOT NULL,
  default_language  VARCHAR(5) NOT NULL,
  timezone          VARCHAR(50) NOT NULL,
  phone_prefix      VARCHAR(5) NOT NULL
);

CREATE TABLE org.business_units (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  code          VARCHAR(50) UNIQUE NOT NULL,
  name          VARCHAR(200) NOT NULL,
  country_code  VARCHAR(2) NOT NULL REFERENCES org.countries(code),
  created_at    TIMESTAMP DEFAULT NOW()
);

CREATE TABLE org.stores (
  id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  code              VARCHAR(50) UNIQUE NOT NULL,
  name              VARCHAR(200) NOT NULL,
  business_unit_id  UUID NOT NULL REFERENCES org.business_units(id),
  postal_code       VARCHAR(20),
  city              VARCHAR(100),
  is_active         BOOLEAN NOT NULL DEFAULT true,
  created_at        TIMESTAMP DEFAULT NOW()
);
CREATE INDEX idx_stores_business_unit ON org.stores(business_unit_id);

CREATE TABLE org.sales_systems (
  id             UUID PRIMARY KEY,
  name           VARCHAR(100) NOT NULL,
  code           VARCHAR(50) UNIQUE NOT NULL,
  country_codes  VARCHAR(2)[] NOT NULL,
  api_endpoint   VARCHAR(500),
  is_active      BOOLEAN DEFAULT true,
  configuration  JSONB,
  created_at     TIMESTAMP DEFAULT NOW(),
  updated_at     TIMESTAMP DEFAULT NOW()
);

CREATE TABLE org.business_unit_sales_systems (
  id                UUID PRIMARY KEY,
  business_unit_id  UUID REFERENCES org.business_units(id),
  sales_system_id   UUID REFERENCES org.sales_systems(id),
  is_primary        BOOLEAN DEFAULT false,
  configuration     JSONB,
  UNIQUE (business_unit_id, sales_system_id)
);

-- How soon the customer must be contacted after a sale, per channel; a country row
-- overrides the default row (country_code NULL).
CREATE TABLE org.channel_sla_rules (
  id                    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  country_code          VARCHAR(2) REFERENCES org.countries(code),
  sales_channel         VARCHAR(50) NOT NULL
    CHECK (sales_channel IN ('IN_STORE', 'ONLINE', 'PHONE', 'PARTNER')),
  first_contact_hours   INTEGER NOT NULL CHECK (first_contact_hours > 0),
  description           VARCHAR(300)
);
CREATE UNIQUE INDEX uq_channel_sla_rules ON org.channel_sla_rules (COALESCE(country_code, '--'), sales_channel);

-- Down Migration
DROP TABLE org.channel_sla_rules;
DROP TABLE org.business_unit_sales_systems;
DROP TABLE org.sales_systems;
DROP TABLE org.stores;
DROP TABLE org.business_units;
DROP TABLE org.countries;
DROP SCHEMA org;
