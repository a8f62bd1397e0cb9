import type { DbClient } from '../../shared/db';
import { PermanentError } from '../../shared/errors';
import type { WcfClosingDocument, WcfDocument, WcfReserve } from '../../shared/wcf-document/model';
import type { FormRow } from './queries';

interface PartiesRow {
  customer_name: string;
  street: string;
  postal_code: string;
  city: string;
  store_name: string;
  store_postal_code: string | null;
  store_city: string | null;
  store_email: string | null;
  provider_name: string;
  technician_name: string;
  technician_email: string | null;
}

/** Who signs a form and where Adobe asks them to. */
export interface Signers {
  customer: string | null;
  technician: string | null;
  store: string | null;
}

interface ReserveRow {
  seq: number;
  description: string;
  location: string;
  photo_refs: string[];
  lifted_at: Date | null;
  lifted_by_name: string | null;
}

/**
 * Everything the form shows, read from the order: parties (the technician who completed the work,
 * or for a lifting form the one who lifted the reserves), the order's lines, the days on site (for
 * a lifting form those since the re-work round began, else every day), and the customer's answer
 * with its reserves, or the reserves lifted. The generator invents nothing.
 */
export async function readFormDocument(tx: DbClient, form: FormRow, date: string): Promise<{ document: WcfDocument; signers: Signers }> {
  const orderId = form.service_order_id;
  const {
    rows: [p],
  } = await tx.query<PartiesRow>(
    `SELECT c.full_name AS customer_name, c.street, c.postal_code, c.city,
            s.name AS store_name, s.postal_code AS store_postal_code, s.city AS store_city, s.email AS store_email,
            pr.name AS provider_name, t.display_name AS technician_name, t.email AS technician_email
       FROM orders.service_orders o
       JOIN orders.customers c ON c.id = o.customer_id
       JOIN org.stores s ON s.id = o.store_id
       JOIN wcf.requests r ON r.service_order_id = o.id
       JOIN field.appointments ap ON ap.id = r.appointment_id
       JOIN dispatch.technicians t ON t.id = COALESCE(
              (SELECT lifted_by FROM wcf.reserves WHERE rework_id = $2 AND lifted_by IS NOT NULL ORDER BY lifted_at DESC LIMIT 1), ap.technician_id)
       JOIN dispatch.providers pr ON pr.id = t.provider_id
      WHERE o.id = $1`,
    [orderId, form.rework_id],
  );
  if (!p) throw new PermanentError(`service order ${orderId} has no completed work to close`, 'no-work-completed');
  const { rows: lines } = await tx.query<{ description: string; quantity: number }>(
    `SELECT COALESCE(description, service_product_code) AS description, GREATEST(1, ROUND(quantity))::int AS quantity
       FROM orders.service_order_lines WHERE service_order_id = $1 ORDER BY line_no`,
    [orderId],
  );
  const visits = await readVisits(tx, orderId, form.rework_id);
  const { rows: reserves } = await tx.query<ReserveRow>(
    `SELECT r.seq, r.description, r.location, r.photo_refs, r.lifted_at, t.display_name AS lifted_by_name
       FROM wcf.reserves r LEFT JOIN dispatch.technicians t ON t.id = r.lifted_by
      WHERE ${form.kind === 'lifting' ? 'r.rework_id = $1' : 'r.form_id = $1'} ORDER BY r.seq`,
    [form.kind === 'lifting' ? form.rework_id : form.id],
  );
  const common = {
    formId: form.id,
    orderReference: form.sales_order_id,
    date,
    language: form.language,
    customer: { name: p.customer_name, address: { line1: p.street, postalCode: p.postal_code, city: p.city, countryCode: form.country_code } },
    store: {
      name: p.store_name,
      address: { line1: p.store_name, postalCode: p.store_postal_code ?? '-', city: p.store_city ?? '-', countryCode: form.country_code },
    },
    provider: { name: p.provider_name },
    technician: { name: p.technician_name },
    lines,
    visits,
    timeZone: form.timezone,
  };
  const reserve = (r: ReserveRow): WcfReserve => ({ seq: r.seq, description: r.description, location: r.location, photoRefs: r.photo_refs });
  const document: WcfDocument =
    form.kind === 'lifting'
      ? {
          kind: 'lifting',
          ...common,
          liftedReserves: reserves.map((r) => ({ ...reserve(r), liftedAt: r.lifted_at!.toISOString(), liftedBy: { name: r.lifted_by_name! } })),
        }
      : { kind: 'closing', ...common, answer: closingAnswer(form, reserves.map(reserve)) };
  return { document, signers: { customer: form.customer_email, technician: p.technician_email, store: p.store_email } };
}

function closingAnswer(form: FormRow, reserves: WcfReserve[]): WcfClosingDocument['answer'] {
  if (form.answer === 'rejected') return { outcome: 'rejected', reason: form.rejection_reason ?? '' };
  if (form.answer === 'accepted-with-reserves') return { outcome: 'accepted-with-reserves', reserves };
  if (form.answer === 'accepted') return { outcome: 'accepted' };
  throw new PermanentError(`closing form ${form.id} has no answer yet: nothing to sign`, 'wcf-not-answered');
}

async function readVisits(tx: DbClient, orderId: string, reworkId: string | null) {
  const { rows } = await tx.query<{ checked_in_at: Date; checked_out_at: Date; since_rework: boolean }>(
    `SELECT v.checked_in_at, v.checked_out_at, COALESCE(v.checked_in_at >= w.created_at, false) AS since_rework
       FROM field.visits v
       JOIN field.appointments a ON a.id = v.appointment_id
       LEFT JOIN wcf.reworks w ON w.id = $2
      WHERE a.service_order_id = $1 AND v.checked_out_at IS NOT NULL
      ORDER BY v.checked_in_at`,
    [orderId, reworkId],
  );
  const sinceRework = rows.filter((r) => r.since_rework);
  return (sinceRework.length > 0 ? sinceRework : rows).map((r) => ({
    checkedInAt: r.checked_in_at.toISOString(),
    checkedOutAt: r.checked_out_at.toISOString(),
  }));
}
