import type { Queryable } from '../../shared/db';
import type { CustomerLinkClaims } from '../../shared/domain/customer-link';
import { NotFoundError } from '../../shared/errors';

interface LinkedFormRow {
  id: string;
  kind: string;
  status: string;
  answer: string | null;
  rejection_reason: string | null;
  answered_at: Date | null;
  sales_order_id: string | null;
  lines: { lineNo: number; description: string | null; serviceProductCode: string; quantity: number }[];
  visits: { checkedInAt: string; checkedOutAt: string | null }[];
  reserves: { seq: number; description: string; location: string; photoRefs: string[] }[];
}

/**
 * What the customer's link shows: the order's sales reference, its lines, the dates of the
 * technician's visits, the form's status and its answer once given — never a phone number, an
 * email or an address. The form and its order must both match the link, or there is nothing.
 */
export async function showLinkedForm(db: Queryable, claims: CustomerLinkClaims) {
  const {
    rows: [row],
  } = await db.query<LinkedFormRow>(
    `SELECT f.id, f.kind, f.status, f.answer, f.rejection_reason, f.answered_at, o.sales_order_id,
            COALESCE((SELECT json_agg(json_build_object('lineNo', l.line_no, 'description', l.description,
                        'serviceProductCode', l.service_product_code, 'quantity', l.quantity::float8) ORDER BY l.line_no)
                        FROM orders.service_order_lines l WHERE l.service_order_id = o.id), '[]') AS lines,
            COALESCE((SELECT json_agg(json_build_object('checkedInAt', v.checked_in_at, 'checkedOutAt', v.checked_out_at) ORDER BY v.checked_in_at)
                        FROM field.appointments a JOIN field.visits v ON v.appointment_id = a.id WHERE a.service_order_id = o.id), '[]') AS visits,
            COALESCE((SELECT json_agg(json_build_object('seq', r.seq, 'description', r.description, 'location', r.location,
                        'photoRefs', r.photo_refs) ORDER BY r.seq)
                        FROM wcf.reserves r WHERE r.form_id = f.id), '[]') AS reserves
       FROM wcf.forms f JOIN orders.service_orders o ON o.id = f.service_order_id
      WHERE f.id = $1 AND f.service_order_id = $2`,
    [claims.subjectId, claims.serviceOrderId],
  );
  if (!row) throw new NotFoundError('no form for this link');
  return {
    formId: row.id,
    kind: row.kind,
    orderRef: row.sales_order_id,
    lines: row.lines,
    visits: row.visits.map((v) => ({
      checkedInAt: new Date(v.checkedInAt).toISOString(),
      checkedOutAt: v.checkedOutAt ? new Date(v.checkedOutAt).toISOString() : null,
    })),
    status: row.status,
    awaitingAnswer: row.status === 'awaiting-answer',
    answer: row.answer,
    rejectionReason: row.rejection_reason,
    answeredAt: row.answered_at?.toISOString() ?? null,
    reserves: row.reserves,
  };
}
