import type { Queryable } from '../db/pool';

export interface RetentionPolicy {
  /** Published outbox rows are kept this long (for audit and replays), then deleted. */
  outboxDays: number;
  /**
   * Inbox rows are kept this long. Longer than the topics' retention: a redelivery can only
   * come from what Kafka still holds, so older inbox rows can never catch a duplicate.
   */
  inboxDays: number;
}

/** Deletes what the retention policy no longer needs; unpublished outbox rows are never touched. */
export async function pruneDelivered(db: Queryable, policy: RetentionPolicy): Promise<{ outbox: number; inbox: number }> {
  const outbox = await db.query(
    `DELETE FROM platform.outbox WHERE published_at IS NOT NULL AND published_at < NOW() - make_interval(days => $1)`,
    [policy.outboxDays],
  );
  const inbox = await db.query(`DELETE FROM platform.inbox WHERE received_at < NOW() - make_interval(days => $1)`, [policy.inboxDays]);
  return { outbox: outbox.rowCount ?? 0, inbox: inbox.rowCount ?? 0 };
}
