import { bpmnErrors } from '../../bpmn/contract';
import type { DbClient } from '../../shared/db';
import { PermanentError } from '../../shared/errors';
import type { JobOutcome } from '../../shared/workflow';

export interface FunnelOrder {
  id: string;
  status: 'CREATED' | 'CANCELLED';
  installationStatus: 'awaiting-tv' | 'ready' | 'cancelled';
  countryCode: string;
  businessUnitId: string;
  storeId: string;
  postalCode: string;
  skills: string[];
  requestedFrom: string | null;
  requestedTo: string | null;
}

/** The order the funnel works on, locked for the step (one step of one order at a time). */
export async function lockOrder(tx: DbClient, orderId: string): Promise<FunnelOrder> {
  const {
    rows: [row],
  } = await tx.query<FunnelOrder>(
    `SELECT o.id, o.status, o.installation_status AS "installationStatus", o.country_code AS "countryCode",
            o.business_unit_id AS "businessUnitId", o.store_id AS "storeId", c.postal_code AS "postalCode", o.skills,
            to_char(o.requested_from, 'YYYY-MM-DD') AS "requestedFrom", to_char(o.requested_to, 'YYYY-MM-DD') AS "requestedTo"
       FROM orders.service_orders o JOIN orders.customers c ON c.id = o.customer_id
      WHERE o.id = $1 FOR UPDATE OF o`,
    [orderId],
  );
  if (!row) throw new PermanentError(`service order ${orderId} not found`, 'unknown-service-order');
  return row;
}

/**
 * A cancelled order (or installation) ends the funnel (BPMN error ORDER_NOT_ACTIVE); an
 * installation still blocked by its TV should never have been dispatched: an incident.
 */
export function notDispatchable(order: FunnelOrder): JobOutcome | undefined {
  if (order.status === 'CANCELLED' || order.installationStatus === 'cancelled') {
    return { kind: 'bpmn-error', errorCode: bpmnErrors.orderNotActive, message: `service order ${order.id} is cancelled` };
  }
  if (order.installationStatus === 'awaiting-tv') {
    throw new PermanentError(`the installation of service order ${order.id} awaits its technical visit`, 'installation-awaiting-tv');
  }
  return undefined;
}

export async function liveAssignment(tx: DbClient, orderId: string) {
  const {
    rows: [row],
  } = await tx.query<{ id: string; provider_id: string }>(
    `SELECT id, provider_id FROM dispatch.assignments WHERE service_order_id = $1 AND status = 'confirmed' FOR UPDATE`,
    [orderId],
  );
  return row;
}
