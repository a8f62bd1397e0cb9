import type { DbClient, Queryable } from '../../shared/db';
import { PermanentError } from '../../shared/errors';

export interface OrderRow {
  id: string;
  country_code: string;
  /** org.countries.timezone: the calendar acceptance dates and deadlines are told in. */
  timezone: string;
  customer_id: string;
  customer_has_email: boolean;
  sales_order_id: string;
  closed_at: Date | null;
  /** installation, or a claim's repair (a claim is opened on the installation, not on its repair). */
  kind: 'installation' | 'claim-visit' | 'repair';
}

/** The order with what telling its customer and dating its acceptance need. */
export async function orderOf(db: Queryable, orderId: string): Promise<OrderRow> {
  const {
    rows: [row],
  } = await db.query<OrderRow>(
    `SELECT o.id, o.country_code, cn.timezone, o.customer_id, c.email IS NOT NULL AS customer_has_email, o.sales_order_id, o.closed_at, o.kind
       FROM orders.service_orders o
       JOIN orders.customers c ON c.id = o.customer_id
       JOIN org.countries cn ON cn.code = o.country_code
      WHERE o.id = $1`,
    [orderId],
  );
  if (!row) throw new PermanentError(`service order ${orderId} not found`, 'unknown-service-order');
  return row;
}

export interface FormRow {
  id: string;
  service_order_id: string;
  kind: 'closing' | 'lifting';
  status: string;
  answer: 'accepted' | 'accepted-with-reserves' | 'rejected' | null;
  rework_id: string | null;
  signed_at: Date | null;
}

/** A form of the order, of the kind the job expects, locked (FOR UPDATE) until the transaction ends. */
export async function lockForm(tx: DbClient, formId: string, orderId: string, kind: FormRow['kind']): Promise<FormRow> {
  const {
    rows: [form],
  } = await tx.query<FormRow>('SELECT id, service_order_id, kind, status, answer, rework_id, signed_at FROM wcf.forms WHERE id = $1 FOR UPDATE', [formId]);
  if (!form || form.service_order_id !== orderId) throw new PermanentError(`no WCF form ${formId} on service order ${orderId}`, 'unknown-form');
  if (form.kind !== kind) throw new PermanentError(`WCF form ${formId} is a ${form.kind} form, not a ${kind} form`, 'wrong-form-kind');
  return form;
}

/** The form's signature date, or an incident: an outcome is never recorded on an unsigned form. */
export function signedAt(form: FormRow): Date {
  if (form.status !== 'signed' || !form.signed_at) throw new PermanentError(`WCF form ${form.id} is ${form.status}, not signed`, 'form-not-signed');
  return form.signed_at;
}

/** The order's closing form (one per order), locked. */
export async function lockClosingForm(tx: DbClient, orderId: string): Promise<FormRow> {
  const {
    rows: [form],
  } = await tx.query<FormRow>(
    `SELECT id, service_order_id, kind, status, answer, rework_id, signed_at FROM wcf.forms WHERE service_order_id = $1 AND kind = 'closing' FOR UPDATE`,
    [orderId],
  );
  if (!form) throw new PermanentError(`service order ${orderId} has no closing form`, 'no-closing-form');
  return form;
}

export const DAY_MS = 86_400_000;
