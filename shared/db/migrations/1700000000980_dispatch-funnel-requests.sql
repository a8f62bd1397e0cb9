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

-- What was asked before this table: the funnels run (dispatch.dispatches) or requested, and the
-- closures requested, as the outbox still holds them (dispatch-start's message ids).
INSERT INTO dispatch.funnel_requests (service_order_id, requested_at, closed_at)
SELECT id, requested_at, closed_at FROM (
  SELECT o.id,
         LEAST((SELECT MIN(d.created_at) FROM dispatch.dispatches d WHERE d.service_order_id = o.id),
               (SELECT MIN(x.created_at) FROM platform.outbox x
                 WHERE x.partition_key = o.id::text AND x.type = 'ahs.platform.workflow-message.requested'
                   AND x.data->>'messageId' = 'dispatch-requested:' || o.id::text)) AS requested_at,
         (SELECT MIN(x.created_at) FROM platform.outbox x
           WHERE x.partition_key = o.id::text AND x.type = 'ahs.platform.workflow-message.requested'
             AND x.data->>'messageId' = 'order-closed:' || o.id::text) AS closed_at
    FROM orders.service_orders o
) asked
WHERE requested_at IS NOT NULL OR closed_at IS NOT NULL;

-- Down Migration
DROP TABLE dispatch.funnel_requests;
