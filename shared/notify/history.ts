import type { Queryable } from '../db';

/**
 * One line of a message's history (notify.message_events), in the caller's transaction: accepted,
 * deferred, attempt, provider answers, status callbacks, fallback, opt-out. `detail` holds no PII
 * (masked destinations at most).
 */
export async function recordMessageEvent(db: Queryable, requestId: string, event: string, detail: Record<string, unknown> = {}): Promise<void> {
  await db.query('INSERT INTO notify.message_events (request_id, event, detail) VALUES ($1, $2, $3)', [requestId, event, JSON.stringify(detail)]);
}
