import type { DbClient } from '../db';
import { RetryableError } from '../errors';
import type { ContractStatus, InstallationStatus } from './installation-gate';

/**
 * What a starter function (dispatch-start, contract-start) already asked of an order's workflow:
 * one row per order in its own table, `requested_at` once started, `closed_at` once the order's
 * cancellation was passed on. The table is one of these, never text from outside.
 */
export type WorkflowRequests = 'dispatch.funnel_requests' | 'contracts.contract_requests';

/** An order as a starter decides on it: its current row, its scope, and what was already asked. */
export interface OrderForStart {
  status: 'CREATED' | 'CANCELLED';
  installationStatus: InstallationStatus;
  contractStatus: ContractStatus;
  revision: number;
  country: string;
  businessUnit: string;
  store: string;
  requested: boolean;
  closed: boolean;
}

/**
 * Locks the order (FOR NO KEY UPDATE: the orders domain's writers wait, rows referencing it do
 * not) and reads it with what was asked of its workflow, so two events of one order arriving at
 * once on two topics are decided one after the other. An order not there yet, or older than the
 * event's `revision`, is not decided on: RetryableError (the delivery is retried until the state
 * has caught up, and dead-lettered if it never does).
 */
export async function lockOrderForStart(tx: DbClient, requests: WorkflowRequests, orderId: string, revision?: number): Promise<OrderForStart> {
  const {
    rows: [order],
  } = await tx.query<OrderForStart>(
    `SELECT o.status, o.installation_status AS "installationStatus", o.contract_status AS "contractStatus", o.revision,
            o.country_code AS country, bu.code AS "businessUnit", s.code AS store,
            r.requested_at IS NOT NULL AS requested, r.closed_at IS NOT NULL AS closed
       FROM orders.service_orders o
       JOIN org.business_units bu ON bu.id = o.business_unit_id
       JOIN org.stores s ON s.id = o.store_id
       LEFT JOIN ${requests} r ON r.service_order_id = o.id
      WHERE o.id = $1
        FOR NO KEY UPDATE OF o`,
    [orderId],
  );
  if (!order) throw new RetryableError(`service order ${orderId} is not known yet`);
  if (revision !== undefined && revision > order.revision) {
    throw new RetryableError(`service order ${orderId} is at revision ${order.revision}, older than the event's ${revision}`);
  }
  return order;
}

/** Records that the order's workflow was started. */
export const recordStart = (tx: DbClient, requests: WorkflowRequests, orderId: string) =>
  tx.query(`INSERT INTO ${requests} (service_order_id, requested_at) VALUES ($1, NOW())`, [orderId]);

/** Records that the order's cancellation was passed on (before any start, no start follows). */
export const recordClosure = (tx: DbClient, requests: WorkflowRequests, orderId: string) =>
  tx.query(
    `INSERT INTO ${requests} (service_order_id, requested_at, closed_at) VALUES ($1, NULL, NOW())
     ON CONFLICT (service_order_id) DO UPDATE SET closed_at = NOW()`,
    [orderId],
  );
