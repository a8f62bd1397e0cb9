import type { Queryable } from '../../shared/db';
import type { ListQuery } from './schema';

/** Dead letters, newest first, for the admins who replay or discard them. */
export async function listDeadLetters(db: Queryable, q: ListQuery) {
  const params: unknown[] = [];
  const where: string[] = [];
  if (q.type) {
    params.push(q.type);
    where.push(`event_type = $${params.length}`);
  }
  if (q.before) {
    params.push(q.before);
    where.push(`id < $${params.length}`);
  }
  params.push(q.limit);
  const { rows } = await db.query<{ id: string }>(
    `SELECT id, event_source, event_id, event_type, destination, error_code, error_reason, received_at, replayed_at, replayed_as
       FROM platform.dead_letters ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
