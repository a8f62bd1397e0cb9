import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { installationCancelled, installationUnblocked, refundRequested } from '../../events';
import type { DbClient } from '../../shared/db';
import type { InstallationStatus } from '../../shared/domain/installation-gate';
import { informCustomer } from '../../shared/domain/messages';
import { PermanentError } from '../../shared/errors';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { cancelVariables, unblockVariables } from './schema';

export interface GateDeps {
  clock?: () => Date;
}

interface OrderRow {
  installation_status: InstallationStatus;
  customer_id: string;
  country_code: string;
  sales_system: 'PYXIS' | 'TEMPO';
  sales_order_id: string;
  has_email: boolean;
}

async function lockOrder(tx: DbClient, orderId: string): Promise<OrderRow> {
  const {
    rows: [row],
  } = await tx.query<OrderRow>(
    `SELECT o.installation_status, o.customer_id, o.country_code, o.sales_system, o.sales_order_id,
            (c.email IS NOT NULL) AS has_email
       FROM orders.service_orders o JOIN orders.customers c ON c.id = o.customer_id
      WHERE o.id = $1 FOR UPDATE OF o`,
    [orderId],
  );
  if (!row) throw new PermanentError(`service order ${orderId} not found`, 'unknown-service-order');
  return row;
}

const setStatus = (tx: DbClient, orderId: string, status: InstallationStatus) =>
  tx.query('UPDATE orders.service_orders SET installation_status = $2, updated_at = NOW() WHERE id = $1', [orderId, status]);

/**
 * orders-unblock-installation: the TV is resolved (YES, or YES_BUT accepted), the installation
 * may be booked. Already ready: done, nothing announced twice. Cancelled: the two paths
 * disagree, which needs a person (incident).
 */
export function makeUnblockInstallation(deps: GateDeps = {}) {
  const now = deps.clock ?? (() => new Date());
  return async ({ orderId, visitId }: z.infer<typeof unblockVariables>, ctx: JobContext): Promise<JobOutcome> => {
    const order = await lockOrder(ctx.tx, orderId);
    if (order.installation_status === 'ready') return { kind: 'complete', variables: {} };
    if (order.installation_status === 'cancelled') {
      throw new PermanentError(`the installation of service order ${orderId} is already cancelled`, 'installation-cancelled');
    }
    await setStatus(ctx.tx, orderId, 'ready');
    await ctx.outbox.add(installationUnblocked, { serviceOrderId: orderId, visitId, unblockedAt: now().toISOString() }, { subject: orderId });
    return { kind: 'complete', variables: {} };
  };
}

/**
 * orders-cancel-installation: the TV cancelled the installation (negative, adjustments refused
 * or unanswered). Announces it, requests a refund or credit of the order total, and asks notify
 * to inform the customer. Already cancelled: done. Already unblocked: incident.
 */
export function makeCancelInstallation(deps: GateDeps = {}) {
  const now = deps.clock ?? (() => new Date());
  return async ({ orderId, visitId, reason }: z.infer<typeof cancelVariables>, ctx: JobContext): Promise<JobOutcome> => {
    const { tx, outbox } = ctx;
    const order = await lockOrder(tx, orderId);
    if (order.installation_status === 'cancelled') return { kind: 'complete', variables: {} };
    if (order.installation_status === 'ready') {
      throw new PermanentError(`the installation of service order ${orderId} is already unblocked`, 'installation-ready');
    }
    await setStatus(tx, orderId, 'cancelled');
    const at = now().toISOString();
    const { rows: amounts } = await tx.query<{ amountMinor: number; currency: string }>(
      `SELECT currency, ROUND(SUM(quantity * unit_price_minor))::float8 AS "amountMinor"
         FROM orders.service_order_lines WHERE service_order_id = $1 GROUP BY currency ORDER BY currency`,
      [orderId],
    );
    await outbox.add(installationCancelled, { serviceOrderId: orderId, visitId, reason, cancelledAt: at }, { subject: orderId });
    await outbox.add(
      refundRequested,
      {
        refundRequestId: randomUUID(),
        serviceOrderId: orderId,
        customerId: order.customer_id,
        salesSystem: order.sales_system,
        salesOrderId: order.sales_order_id,
        reason,
        amounts: amounts.map((a) => ({ amountMinor: a.amountMinor, currency: a.currency })),
        requestedAt: at,
      },
      { subject: orderId },
    );
    await informCustomer(outbox, {
      serviceOrderId: orderId,
      customerId: order.customer_id,
      hasEmail: order.has_email,
      countryCode: order.country_code,
      templateId: 'tv.installation-cancelled',
      parameters: { orderReference: order.sales_order_id, reason },
    });
    return { kind: 'complete', variables: {} };
  };
}
