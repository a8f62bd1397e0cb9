-- Up Migration
-- What dispatch-start asked of each order's dispatch funnel (bpmn/assignment.bpmn). An order's
-- events reach it on three topics (orders.service-order.created / .updated,
-- orders.installation.unblocked) with no order between them, so each one decides from the
-- order's current row and this one: whatever the arrival order, one funnel is started at most,
-- none for a cancelled order, and the one started is closed when the order is cancelled.
CREATE TABLE dispatch.funnel_requests (
  service_order_id  UUID PRIMARY KEY REFERENCES orders.service_orders(id),
  -- When dispatch-requested (the funnel's message start) was requested; NULL: never.
  requested_at      TIMESTAMPTZ,
  -- When dispatch-order-closed (closure cancelled) was requested, started funnel or not; no
  -- funnel is started after it.
  closed_at         TIMESTAMPTZ,
  CHECK (requested_at IS NOT NULL OR closed_at IS NOT NULL)
);

-- Down Migration
DROP TABLE dispatch.funnel_requests;
