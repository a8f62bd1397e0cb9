import type { DbClient } from '../../shared/db';
import type { Sale } from './sale';

export interface OrderValues {
  id: string;
  sale: Sale;
  store: { store_id: string; business_unit_id: string; country_code: string };
  customerId: string;
  skills: string[];
  technicalVisitRequired: boolean;
  contactDeadline: Date;
  serviceProductCodes: Map<string, string>;
}

export async function insertOrder(tx: DbClient, v: OrderValues): Promise<void> {
  await tx.query(
    `INSERT INTO orders.service_orders
       (id, status, country_code, business_unit_id, store_id, customer_id, revision, requested_from, requested_to,
        technical_visit_required, skills, contact_deadline, sold_at, sales_system, sales_channel, sales_order_id,
        sales_order_metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [v.id, v.sale.cancelled ? 'CANCELLED' : 'CREATED', v.store.country_code, v.store.business_unit_id, v.store.store_id,
     v.customerId, v.sale.revision, v.sale.requestedWindow?.from ?? null, v.sale.requestedWindow?.to ?? null,
     v.technicalVisitRequired, v.skills, v.contactDeadline, v.sale.soldAt, v.sale.salesSystem, v.sale.channel,
     v.sale.salesOrderId, JSON.stringify(v.sale.metadata)],
  );
  await insertLines(tx, v);
}

export async function updateOrder(tx: DbClient, v: OrderValues): Promise<void> {
  await tx.query(
    `UPDATE orders.service_orders SET
       status = $2, country_code = $3, business_unit_id = $4, store_id = $5, customer_id = $6, revision = $7,
       requested_from = $8, requested_to = $9, technical_visit_required = $10, skills = $11, contact_deadline = $12,
       sold_at = $13, sales_channel = $14, sales_order_metadata = $15, updated_at = NOW()
     WHERE id = $1`,
    [v.id, v.sale.cancelled ? 'CANCELLED' : 'CREATED', v.store.country_code, v.store.business_unit_id, v.store.store_id,
     v.customerId, v.sale.revision, v.sale.requestedWindow?.from ?? null, v.sale.requestedWindow?.to ?? null,
     v.technicalVisitRequired, v.skills, v.contactDeadline, v.sale.soldAt, v.sale.channel, JSON.stringify(v.sale.metadata)],
  );
  await tx.query('DELETE FROM orders.service_order_lines WHERE service_order_id = $1', [v.id]);
  await insertLines(tx, v);
}

async function insertLines(tx: DbClient, v: OrderValues): Promise<void> {
  const l = v.sale.lines;
  await tx.query(
    `INSERT INTO orders.service_order_lines
       (service_order_id, line_no, service_product_code, sales_product_code, description, quantity, unit_price_minor, currency)
     SELECT $1, * FROM UNNEST($2::int[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::bigint[], $8::text[])`,
    [v.id, l.map((x) => x.lineNo), l.map((x) => v.serviceProductCodes.get(x.salesProductCode)), l.map((x) => x.salesProductCode),
     l.map((x) => x.description), l.map((x) => x.quantity), l.map((x) => x.unitPriceMinor), l.map((x) => x.currency)],
  );
}

export type LinkReason = 'same-contact-same-address' | 'same-name-same-address';

/**
 * Other orders of the same person at the same address (any channel, any customer id in the
 * same country), not yet linked to this one.
 */
export async function findUnlinkedMatches(
  tx: DbClient,
  orderId: string,
  countryCode: string,
  keys: { addressKey: string; contactKeys: string[]; nameKey: string },
): Promise<{ id: string; reason: LinkReason }[]> {
  const { rows } = await tx.query<{ id: string; same_contact: boolean }>(
    `SELECT o.id, (c.contact_keys && $4::text[]) AS same_contact
       FROM orders.service_orders o JOIN orders.customers c ON c.id = o.customer_id
      WHERE c.address_key = $3 AND o.country_code = $2 AND o.id <> $1
        AND (c.contact_keys && $4::text[] OR $5 = ANY (c.contact_keys))
        AND NOT EXISTS (SELECT 1 FROM orders.service_order_links l
                         WHERE l.service_order_id = $1 AND l.linked_service_order_id = o.id)`,
    [orderId, countryCode, keys.addressKey, keys.contactKeys, keys.nameKey],
  );
  return rows.map((r) => ({ id: r.id, reason: r.same_contact ? 'same-contact-same-address' : 'same-name-same-address' }));
}

export async function link(tx: DbClient, a: string, b: string, reason: LinkReason): Promise<void> {
  await tx.query(
    `INSERT INTO orders.service_order_links (service_order_id, linked_service_order_id, reason)
     VALUES ($1, $2, $3), ($2, $1, $3) ON CONFLICT DO NOTHING`,
    [a, b, reason],
  );
}

export async function linkedIds(tx: DbClient, orderId: string): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    'SELECT linked_service_order_id AS id FROM orders.service_order_links WHERE service_order_id = $1 ORDER BY created_at, 1',
    [orderId],
  );
  return rows.map((r) => r.id);
}
