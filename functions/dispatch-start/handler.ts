import { messages } from '../../bpmn/contract';
import type { EventData, installationUnblocked, serviceOrderUpdated, ServiceOrderSnapshot } from '../../events';
import type { InstallationStatus } from '../../shared/domain/installation-gate';
import { lockOrderForStart, recordClosure, recordStart } from '../../shared/domain/workflow-starts';
import type { EventContext, EventOutcome } from '../../shared/event-function';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';

/**
 * An order's events reach dispatch-start on three topics — orders.service-order.created,
 * orders.service-order.updated, orders.installation.unblocked — and Kafka keeps no order between
 * topics: a cancellation or an unblocking may arrive before the creation. So no handler acts on
 * what its event says alone: each one locks the order and decides from its current row (never
 * older than the event, which the orders domain wrote in the same transaction) and from what
 * dispatch-start already asked of its funnel (dispatch.funnel_requests). Whatever the arrival
 * order, one funnel is started at most, only for an order that is not cancelled and whose
 * installation is ready, and once the order is cancelled its closure is requested (once).
 */

/** The order as dispatch-start decides on it: its current row and what was asked of its funnel. */
export interface OrderState {
  status: 'CREATED' | 'CANCELLED';
  installationStatus: InstallationStatus;
  funnelRequested: boolean;
  funnelClosed: boolean;
}

export type FunnelDecision = { action: 'start' } | { action: 'close' } | { action: 'none'; reason: string };

/**
 * What an order needs from its funnel now. Cancelled: closed, once (a closure requested before
 * any funnel started is kept by the engine for its time to live and ends nothing; no funnel is
 * started after it). Not cancelled: started once its installation is ready, and only once.
 */
export function decide(order: OrderState): FunnelDecision {
  if (order.status === 'CANCELLED') {
    return order.funnelClosed ? { action: 'none', reason: 'service order cancelled' } : { action: 'close' };
  }
  if (order.funnelClosed) return { action: 'none', reason: 'dispatch closed' };
  if (order.funnelRequested) return { action: 'none', reason: 'dispatch already requested' };
  if (order.installationStatus === 'cancelled') return { action: 'none', reason: 'installation cancelled by its technical visit' };
  if (order.installationStatus !== 'ready') return { action: 'none', reason: 'installation awaits its technical visit' };
  return { action: 'start' };
}

/**
 * Brings the order's funnel where the order's current state says. `revision`: the order revision
 * the event carries (lockOrderForStart retries an order read older than it).
 */
async function reconcile(ctx: EventContext, orderId: string, revision?: number): Promise<EventOutcome> {
  const order = await lockOrderForStart(ctx.tx, 'dispatch.funnel_requests', orderId, revision);
  const decision = decide({
    status: order.status,
    installationStatus: order.installationStatus,
    funnelRequested: order.requested,
    funnelClosed: order.closed,
  });
  switch (decision.action) {
    case 'none':
      return { result: 'ignored', reason: decision.reason };
    case 'start':
      await recordStart(ctx.tx, 'dispatch.funnel_requests', orderId);
      await requestWorkflowMessage(
        ctx.outbox,
        messages.dispatchRequested,
        orderId,
        { orderId, country: order.country, businessUnit: order.businessUnit, store: order.store },
        { messageId: `dispatch-requested:${orderId}` },
      );
      return { result: 'applied', detail: { serviceOrderId: orderId } };
    case 'close':
      await recordClosure(ctx.tx, 'dispatch.funnel_requests', orderId);
      await requestWorkflowMessage(ctx.outbox, messages.dispatchOrderClosed, orderId, { closure: 'cancelled' }, { messageId: `order-closed:${orderId}` });
      return { result: 'applied', detail: { serviceOrderId: orderId, closure: 'cancelled' } };
  }
}

/** orders.service-order.created: an order that needs no technical visit is dispatched at once (funnel message dispatch-requested). */
export function makeStartOnCreated() {
  return (order: ServiceOrderSnapshot, ctx: EventContext): Promise<EventOutcome> => reconcile(ctx, order.serviceOrderId, order.revision);
}

/** orders.installation.unblocked: the technical visit said go; the order is dispatched unless cancelled. */
export function makeStartOnUnblocked() {
  return (event: EventData<typeof installationUnblocked>, ctx: EventContext): Promise<EventOutcome> => reconcile(ctx, event.serviceOrderId);
}

/**
 * orders.service-order.updated: a cancelled order closes its funnel (message dispatch-order-closed,
 * closure `cancelled`): open offers are withdrawn and the assignment cancelled with its booked
 * appointment. One closure per order (message id), so a replayed or repeated cancellation is
 * requested once. An update that arrives before the creation does what the creation would have.
 */
export function makeCloseOnCancelled() {
  return (order: EventData<typeof serviceOrderUpdated>, ctx: EventContext): Promise<EventOutcome> => reconcile(ctx, order.serviceOrderId, order.revision);
}
