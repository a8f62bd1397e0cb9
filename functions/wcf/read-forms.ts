import type { Principal } from '../../shared/auth/principal';
import { officeTenantSql, ORDER_PLACE } from '../../shared/auth/tenant';
import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import type { DisputeRow, DocumentRow, FormRow, ReserveRow, ReworkRow } from './present';
import type { ListQuery } from './schema';

const FORM_COLUMNS = `f.id, f.service_order_id, f.kind, f.rework_id, f.status, f.answer, f.rejection_reason, f.answered_at, f.answered_via,
  f.language, f.attempt, f.agreement_id, f.signed_at, f.created_at, f.updated_at, o.sales_system, o.sales_order_id, o.country_code,
  bu.code AS business_unit_code, s.code AS store_code`;
const FROM = `wcf.forms f JOIN ${ORDER_PLACE} ON o.id = f.service_order_id`;

/** The forms within the office caller's tenant, newest first, a page at a time. */
export async function listForms(db: Queryable, principal: Principal, q: ListQuery) {
  const params: unknown[] = [];
  const where = [officeTenantSql(principal, params)];
  const filter = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.status) filter('f.status = ?', q.status);
  if (q.kind) filter('f.kind = ?', q.kind);
  if (q.answer) filter('f.answer = ?', q.answer);
  if (q.country) filter('o.country_code = ?', q.country);
  if (q.businessUnitId) filter('o.business_unit_id = ?', q.businessUnitId);
  if (q.storeId) filter('o.store_id = ?', q.storeId);
  if (q.serviceOrderId) filter('f.service_order_id = ?', q.serviceOrderId);
  if (q.cursor) {
    const { c, i } = decodeCursor(q.cursor);
    params.push(c, i);
    where.push(`(f.created_at, f.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(q.limit + 1);
  const { rows } = await db.query<FormRow & { cursor_at: string }>(
    `SELECT ${FORM_COLUMNS}, to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
       FROM ${FROM} WHERE ${where.join(' AND ')}
      ORDER BY f.created_at DESC, f.id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last.cursor_at, last.id) : null };
}

/** One form with everything about it, when the office caller may see its order; NotFoundError otherwise. */
export async function formDetail(db: Queryable, principal: Principal, formId: string) {
  const params: unknown[] = [formId];
  const scope = officeTenantSql(principal, params);
  const {
    rows: [form],
  } = await db.query<FormRow>(`SELECT ${FORM_COLUMNS} FROM ${FROM} WHERE f.id = $1 AND ${scope}`, params);
  if (!form) throw new NotFoundError(`WCF form ${formId} not found`);
  const [reserves, reworks, disputes, documents, agreement] = await Promise.all([
    db.query<ReserveRow>(
      `SELECT id, form_id, seq, origin, description, location, photo_refs, status, rework_id, lifted_at, lifted_by, lifted_note, lifted_photo_refs,
              confirmed_at, created_at
         FROM wcf.reserves WHERE form_id = $1 OR (rework_id IS NOT NULL AND rework_id = $2) ORDER BY created_at, form_id, seq`,
      [form.id, form.rework_id],
    ),
    db.query<ReworkRow>(
      `SELECT id, round, origin, provider_id, deadline, status, lifted_at, created_at FROM wcf.reworks WHERE service_order_id = $1 ORDER BY round, created_at`,
      [form.service_order_id],
    ),
    db.query<DisputeRow>(`SELECT id, reason, opened_by, status, opened_at, resolved_at FROM wcf.disputes WHERE form_id = $1 ORDER BY opened_at`, [form.id]),
    db.query<DocumentRow>(
      `SELECT id, kind, sha256, size_bytes::float8 AS size_bytes, content_type, agreement_id, created_at FROM wcf.documents WHERE form_id = $1 ORDER BY created_at, id`,
      [form.id],
    ),
    form.agreement_id
      ? db.query<{ status: string }>(`SELECT status FROM contracts.agreements WHERE agreement_id = $1`, [form.agreement_id])
      : Promise.resolve({ rows: [] as { status: string }[] }),
  ]);
  return {
    form,
    reserves: reserves.rows,
    reworks: reworks.rows,
    disputes: disputes.rows,
    documents: documents.rows,
    agreementStatus: agreement.rows[0]?.status ?? null,
  };
}
