import { messages } from '../../bpmn/contract';
import type { EventData, installationUnblocked, serviceOrderUpdated, ServiceOrderSnapshot } from '../../events';
import { lockOrderForStart, recordClosure, recordStart, type OrderForStart } from '../../shared/domain/workflow-starts';
import type { EventContext, EventOutcome } from '../../shared/event-function';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';

/**
 * An order is ready to be contracted once nothing but its contract blocks its installation:
 * right after intake when it needs no technical visit, or once its TV unblocked it (YES, or
 * YES_BUT accepted — the adjusted price then goes into the contract). Its events arrive on three
 * topics in any order, so, as dispatch-start does, every handler locks the order and decides from
 * its current row and from what was already asked (contracts.contract_requests): one contract
 * workflow per order at most, and its closure once the order is cancelled.
 */
export type OrderState = Pick<OrderForStart, 'status' | 'installationStatus' | 'contractStatus' | 'requested' | 'closed'>;

export type ContractDecision = { action: 'start' } | { action: 'close' } | { action: 'none'; reason: string };

export function decide(order: OrderState): ContractDecision {
  if (order.status === 'CANCELLED') return order.closed ? { action: 'none', reason: 'service order cancelled' } : { action: 'close' };
  if (order.closed) return { action: 'none', reason: 'contract closed' };
  if (order.requested) return { action: 'none', reason: 'contract already requested' };
  if (order.contractStatus !== 'awaiting-signature') return { action: 'none', reason: `contract ${order.contractStatus}` };
  if (order.installationStatus === 'cancelled') return { action: 'none', reason: 'installation cancelled by its technical visit' };
  if (order.installationStatus !== 'ready') return { action: 'none', reason: 'installation awaits its technical visit' };
  return { action: 'start' };
}

/** Brings the order's contract workflow where the order's current state says (lockOrderForStart retries an order older than its event). */
async function reconcile(ctx: EventContext, orderId: string, revision?: number): Promise<EventOutcome> {
  const order = await lockOrderForStart(ctx.tx, 'contracts.contract_requests', orderId, revision);
  const decision = decide(order);
  switch (decision.action) {
    case 'none':
      return { result: 'ignored', reason: decision.reason };
    case 'start':
      await recordStart(ctx.tx, 'contracts.contract_requests', orderId);
      await requestWorkflowMessage(
        ctx.outbox,
        messages.contractRequested,
        orderId,
        { orderId, country: order.country, businessUnit: order.businessUnit, store: order.store },
        { messageId: `contract-requested:${orderId}` },
      );
      return { result: 'applied', detail: { serviceOrderId: orderId } };
    case 'close':
      await recordClosure(ctx.tx, 'contracts.contract_requests', orderId);
      if (!order.requested) return { result: 'applied', detail: { serviceOrderId: orderId, closure: 'before any contract' } };
      await requestWorkflowMessage(ctx.outbox, messages.contractOrderCancelled, orderId, {}, { messageId: `contract-order-cancelled:${orderId}` });
      return { result: 'applied', detail: { serviceOrderId: orderId, closure: 'order-cancelled' } };
  }
}

/** orders.service-order.created: an order that needs no technical visit is contracted at once. */
export const startOnCreated = (order: ServiceOrderSnapshot, ctx: EventContext) => reconcile(ctx, order.serviceOrderId, order.revision);

/** orders.installation.unblocked: the technical visit said go (or its adjustments were accepted). */
export const startOnUnblocked = (event: EventData<typeof installationUnblocked>, ctx: EventContext) => reconcile(ctx, event.serviceOrderId);

/** orders.service-order.updated: a cancelled order's contract is recalled and closed (message contract-order-cancelled), once. */
export const closeOnCancelled = (order: EventData<typeof serviceOrderUpdated>, ctx: EventContext) => reconcile(ctx, order.serviceOrderId, order.revision);
