import type { Principal } from '../../shared/auth/principal';
import { officeTenantSql, ORDER_PLACE } from '../../shared/auth/tenant';
import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';
import { mayActForProvider } from './scope';

/** An order as its provider's staff see it: the live (or completed) assignment to their provider. */
export interface AssignedOrder {
  id: string;
  provider_id: string;
  technician_id: string | null;
  technician_subject: string | null;
  technician_email: string | null;
  customer_email: string | null;
}

/**
 * The order assigned to the caller's provider, when the caller is a provider admin of it or
 * (`technicianOnly`: only) its assigned technician; NotFoundError otherwise — another provider's
 * order answers as one that does not exist.
 */
export async function assignedOrder(db: Queryable, principal: Principal, orderId: string, options: { technicianOnly?: boolean } = {}): Promise<AssignedOrder> {
  const {
    rows: [order],
  } = await db.query<AssignedOrder>(
    `SELECT o.id, a.provider_id, a.technician_id, t.subject AS technician_subject, t.email AS technician_email, c.email AS customer_email
       FROM orders.service_orders o
       JOIN orders.customers c ON c.id = o.customer_id
       JOIN dispatch.assignments a ON a.service_order_id = o.id AND a.status IN ('confirmed', 'completed')
       LEFT JOIN dispatch.technicians t ON t.id = a.technician_id
      WHERE o.id = $1 AND a.provider_id = $2
      ORDER BY (a.status = 'confirmed') DESC, a.confirmed_at DESC
      LIMIT 1`,
    [orderId, principal.scope.providerId],
  );
  const allowed = order && (options.technicianOnly ? order.technician_subject === principal.subject : mayActForProvider(principal, order.technician_subject));
  if (!order || !allowed) throw new NotFoundError(`no service order ${orderId} assigned to you`);
  return order;
}

/** What answering needs of a form. */
export interface FormForAnswer {
  id: string;
  service_order_id: string;
  kind: 'closing' | 'lifting';
  status: string;
  answer: string | null;
}

const FORM_FOR_ANSWER = `SELECT id, service_order_id, kind, status, answer FROM wcf.forms`;

/** The order's closing form, locked for its answer; undefined when the workflow has not opened it. */
export async function closingFormForUpdate(db: Queryable, orderId: string): Promise<FormForAnswer | undefined> {
  const { rows } = await db.query<FormForAnswer>(`${FORM_FOR_ANSWER} WHERE service_order_id = $1 AND kind = 'closing' FOR UPDATE`, [orderId]);
  return rows[0];
}

/** The form a customer link names (form and order must both match), locked when asked. */
export async function linkedForm(db: Queryable, formId: string, orderId: string, lock = false): Promise<FormForAnswer> {
  const { rows } = await db.query<FormForAnswer>(`${FORM_FOR_ANSWER} WHERE id = $1 AND service_order_id = $2 ${lock ? 'FOR UPDATE' : ''}`, [formId, orderId]);
  if (!rows[0]) throw new NotFoundError('no form for this link');
  return rows[0];
}

/** Throws NotFoundError unless the order is within the office caller's tenant. */
export async function assertOrderInScope(db: Queryable, principal: Principal, orderId: string): Promise<void> {
  const params: unknown[] = [orderId];
  const scope = officeTenantSql(principal, params);
  const { rows } = await db.query(`SELECT 1 FROM ${ORDER_PLACE} WHERE o.id = $1 AND ${scope}`, params);
  if (rows.length === 0) throw new NotFoundError(`service order ${orderId} not found`);
}
