-- Up Migration
-- The technician's "on my way" (functions/field-visits POST /appointments/:id/on-my-way): when
-- they last said so, the ETA they gave (minutes) and the arrival the customer was told of; a new
-- "on my way" (a new ETA) overwrites them.
ALTER TABLE field.appointments
  ADD COLUMN on_my_way_at         TIMESTAMPTZ,
  ADD COLUMN eta_minutes          INTEGER CHECK (eta_minutes BETWEEN 1 AND 240),
  ADD COLUMN expected_arrival_at  TIMESTAMPTZ;

-- The customer's answer to the satisfaction survey sent when the order closes (signed link,
-- purpose 'survey'): one per order, given once.
CREATE TABLE orders.satisfaction_surveys (
  service_order_id  UUID PRIMARY KEY REFERENCES orders.service_orders(id),
  rating            SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment           VARCHAR(2000),
  answered_at       TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Down Migration
DROP TABLE orders.satisfaction_surveys;
ALTER TABLE field.appointments DROP COLUMN expected_arrival_at, DROP COLUMN eta_minutes, DROP COLUMN on_my_way_at;
