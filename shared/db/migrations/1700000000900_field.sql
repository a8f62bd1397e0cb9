-- Up Migration
-- Field work, what the mobile functions record beyond the 700 schema: who booked a slot; who
-- checked in and out, when the server heard of it (the app may send device time from offline),
-- the GPS accuracy and the geofence tolerance applied; the fingerprint of the customer's canvas
-- signature (the events carry it instead of the image).
ALTER TABLE field.appointments
  ADD COLUMN booked_by        VARCHAR(255),
  ADD COLUMN duration_source  VARCHAR(10) CHECK (duration_source IN ('requested', 'products'));
-- One live appointment per order at a time (a multi-day job books its next day after check-out).
CREATE UNIQUE INDEX uq_appointments_live ON field.appointments (service_order_id) WHERE status IN ('booked', 'checked-in');

ALTER TABLE field.visits
  ADD COLUMN checked_in_by          VARCHAR(255),
  ADD COLUMN check_in_received_at   TIMESTAMPTZ,
  ADD COLUMN check_in_accuracy_m    DOUBLE PRECISION CHECK (check_in_accuracy_m >= 0),
  ADD COLUMN geofence_tolerance_m   INTEGER,
  ADD COLUMN checked_out_by         VARCHAR(255),
  ADD COLUMN check_out_received_at  TIMESTAMPTZ,
  ADD COLUMN signature_bytes        INTEGER,
  ADD COLUMN signature_sha256       CHAR(64);

-- Down Migration
ALTER TABLE field.visits
  DROP COLUMN signature_sha256, DROP COLUMN signature_bytes, DROP COLUMN check_out_received_at, DROP COLUMN checked_out_by,
  DROP COLUMN geofence_tolerance_m, DROP COLUMN check_in_accuracy_m, DROP COLUMN check_in_received_at, DROP COLUMN checked_in_by;
DROP INDEX field.uq_appointments_live;
ALTER TABLE field.appointments DROP COLUMN duration_source, DROP COLUMN booked_by;
