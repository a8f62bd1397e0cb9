import type { Queryable } from '../db/pool';

export interface RetentionPolicy {
  /** Published outbox rows are kept this long (for audit and replays), then deleted. */
  outboxDays: number;
  /**
   * What catches duplicates is kept this long: inbox rows (events), stored worker answers
   * (platform.job_results, by job key) and stored HTTP answers (platform.idempotency_keys, by
   * the app's Idempotency-Key). Longer than the topics' retention, the engine's job timeouts and
   * an offline app's retries: older rows can never catch a duplicate.
   */
  inboxDays: number;
}

/** Deletes what the retention policy no longer needs; unpublished outbox rows are never touched. */
export async function pruneDelivered(
  db: Queryable,
  policy: RetentionPolicy,
): Promise<{ outbox: number; inbox: number; jobResults: number; idempotencyKeys: number }> {
  const outbox = await db.query(`DELETE FROM platform.outbox WHERE published_at IS NOT NULL AND published_at < NOW() - make_interval(days => $1)`, [
    policy.outboxDays,
  ]);
  const inbox = await db.query(`DELETE FROM platform.inbox WHERE received_at < NOW() - make_interval(days => $1)`, [policy.inboxDays]);
  const jobResults = await db.query(`DELETE FROM platform.job_results WHERE created_at < NOW() - make_interval(days => $1)`, [policy.inboxDays]);
  const idempotencyKeys = await db.query(`DELETE FROM platform.idempotency_keys WHERE created_at < NOW() - make_interval(days => $1)`, [policy.inboxDays]);
  return { outbox: outbox.rowCount ?? 0, inbox: inbox.rowCount ?? 0, jobResults: jobResults.rowCount ?? 0, idempotencyKeys: idempotencyKeys.rowCount ?? 0 };
}
