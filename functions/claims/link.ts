import type { Queryable } from '../../shared/db';
import type { CustomerLinkClaims } from '../../shared/domain/customer-link';
import { orderWarranties } from '../../shared/domain/warranties';
import { NotFoundError } from '../../shared/errors';
import { tokenSha256 } from './open';

interface LinkedOrderRow {
  sales_order_id: string | null;
  kind: string;
  accepted: boolean;
  products: { description: string | null; quantity: number }[];
  claim_id: string | null;
  claim_status: string | null;
}

/**
 * What the customer's claim link shows: the order's sales reference, its products, the
 * warranties running today, whether a claim can be opened from it and, once the link was used,
 * that claim's id and status — never a phone number, an email or an address.
 */
export async function showClaimLink(db: Queryable, link: CustomerLinkClaims, token: string, now: Date) {
  const {
    rows: [row],
  } = await db.query<LinkedOrderRow>(
    `SELECT o.sales_order_id, o.kind,
            (o.closed_at IS NOT NULL OR EXISTS (SELECT 1 FROM wcf.warranties w WHERE w.service_order_id = o.id)) AS accepted,
            COALESCE((SELECT json_agg(json_build_object('description', l.description, 'quantity', l.quantity::float8) ORDER BY l.line_no)
                        FROM orders.service_order_lines l WHERE l.service_order_id = o.id), '[]') AS products,
            c.id AS claim_id, c.status AS claim_status
       FROM orders.service_orders o
       LEFT JOIN claims.used_links u ON u.token_sha256 = $2
       LEFT JOIN claims.claims c ON c.id = u.claim_id
      WHERE o.id = $1`,
    [link.serviceOrderId, tokenSha256(token)],
  );
  if (!row) throw new NotFoundError('no order for this link');
  const today = now.toISOString().slice(0, 10);
  const warranties = (await orderWarranties(db, link.serviceOrderId, today)).filter((w) => w.running);
  const used = row.claim_id !== null;
  return {
    orderReference: row.sales_order_id,
    products: row.products,
    warranties: warranties.map((w) => ({ code: w.code, name: w.name, startsOn: w.startsOn, endsOn: w.endsOn, daysLeft: w.daysLeft })),
    canClaim: !used && row.kind === 'installation' && row.accepted,
    used,
    claim: used ? { id: row.claim_id, status: row.claim_status } : null,
  };
}
