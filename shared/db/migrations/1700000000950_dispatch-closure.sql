-- Up Migration
-- The funnel lives until its order is closed (bpmn/assignment.bpmn, message dispatch-order-closed):
-- an order cancelled withdraws its open offers and cancels its assignment; an order worked
-- (the technician checked out) completes its assignment, which can then no longer be withdrawn.
ALTER TABLE dispatch.offers DROP CONSTRAINT offers_status_check;
ALTER TABLE dispatch.offers ADD CONSTRAINT offers_status_check
  CHECK (status IN ('open', 'accepted', 'declined', 'expired', 'superseded', 'withdrawn'));
ALTER TABLE dispatch.assignments DROP CONSTRAINT assignments_status_check;
ALTER TABLE dispatch.assignments ADD CONSTRAINT assignments_status_check
  CHECK (status IN ('confirmed', 'cancelled', 'completed'));
ALTER TABLE dispatch.assignments ADD COLUMN completed_at TIMESTAMPTZ;

-- Down Migration
ALTER TABLE dispatch.assignments DROP COLUMN completed_at;
ALTER TABLE dispatch.assignments DROP CONSTRAINT assignments_status_check;
ALTER TABLE dispatch.assignments ADD CONSTRAINT assignments_status_check CHECK (status IN ('confirmed', 'cancelled'));
ALTER TABLE dispatch.offers DROP CONSTRAINT offers_status_check;
ALTER TABLE dispatch.offers ADD CONSTRAINT offers_status_check CHECK (status IN ('open', 'accepted', 'declined', 'expired', 'superseded'));
