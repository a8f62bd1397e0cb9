import type { Principal } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import type { ListQuery } from './schema';
import { scopeCondition } from './scope';

const SUMMARY_COLUMNS = `o.id, o.status, o.sales_system, o.sales_order_id, o.sales_channel, o.revision, o.country_code,
  bu.code AS business_unit_code, s.code AS store_code, o.requested_from, o.requested_to, o.technical_visit_required,
  o.skills, o.contact_deadline, o.sold_at, o.provider_id, o.created_at, o.updated_at`;

const FROM = `orders.service_orders o
  JOIN org.business_units bu ON bu.id = o.business_unit_id
  JOIN org.stores s ON s.id = o.store_id`;

export type SummaryRow = Record<string, unknown> & { id: string; created_at: Date };

export async function listOrders(db: Queryable, principal: Principal, q: ListQuery) {
  const params: unknown[] = [];
  const where = [scopeCondition(principal, params)];
  const filter = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.status) filter('o.status = ?', q.status);
  if (q.store) filter('s.code = ?', q.store);
  if (q.salesSystem) filter('o.sales_system = ?', q.salesSystem);
  if (q.channel) filter('o.sales_channel = ?', q.channel);
  if (q.cursor) {
    const { c, i } = decodeCursor(q.cursor);
    params.push(c, i);
    where.push(`(o.created_at, o.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(q.limit + 1);
  // The cursor keeps created_at to the microsecond, as Postgres does: a JS Date (milliseconds)
  // would skip the rows created earlier within the same millisecond as a page's last row.
  const { rows } = await db.query<SummaryRow & { cursor_at: string }>(
    `SELECT ${SUMMARY_COLUMNS}, to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
       FROM ${FROM} WHERE ${where.join(' AND ')}
      ORDER BY o.created_at DESC, o.id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > q.limit && last ? encodeCursor(last.cursor_at, last.id) : null;
  return { items: page, nextCursor };
}

/** Whether the order exists within the caller's scope (what a read of something of the order checks first). */
export async function orderInScope(db: Queryable, principal: Principal, id: string): Promise<boolean> {
  const params: unknown[] = [id];
  const scope = scopeCondition(principal, params);
  const { rows } = await db.query(`SELECT 1 FROM ${FROM} WHERE o.id = $1 AND ${scope}`, params);
  return rows.length > 0;
}

export async function findOrder(db: Queryable, principal: Principal, id: string) {
  const params: unknown[] = [id];
  const scope = scopeCondition(principal, params);
  // Linked orders the caller may not see are not named either.
  const linkedScope = scopeCondition(principal, params, { order: 'lo', businessUnit: 'lbu', store: 'ls' });
  const { rows } = await db.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS}, o.sales_order_metadata, o.installation_status, o.contract_status, o.closed_at, o.price_currency, o.list_price_minor::float8 AS list_price_minor,
            o.channel_adjustment_minor::float8 AS channel_adjustment_minor, o.total_minor::float8 AS total_minor,
            c.id AS customer_id, c.full_name, c.phone, c.email, c.language, c.street, c.postal_code, c.city,
            c.latitude, c.longitude,
            COALESCE((SELECT json_agg(json_build_object('lineNo', l.line_no, 'serviceProductCode', l.service_product_code,
                        'salesProductCode', l.sales_product_code, 'description', l.description,
                        'quantity', l.quantity::float8, 'unitPriceMinor', l.unit_price_minor::int8, 'currency', l.currency,
                        'listPriceMinor', l.list_price_minor, 'channelAdjustmentMinor', l.channel_adjustment_minor,
                        'totalMinor', l.total_minor, 'pricingRuleId', l.pricing_rule_id)
                      ORDER BY l.line_no) FROM orders.service_order_lines l WHERE l.service_order_id = o.id), '[]') AS lines,
            ARRAY(SELECT k.linked_service_order_id FROM orders.service_order_links k
                    JOIN orders.service_orders lo ON lo.id = k.linked_service_order_id
                    JOIN org.business_units lbu ON lbu.id = lo.business_unit_id
                    JOIN org.stores ls ON ls.id = lo.store_id
                   WHERE k.service_order_id = o.id AND ${linkedScope} ORDER BY k.created_at) AS linked_ids
       FROM ${FROM} JOIN orders.customers c ON c.id = o.customer_id
      WHERE o.id = $1 AND ${scope}`,
    params,
  );
  return rows[0];
}
