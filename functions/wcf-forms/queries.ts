import type { DbClient, Queryable } from '../../shared/db';
import { contractLanguages, type ContractLanguage } from '../../shared/contracts-document/model';
import { PermanentError } from '../../shared/errors';

export type FormStatus = 'awaiting-answer' | 'answered' | 'out-for-signature' | 'signed' | 'declined' | 'expired' | 'recalled' | 'esign-unavailable';

/** A WCF form with what its signature needs: the order, the people who sign it, and their addresses. */
export interface FormRow {
  id: string;
  service_order_id: string;
  kind: 'closing' | 'lifting';
  rework_id: string | null;
  status: FormStatus;
  answer: 'accepted' | 'accepted-with-reserves' | 'rejected' | null;
  rejection_reason: string | null;
  answered_at: Date | null;
  language: ContractLanguage;
  attempt: number;
  agreement_id: string | null;
  agreement_status: string | null;
  order_status: 'CREATED' | 'CANCELLED';
  sales_order_id: string;
  country_code: string;
  timezone: string;
  customer_id: string;
  customer_email: string | null;
  has_email: boolean;
}

/** The form, locked (FOR UPDATE) until the job's transaction ends. */
export async function lockForm(tx: DbClient, formId: string): Promise<FormRow> {
  const {
    rows: [form],
  } = await tx.query<FormRow>(
    `SELECT f.id, f.service_order_id, f.kind, f.rework_id, f.status, f.answer, f.rejection_reason, f.answered_at, f.language, f.attempt,
            f.agreement_id, a.status AS agreement_status, o.status AS order_status, o.sales_order_id, o.country_code, cn.timezone,
            o.customer_id, c.email AS customer_email, (c.email IS NOT NULL) AS has_email
       FROM wcf.forms f
       JOIN orders.service_orders o ON o.id = f.service_order_id
       JOIN orders.customers c ON c.id = o.customer_id
       JOIN org.countries cn ON cn.code = o.country_code
       LEFT JOIN contracts.agreements a ON a.agreement_id = f.agreement_id
      WHERE f.id = $1
        FOR UPDATE OF f`,
    [formId],
  );
  if (!form) throw new PermanentError(`WCF form ${formId} not found`, 'unknown-wcf-form');
  return form;
}

export const setFormStatus = (tx: Queryable, formId: string, status: FormStatus) =>
  tx.query('UPDATE wcf.forms SET status = $2, updated_at = NOW() WHERE id = $1', [formId, status]);

/** The customer's language for the order's documents: theirs when it is one we write, else the country's. */
export async function orderLanguage(tx: Queryable, orderId: string): Promise<ContractLanguage> {
  const {
    rows: [row],
  } = await tx.query<{ customer_language: string | null; default_language: string }>(
    `SELECT c.language AS customer_language, cn.default_language
       FROM orders.service_orders o JOIN orders.customers c ON c.id = o.customer_id JOIN org.countries cn ON cn.code = o.country_code
      WHERE o.id = $1`,
    [orderId],
  );
  const pick = (value: string | null | undefined) => contractLanguages.find((l) => l === value?.slice(0, 2).toLowerCase());
  return pick(row?.customer_language) ?? pick(row?.default_language) ?? 'es';
}
