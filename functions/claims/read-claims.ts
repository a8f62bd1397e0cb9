import type { Principal } from '../../shared/auth/principal';
import { officeTenantSql, ORDER_PLACE } from '../../shared/auth/tenant';
import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import type { ApprovalRow, ClaimRow, HistoryRow } from './present';
import { CLAIM_COLUMNS } from './queries';
import type { ListQuery } from './schema';

const FROM = `claims.claims c JOIN ${ORDER_PLACE} ON o.id = c.service_order_id`;

/** The claims within the office caller's tenant, the latest claimed first, a page at a time. */
export async function listClaims(db: Queryable, principal: Principal, q: ListQuery) {
  const params: unknown[] = [];
  const where = [officeTenantSql(principal, params)];
  const filter = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.status) filter('c.status = ANY(?::text[])', q.status);
  if (q.entitlement) filter('c.entitlement = ?', q.entitlement);
  if (q.serviceOrderId) filter('c.service_order_id = ?', q.serviceOrderId);
  if (q.country) filter('o.country_code = ?', q.country);
  if (q.openedVia) filter('c.opened_via = ?', q.openedVia);
  if (q.claimedFrom) filter('c.claimed_at >= ?::timestamptz', `${q.claimedFrom}T00:00:00Z`);
  if (q.claimedTo) filter(`c.claimed_at < ?::timestamptz + INTERVAL '1 day'`, `${q.claimedTo}T00:00:00Z`);
  if (q.open !== undefined) where.push(q.open ? 'c.closed_at IS NULL' : 'c.closed_at IS NOT NULL');
  if (q.cursor) {
    const { c, i } = decodeCursor(q.cursor);
    params.push(c, i);
    where.push(`(c.claimed_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(q.limit + 1);
  const { rows } = await db.query<ClaimRow & { cursor_at: string }>(
    `SELECT ${CLAIM_COLUMNS}, to_char(c.claimed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
       FROM ${FROM} WHERE ${where.join(' AND ')}
      ORDER BY c.claimed_at DESC, c.id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursor_at, last.id) : null };
}

/** One claim with its history (oldest first) and approvals, when the office caller may see its order; NotFoundError otherwise. */
export async function claimDetail(db: Queryable, principal: Principal, claimId: string) {
  const params: unknown[] = [claimId];
  const scope = officeTenantSql(principal, params);
  const {
    rows: [claim],
  } = await db.query<ClaimRow>(`SELECT ${CLAIM_COLUMNS} FROM ${FROM} WHERE c.id = $1 AND ${scope}`, params);
  if (!claim) throw new NotFoundError(`claim ${claimId} not found`);
  const [history, approvals] = await Promise.all([
    db.query<HistoryRow>(`SELECT at, actor, action, detail FROM claims.history WHERE claim_id = $1 ORDER BY id`, [claimId]),
    db.query<ApprovalRow>(
      `SELECT id, level, amount_minor::float8 AS amount_minor, decision, comment, decided_by, decided_at
         FROM claims.approvals WHERE claim_id = $1 ORDER BY decided_at, id`,
      [claimId],
    ),
  ]);
  return { claim, history: history.rows, approvals: approvals.rows };
}
