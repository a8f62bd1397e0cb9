-- Up Migration
-- Service products and their codes in each sales system, customers, service orders
-- (with the sales-system columns and indexes of the intake contract), lines and the
-- links between orders of the same customer across channels.
CREATE SCHEMA IF NOT EXISTS orders;

CREATE TABLE orders.service_products (
  code                      VARCHAR(100) PRIMARY KEY,
  name                      VARCHAR(200) NOT NULL,
  skills                    TEXT[] NOT NULL DEFAULT '{}',
  technical_visit_required  BOOLEAN NOT NULL,
  duration_hours            NUMERIC(6, 2) NOT NULL
);

CREATE TABLE orders.product_code_mappings (
  sales_system          VARCHAR(50) NOT NULL REFERENCES org.sales_systems(code),
  sales_product_code    VARCHAR(100) NOT NULL,
  service_product_code  VARCHAR(100) NOT NULL REFERENCES orders.service_products(code),
  PRIMARY KEY (sales_system, sales_product_code)
);

CREATE TABLE orders.customers (
  id                    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  sales_system          VARCHAR(50) NOT NULL,
  external_customer_id  VARCHAR(255) NOT NULL,
  country_code          VARCHAR(2) NOT NULL,
  full_name             VARCHAR(300) NOT NULL,
  phone                 VARCHAR(50),
  email                 VARCHAR(320),
  language              VARCHAR(5),
  street                VARCHAR(300) NOT NULL,
  postal_code           VARCHAR(20) NOT NULL,
  city                  VARCHAR(100) NOT NULL,
  latitude              DOUBLE PRECISION,
  longitude             DOUBLE PRECISION,
  -- Normalised keys used to reconcile one person across channels and customer ids.
  contact_keys          TEXT[] NOT NULL DEFAULT '{}',
  address_key           VARCHAR(400) NOT NULL,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  UNIQUE (sales_system, external_customer_id)
);
CREATE INDEX idx_customers_address_key ON orders.customers (address_key);

CREATE TABLE orders.service_orders (
  id                        UUID PRIMARY KEY,
  status                    VARCHAR(30) NOT NULL CHECK (status IN ('CREATED', 'CANCELLED')),
  country_code              VARCHAR(2) NOT NULL REFERENCES org.countries(code),
  business_unit_id          UUID NOT NULL REFERENCES org.business_units(id),
  store_id                  UUID NOT NULL REFERENCES org.stores(id),
  customer_id               UUID NOT NULL REFERENCES orders.customers(id),
  provider_id               UUID,
  revision                  INTEGER NOT NULL,
  requested_from            DATE,
  requested_to              DATE,
  technical_visit_required  BOOLEAN NOT NULL,
  skills                    TEXT[] NOT NULL DEFAULT '{}',
  contact_deadline          TIMESTAMPTZ NOT NULL,
  sold_at                   TIMESTAMPTZ NOT NULL,
  created_at                TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at                TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  sales_system              VARCHAR(50), -- 'PYXIS', 'TEMPO'
  sales_channel             VARCHAR(50), -- 'IN_STORE', 'ONLINE', 'PHONE', 'PARTNER'
  sales_order_id            VARCHAR(255),
  sales_order_metadata      JSONB,
  CONSTRAINT uq_service_orders_sale UNIQUE (sales_system, sales_order_id)
);
CREATE INDEX idx_service_orders_sales_system ON orders.service_orders(sales_system);
CREATE INDEX idx_service_orders_sales_channel ON orders.service_orders(sales_channel);
CREATE INDEX idx_service_orders_sales_order_id ON orders.service_orders(sales_order_id);
CREATE INDEX idx_service_orders_scope ON orders.service_orders (country_code, business_unit_id, store_id, created_at DESC);
CREATE INDEX idx_service_orders_provider ON orders.service_orders (provider_id) WHERE provider_id IS NOT NULL;

CREATE TABLE orders.service_order_lines (
  service_order_id      UUID NOT NULL REFERENCES orders.service_orders(id) ON DELETE CASCADE,
  line_no               INTEGER NOT NULL,
  service_product_code  VARCHAR(100) NOT NULL REFERENCES orders.service_products(code),
  sales_product_code    VARCHAR(100) NOT NULL,
  description           VARCHAR(500),
  quantity              NUMERIC(10, 2) NOT NULL,
  unit_price_minor      BIGINT NOT NULL,
  currency              VARCHAR(3) NOT NULL,
  PRIMARY KEY (service_order_id, line_no)
);

-- Orders of the same person at the same address, found across channels and customer ids.
-- Stored in both directions so either order lists the other.
CREATE TABLE orders.service_order_links (
  service_order_id         UUID NOT NULL REFERENCES orders.service_orders(id) ON DELETE CASCADE,
  linked_service_order_id  UUID NOT NULL REFERENCES orders.service_orders(id) ON DELETE CASCADE,
  reason                   VARCHAR(100) NOT NULL,
  created_at               TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (service_order_id, linked_service_order_id)
);

-- Down Migration
DROP TABLE orders.service_order_links;
DROP TABLE orders.service_order_lines;
DROP TABLE orders.service_orders;
DROP TABLE orders.customers;
DROP TABLE orders.product_code_mappings;
DROP TABLE orders.service_products;
DROP SCHEMA orders;
