import type { DbClient } from '../../shared/db';
import type { Sale, SalesChannel } from './sale';
import type { LinkReason } from './order-writes';
import type { PricingRule } from './pricing';

export interface StoreRow {
  store_id: string;
  store_code: string;
  business_unit_id: string;
  business_unit_code: string;
  country_code: string;
  sold_through: boolean;
}

/** The store, its BU and country, and whether the BU sells through this sales system. */
export async function findStore(tx: DbClient, storeCode: string, salesSystem: string): Promise<StoreRow | undefined> {
  const { rows } = await tx.query<StoreRow>(
    `SELECT s.id AS store_id, s.code AS store_code, bu.id AS business_unit_id, bu.code AS business_unit_code,
            bu.country_code,
            EXISTS (SELECT 1 FROM org.business_unit_sales_systems buss
                      JOIN org.sales_systems ss ON ss.id = buss.sales_system_id
                     WHERE buss.business_unit_id = bu.id AND ss.code = $2 AND ss.is_active) AS sold_through
       FROM org.stores s JOIN org.business_units bu ON bu.id = s.business_unit_id
      WHERE s.code = $1 AND s.is_active`,
    [storeCode, salesSystem],
  );
  return rows[0];
}

export interface ProductRow {
  sales_product_code: string;
  service_product_code: string;
  skills: string[];
  technical_visit_required: boolean;
}

export async function findProducts(tx: DbClient, salesSystem: string, codes: string[]): Promise<ProductRow[]> {
  const { rows } = await tx.query<ProductRow>(
    `SELECT m.sales_product_code, p.code AS service_product_code, p.skills, p.technical_visit_required
       FROM orders.product_code_mappings m JOIN orders.service_products p ON p.code = m.service_product_code
      WHERE m.sales_system = $1 AND m.sales_product_code = ANY($2::text[])`,
    [salesSystem, codes],
  );
  return rows;
}

export async function firstContactHours(tx: DbClient, countryCode: string, channel: SalesChannel): Promise<number | undefined> {
  const { rows } = await tx.query<{ first_contact_hours: number }>(
    `SELECT first_contact_hours FROM org.channel_sla_rules
      WHERE sales_channel = $2 AND (country_code = $1 OR country_code IS NULL)
      ORDER BY country_code NULLS LAST LIMIT 1`,
    [countryCode, channel],
  );
  return rows[0]?.first_contact_hours;
}

export interface StoredOrder {
  id: string;
  revision: number;
}

/**
 * Locks the sale, then returns its order, if any, until the transaction ends. The sale's created
 * and updated messages travel on two topics and may be delivered at the same moment: the
 * transaction-scoped advisory lock (keyed on sales system and sale id) makes the second wait even
 * while no order row exists yet to lock, so it then finds the order the first one created.
 */
export async function lockOrder(tx: DbClient, sale: Sale): Promise<StoredOrder | undefined> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`order-intake:${sale.salesSystem}:${sale.salesOrderId}`]);
  const { rows } = await tx.query<StoredOrder>('SELECT id, revision FROM orders.service_orders WHERE sales_system = $1 AND sales_order_id = $2 FOR UPDATE', [
    sale.salesSystem,
    sale.salesOrderId,
  ]);
  return rows[0];
}

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

export async function linkedIds(tx: DbClient, orderId: string): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    'SELECT linked_service_order_id AS id FROM orders.service_order_links WHERE service_order_id = $1 ORDER BY created_at, 1',
    [orderId],
  );
  return rows.map((r) => r.id);
}

/**
 * The channel pricing rules of these products valid on the sale's date, the calendar day of
 * `soldAt` in the country's time zone (at most one per product: rules never overlap).
 */
export async function findPricingRules(tx: DbClient, countryCode: string, channel: SalesChannel, productCodes: string[], soldAt: Date): Promise<PricingRule[]> {
  const { rows } = await tx.query<PricingRule>(
    `SELECT r.id, r.service_product_code AS "serviceProductCode", r.percent_adjustment::float8 AS "percentAdjustment",
            r.amount_adjustment_minor::float8 AS "amountAdjustmentMinor"
       FROM org.channel_pricing_rules r JOIN org.countries c ON c.code = r.country_code
      WHERE r.country_code = $1 AND r.sales_channel = $2 AND r.service_product_code = ANY($3::text[])
        AND daterange(r.valid_from, r.valid_to, '[)') @> ($4::timestamptz AT TIME ZONE c.timezone)::date`,
    [countryCode, channel, productCodes, soldAt],
  );
  return rows;
}
