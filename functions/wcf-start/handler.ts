import { messages } from '../../bpmn/contract';
import type { EventData, fieldWorkCompleted } from '../../events';
import { RetryableError } from '../../shared/errors';
import type { EventContext, EventOutcome } from '../../shared/event-function';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';

type WorkCompleted = EventData<typeof fieldWorkCompleted>;

interface OrderForWcf {
  status: 'CREATED' | 'CANCELLED';
  kind: 'installation' | 'claim-visit' | 'repair';
  country: string;
  businessUnit: string;
  store: string;
  requested: boolean;
}

/**
 * field.work.completed: the technician marked the order's work complete. The order's Work
 * Closing Form workflow is started once (wcf.requests): a later completion (a re-work visit's
 * check-out, a redelivery) changes nothing — the re-work rounds live inside that workflow. The
 * start message carries the order's scope, which the operators' tasks are grouped by. An
 * expert's claim visit closes with its findings, not a form: it has none (a repair has one).
 */
export async function startOnWorkCompleted(event: WorkCompleted, { tx, outbox }: EventContext): Promise<EventOutcome> {
  const orderId = event.serviceOrderId;
  const {
    rows: [order],
  } = await tx.query<OrderForWcf>(
    `SELECT o.status, o.kind, o.country_code AS country, bu.code AS "businessUnit", s.code AS store, r.service_order_id IS NOT NULL AS requested
       FROM orders.service_orders o
       JOIN org.business_units bu ON bu.id = o.business_unit_id
       JOIN org.stores s ON s.id = o.store_id
       LEFT JOIN wcf.requests r ON r.service_order_id = o.id
      WHERE o.id = $1
        FOR NO KEY UPDATE OF o`,
    [orderId],
  );
  if (!order) throw new RetryableError(`service order ${orderId} is not known yet`);
  if (order.requested) return { result: 'ignored', reason: 'work closing already requested' };
  if (order.status === 'CANCELLED') return { result: 'ignored', reason: 'service order cancelled' };
  if (order.kind === 'claim-visit') return { result: 'ignored', reason: "a claim's expert visit has no closing form" };
  await tx.query('INSERT INTO wcf.requests (service_order_id, appointment_id, work_completed_at) VALUES ($1, $2, $3)', [
    orderId,
    event.appointmentId,
    event.completedAt,
  ]);
  await requestWorkflowMessage(
    outbox,
    messages.wcfRequested,
    orderId,
    { orderId, country: order.country, businessUnit: order.businessUnit, store: order.store },
    { messageId: `wcf-requested:${orderId}` },
  );
  return { result: 'applied', detail: { serviceOrderId: orderId } };
}
