import type { DbClient } from '../../shared/db';
import type { Sale, SalesChannel } from './sale';

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
  const { rows } = await tx.query<StoredOrder>(
    'SELECT id, revision FROM orders.service_orders WHERE sales_system = $1 AND sales_order_id = $2 FOR UPDATE',
    [sale.salesSystem, sale.salesOrderId],
  );
  return rows[0];
}

export async function upsertCustomer(
  tx: DbClient,
  sale: Sale,
  keys: { identityKeys: string[]; addressKey: string },
): Promise<string> {
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
    [sale.salesSystem, c.externalId, c.countryCode, c.fullName, c.phone, c.email, c.language, c.street, c.postalCode,
     c.city, c.geo?.lat ?? null, c.geo?.lon ?? null, keys.identityKeys, keys.addressKey],
  );
  return (rows[0] as { id: string }).id;
}
