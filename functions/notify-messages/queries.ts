import type { Principal } from '../../shared/auth/principal';
import { officeTenantSql, ORDER_PLACE } from '../../shared/auth/tenant';
import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import type { CostRow, EventRow, MessageRow } from './present';
import type { CostsQuery, MessagesQuery, Period } from './schema';

/** Throws NotFoundError unless the order exists within the office caller's tenant. */
export async function assertOrderInScope(db: Queryable, principal: Principal, orderId: string): Promise<void> {
  const params: unknown[] = [orderId];
  const scope = officeTenantSql(principal, params);
  const { rows } = await db.query(`SELECT 1 FROM ${ORDER_PLACE} WHERE o.id = $1 AND ${scope}`, params);
  if (rows.length === 0) throw new NotFoundError(`service order ${orderId} not found`);
}

const MESSAGE_COLUMNS = `request_id, fallback_of, recipient_kind, channel, template_id, template_version, locale, kind, status,
  not_before, deferred_reason, destination_masked, subject, body_text, segments, cost_micros::text AS cost_micros, cost_currency,
  cost_source, failure_code, failure_reason, created_at, sent_at, delivered_at`;

/** An order's messages, oldest first, a page at a time, each with its history (oldest first). */
export async function orderMessages(db: Queryable, orderId: string, q: MessagesQuery) {
  const params: unknown[] = [orderId];
  let after = '';
  if (q.cursor) {
    const { c, i } = decodeCursor(q.cursor);
    params.push(c, i);
    after = `AND (created_at, request_id) > ($2::timestamptz, $3::uuid)`;
  }
  params.push(q.limit + 1);
  const { rows } = await db.query<MessageRow & { cursor_at: string }>(
    `SELECT ${MESSAGE_COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
       FROM notify.messages WHERE service_order_id = $1 ${after}
      ORDER BY created_at, request_id LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const { rows: events } = await db.query<EventRow>(
    `SELECT request_id, event, at, detail FROM notify.message_events WHERE request_id = ANY($1::uuid[]) ORDER BY at, id`,
    [page.map((m) => m.request_id)],
  );
  const history = new Map<string, EventRow[]>(page.map((m) => [m.request_id, []]));
  for (const e of events) history.get(e.request_id)?.push(e);
  const last = page[page.length - 1];
  return {
    items: page.map((message) => ({ message, history: history.get(message.request_id) ?? [] })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursor_at, last.request_id) : null,
  };
}

/**
 * The messages of the period within the office caller's tenant, counted and costed per country,
 * business unit, month (UTC, of the request) and channel, then per currency and cost source.
 * A message belongs where it was sent for — its own country and business unit; the store, which
 * a message does not carry, is its order's.
 */
export async function costRows(db: Queryable, principal: Principal, period: Period, q: CostsQuery): Promise<CostRow[]> {
  const params: unknown[] = [period.start, period.end];
  const where = [
    `m.created_at >= $1::timestamptz`,
    `m.created_at < $2::timestamptz`,
    // What has ended: sent (then delivered or not), failed or suppressed; queued, sending and cancelled ones cost nothing yet.
    `m.status IN ('sent', 'delivered', 'undelivered', 'failed', 'suppressed')`,
    officeTenantSql(principal, params, { order: 'm', businessUnit: 'bu', store: 's' }),
  ];
  if (q.country) where.push(`m.country_code = $${params.push(q.country)}`);
  if (q.businessUnit) where.push(`bu.code = $${params.push(q.businessUnit)}`);
  const { rows } = await db.query<CostRow>(
    `SELECT m.country_code, bu.code AS business_unit_code, bu.name AS business_unit_name,
            to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, m.channel, m.cost_currency, m.cost_source,
            count(*) FILTER (WHERE m.status IN ('sent', 'delivered', 'undelivered'))::int AS sent,
            count(*) FILTER (WHERE m.status = 'failed')::int AS failed,
            count(*) FILTER (WHERE m.status = 'suppressed')::int AS suppressed,
            coalesce(sum(m.segments), 0)::int AS segments,
            coalesce(sum(m.cost_micros), 0)::text AS cost_micros
       FROM notify.messages m
       LEFT JOIN org.business_units bu ON bu.id = m.business_unit_id
       LEFT JOIN orders.service_orders o ON o.id = m.service_order_id
       LEFT JOIN org.stores s ON s.id = o.store_id
      WHERE ${where.join(' AND ')}
      GROUP BY 1, 2, 3, 4, 5, 6, 7
      ORDER BY 1, 2 NULLS LAST, 4, 5, 6 NULLS FIRST, 7 NULLS FIRST`,
    params,
  );
  return rows;
}
