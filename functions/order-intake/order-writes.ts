import type { DbClient } from '../../shared/db';
import type { OrderPrice, PricedLine } from './pricing';
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
  /** Each line's price, in the sale's line order. */
  prices: PricedLine[];
  /** The order's sums (undefined when its lines are in more than one currency). */
  price: OrderPrice | undefined;
}

/** $1..$13 of both writes: the id, then what a revision of the sale may change up to its sale date. */
const stateColumns = (v: OrderValues) => [
  v.id,
  v.sale.cancelled ? 'CANCELLED' : 'CREATED',
  v.store.country_code,
  v.store.business_unit_id,
  v.store.store_id,
  v.customerId,
  v.sale.revision,
  v.sale.requestedWindow?.from ?? null,
  v.sale.requestedWindow?.to ?? null,
  v.technicalVisitRequired,
  v.skills,
  v.contactDeadline,
  v.sale.soldAt,
];

export async function insertOrder(tx: DbClient, v: OrderValues): Promise<void> {
  await tx.query(
    `INSERT INTO orders.service_orders
       (id, status, country_code, business_unit_id, store_id, customer_id, revision, requested_from, requested_to,
        technical_visit_required, skills, contact_deadline, sold_at, sales_system, sales_channel, sales_order_id,
        sales_order_metadata, list_price_minor, channel_adjustment_minor, total_minor, price_currency)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
    [...stateColumns(v), v.sale.salesSystem, v.sale.channel, v.sale.salesOrderId, JSON.stringify(v.sale.metadata), ...priceColumns(v)],
  );
  await insertLines(tx, v);
}

export async function updateOrder(tx: DbClient, v: OrderValues): Promise<void> {
  await tx.query(
    `UPDATE orders.service_orders SET
       status = $2, country_code = $3, business_unit_id = $4, store_id = $5, customer_id = $6, revision = $7,
       requested_from = $8, requested_to = $9, technical_visit_required = $10, skills = $11, contact_deadline = $12,
       sold_at = $13, sales_channel = $14, sales_order_metadata = $15, list_price_minor = $16, channel_adjustment_minor = $17,
       total_minor = $18, price_currency = $19, updated_at = NOW()
     WHERE id = $1`,
    [...stateColumns(v), v.sale.channel, JSON.stringify(v.sale.metadata), ...priceColumns(v)],
  );
  await tx.query('DELETE FROM orders.service_order_lines WHERE service_order_id = $1', [v.id]);
  await insertLines(tx, v);
}

function priceColumns(v: OrderValues): unknown[] {
  const p = v.price;
  return p ? [p.listPriceMinor, p.channelAdjustmentMinor, p.totalMinor, p.currency] : [null, null, null, null];
}

async function insertLines(tx: DbClient, v: OrderValues): Promise<void> {
  const l = v.sale.lines;
  const p = v.prices;
  await tx.query(
    `INSERT INTO orders.service_order_lines
       (service_order_id, line_no, service_product_code, sales_product_code, description, quantity, unit_price_minor, currency,
        list_price_minor, channel_adjustment_minor, total_minor, pricing_rule_id)
     SELECT $1, * FROM UNNEST($2::int[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::bigint[], $8::text[],
                              $9::bigint[], $10::bigint[], $11::bigint[], $12::uuid[])`,
    [
      v.id,
      l.map((x) => x.lineNo),
      l.map((x) => v.serviceProductCodes.get(x.salesProductCode)),
      l.map((x) => x.salesProductCode),
      l.map((x) => x.description),
      l.map((x) => x.quantity),
      l.map((x) => x.unitPriceMinor),
      l.map((x) => x.currency),
      p.map((x) => x.listPriceMinor),
      p.map((x) => x.channelAdjustmentMinor),
      p.map((x) => x.totalMinor),
      p.map((x) => x.pricingRuleId),
    ],
  );
}

export type LinkReason = 'same-contact-same-address' | 'same-name-same-address';

export async function link(tx: DbClient, a: string, b: string, reason: LinkReason): Promise<void> {
  await tx.query(
    `INSERT INTO orders.service_order_links (service_order_id, linked_service_order_id, reason)
     VALUES ($1, $2, $3), ($2, $1, $3) ON CONFLICT DO NOTHING`,
    [a, b, reason],
  );
}

export async function upsertCustomer(tx: DbClient, sale: Sale, keys: { identityKeys: string[]; addressKey: string }): Promise<string> {
  const c = sale.customer;
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO orders.customers (sales_system, external_customer_id, country_code, full_name, phone, email, language,
                                   street, postal_code, city, latitude, longitude, contact_keys, address_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (sales_system, external_customer_id) DO UPDATE SET
       country_code = EXCLUDED.country_code, full_name = EXCLUDED.full_name, phone = EXCLUDED.phone,
       email = EXCLUDED.email, language = EXCLUDED.language, street = EXCLUDED.street,
       postal_code = EXCLUDED.postal_code, city = EXCLUDED.city, latitude = EXCLUDED.latitude,
       longitude = EXCLUDED.longitude, contact_keys = EXCLUDED.contact_keys, address_key = EXCLUDED.address_key,
       updated_at = NOW()
     RETURNING id`,
    [
      sale.salesSystem,
      c.externalId,
      c.countryCode,
      c.fullName,
      c.phone,
      c.email,
      c.language,
      c.street,
      c.postalCode,
      c.city,
      c.geo?.lat ?? null,
      c.geo?.lon ?? null,
      keys.identityKeys,
      keys.addressKey,
    ],
  );
  return (rows[0] as { id: string }).id;
}
