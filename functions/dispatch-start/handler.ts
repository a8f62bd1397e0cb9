import { messages } from '../../bpmn/contract';
import type { EventData, installationUnblocked, serviceOrderUpdated, ServiceOrderSnapshot } from '../../events';
import type { EventContext, EventOutcome } from '../../shared/event-function';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';

interface FunnelScope {
  orderId: string;
  country: string;
  businessUnit: string;
  store: string;
}

/** Whether a new order is dispatched now: not cancelled, and its installation not awaiting a TV. */
export function decideCreated(order: ServiceOrderSnapshot): EventOutcome {
  if (order.status === 'CANCELLED') return { result: 'ignored', reason: 'service order cancelled' };
  if (order.technicalVisitRequired) return { result: 'ignored', reason: 'installation awaits its technical visit' };
  return { result: 'applied', detail: { serviceOrderId: order.serviceOrderId } };
}

/**
 * Requests `dispatch-requested` (the funnel's message start, one funnel per order), correlated
 * by the order id, in the inbox transaction; workflow-messages publishes it once committed.
 */
function requestDispatch(ctx: EventContext, scope: FunnelScope) {
  return requestWorkflowMessage(ctx.outbox, messages.dispatchRequested, scope.orderId, { ...scope }, { messageId: `dispatch-requested:${scope.orderId}` });
}

/** orders.service-order.created: an order that needs no technical visit is dispatched at once. */
export function makeStartOnCreated() {
  return async (order: ServiceOrderSnapshot, ctx: EventContext): Promise<EventOutcome> => {
    const decision = decideCreated(order);
    if (decision.result !== 'applied') return decision;
    await requestDispatch(ctx, { orderId: order.serviceOrderId, country: order.countryCode, businessUnit: order.businessUnitCode, store: order.storeCode });
    return decision;
  };
}

/** orders.installation.unblocked: the technical visit said go; the order is dispatched unless cancelled since. */
export function makeStartOnUnblocked() {
  return async (event: EventData<typeof installationUnblocked>, ctx: EventContext): Promise<EventOutcome> => {
    const { rows: [order] } = await ctx.tx.query<{ status: string; installation_status: string; country: string; business_unit: string; store: string }>(
      `SELECT o.status, o.installation_status, o.country_code AS country, bu.code AS business_unit, s.code AS store
         FROM orders.service_orders o JOIN org.business_units bu ON bu.id = o.business_unit_id JOIN org.stores s ON s.id = o.store_id
        WHERE o.id = $1`, [event.serviceOrderId]);
    if (!order) return { result: 'ignored', reason: 'unknown service order' };
    if (order.status === 'CANCELLED' || order.installation_status === 'cancelled') return { result: 'ignored', reason: 'service order cancelled' };
    if (order.installation_status !== 'ready') return { result: 'ignored', reason: 'installation awaits its technical visit' };
    await requestDispatch(ctx, { orderId: event.serviceOrderId, country: order.country, businessUnit: order.business_unit, store: order.store });
    return { result: 'applied', detail: { serviceOrderId: event.serviceOrderId } };
  };
}

/**
 * orders.service-order.updated: a cancelled order closes its funnel (message dispatch-order-closed,
 * closure `cancelled`): open offers are withdrawn and the assignment cancelled with its booked
 * appointment. Other changes do not concern dispatch. One closure per order (message id), so a
 * replayed or repeated cancellation is published once.
 */
export function makeCloseOnCancelled() {
  return async (order: EventData<typeof serviceOrderUpdated>, ctx: EventContext): Promise<EventOutcome> => {
    if (order.status !== 'CANCELLED') return { result: 'ignored', reason: 'not a cancellation' };
    await requestWorkflowMessage(ctx.outbox, messages.dispatchOrderClosed, order.serviceOrderId, { closure: 'cancelled' }, { messageId: `order-closed:${order.serviceOrderId}` });
    return { result: 'applied', detail: { serviceOrderId: order.serviceOrderId, closure: 'cancelled' } };
  };
}
