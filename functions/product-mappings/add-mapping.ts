import type { DbClient, Queryable } from '../../shared/db';
import { ConflictError, InvalidInputError } from '../../shared/errors';
import type { ListQuery, MappingBody, MappingParams } from './schema';

export interface Mapping {
  salesSystem: string;
  salesProductCode: string;
  serviceProductCode: string;
}

/**
 * Maps a sales system's product code to a service product of the catalogue, as order-intake
 * reads it (orders.product_code_mappings): the fix for a sale dead-lettered with
 * `unknown-product-code`, before it is replayed. Idempotent: the same mapping again changes
 * nothing (`created: false`); the code mapped to another product is 409 `mapping-conflict` —
 * orders already taken with it keep the product they were given, so it is never remapped here.
 */
export async function addMapping(tx: DbClient, params: MappingParams, body: MappingBody): Promise<Mapping & { created: boolean }> {
  const {
    rows: [known],
  } = await tx.query<{ system: boolean; product: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM org.sales_systems WHERE code = $1) AS system,
            EXISTS (SELECT 1 FROM orders.service_products WHERE code = $2) AS product`,
    [params.salesSystem, body.serviceProductCode],
  );
  const issues = [
    ...(known?.system ? [] : [{ field: 'params.salesSystem', message: `no sales system ${params.salesSystem}` }]),
    ...(known?.product ? [] : [{ field: 'serviceProductCode', message: `no service product ${body.serviceProductCode} in the catalogue` }]),
  ];
  if (issues.length > 0) throw new InvalidInputError(issues.map((i) => i.message).join('; '), issues);

  const { rowCount } = await tx.query(
    `INSERT INTO orders.product_code_mappings (sales_system, sales_product_code, service_product_code)
     VALUES ($1, $2, $3) ON CONFLICT (sales_system, sales_product_code) DO NOTHING`,
    [params.salesSystem, params.salesProductCode, body.serviceProductCode],
  );
  const mapping = { salesSystem: params.salesSystem, salesProductCode: params.salesProductCode, serviceProductCode: body.serviceProductCode };
  if (rowCount === 1) return { ...mapping, created: true };

  const {
    rows: [existing],
  } = await tx.query<{ service_product_code: string }>(
    'SELECT service_product_code FROM orders.product_code_mappings WHERE sales_system = $1 AND sales_product_code = $2',
    [params.salesSystem, params.salesProductCode],
  );
  if (existing?.service_product_code !== body.serviceProductCode) {
    throw new ConflictError(
      `${params.salesSystem} product code ${params.salesProductCode} is already mapped to ${existing?.service_product_code ?? '?'}`,
      'mapping-conflict',
    );
  }
  return { ...mapping, created: false };
}

/** The mappings, of one sales system or all, by sales system and code. */
export async function listMappings(db: Queryable, query: ListQuery): Promise<Mapping[]> {
  const { rows } = await db.query<{ sales_system: string; sales_product_code: string; service_product_code: string }>(
    `SELECT sales_system, sales_product_code, service_product_code FROM orders.product_code_mappings
      WHERE $1::text IS NULL OR sales_system = $1 ORDER BY sales_system, sales_product_code`,
    [query.salesSystem ?? null],
  );
  return rows.map((r) => ({ salesSystem: r.sales_system, salesProductCode: r.sales_product_code, serviceProductCode: r.service_product_code }));
}
