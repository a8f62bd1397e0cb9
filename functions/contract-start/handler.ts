import { messages } from '../../bpmn/contract';
import type { EventData, installationUnblocked, serviceOrderUpdated, ServiceOrderSnapshot } from '../../events';
import type { DbClient } from '../../shared/db';
import type { ContractStatus, InstallationStatus } from '../../shared/domain/installation-gate';
import { RetryableError } from '../../shared/errors';
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
export interface OrderState {
  status: 'CREATED' | 'CANCELLED';
  installationStatus: InstallationStatus;
  contractStatus: ContractStatus;
  requested: boolean;
  closed: boolean;
}

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

interface OrderRow {
  status: OrderState['status'];
  installation_status: InstallationStatus;
  contract_status: ContractStatus;
  revision: number;
  country: string;
  business_unit: string;
  store: string;
  requested: boolean;
  closed: boolean;
}

async function lockOrder(tx: DbClient, orderId: string): Promise<OrderRow | undefined> {
  const {
    rows: [row],
  } = await tx.query<OrderRow>(
    `SELECT o.status, o.installation_status, o.contract_status, o.revision, o.country_code AS country, bu.code AS business_unit, s.code AS store,
            r.requested_at IS NOT NULL AS requested, r.closed_at IS NOT NULL AS closed
       FROM orders.service_orders o
       JOIN org.business_units bu ON bu.id = o.business_unit_id
       JOIN org.stores s ON s.id = o.store_id
       LEFT JOIN contracts.contract_requests r ON r.service_order_id = o.id
      WHERE o.id = $1
        FOR NO KEY UPDATE OF o`,
    [orderId],
  );
  return row;
}

/**
 * Brings the order's contract workflow where the order's current state says; an order read older
 * than its event (or not there yet) is retried (503) until the state has caught up.
 */
async function reconcile(ctx: EventContext, orderId: string, revision?: number): Promise<EventOutcome> {
  const order = await lockOrder(ctx.tx, orderId);
  if (!order) throw new RetryableError(`service order ${orderId} is not known yet`);
  if (revision !== undefined && revision > order.revision) {
    throw new RetryableError(`service order ${orderId} is at revision ${order.revision}, older than the event's ${revision}`);
  }
  const decision = decide({
    status: order.status,
    installationStatus: order.installation_status,
    contractStatus: order.contract_status,
    requested: order.requested,
    closed: order.closed,
  });
  switch (decision.action) {
    case 'none':
      return { result: 'ignored', reason: decision.reason };
    case 'start':
      await ctx.tx.query('INSERT INTO contracts.contract_requests (service_order_id, requested_at) VALUES ($1, NOW())', [orderId]);
      await requestWorkflowMessage(
        ctx.outbox,
        messages.contractRequested,
        orderId,
        { orderId, country: order.country, businessUnit: order.business_unit, store: order.store },
        { messageId: `contract-requested:${orderId}` },
      );
      return { result: 'applied', detail: { serviceOrderId: orderId } };
    case 'close':
      await ctx.tx.query(
        `INSERT INTO contracts.contract_requests (service_order_id, requested_at, closed_at) VALUES ($1, NULL, NOW())
         ON CONFLICT (service_order_id) DO UPDATE SET closed_at = NOW()`,
        [orderId],
      );
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
