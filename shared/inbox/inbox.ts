import type { Queryable } from '../db/pool';

export interface InboxEntry {
  consumer: string;
  source: string;
  id: string;
  type: string;
}

/**
 * Records that `consumer` has applied the event `(source, id)`, inside the caller's
 * transaction. Returns false when it was already recorded: the event is a duplicate and
 * the caller must change nothing. The primary key makes this safe under concurrency:
 * a second delivery racing the first waits on the row lock, then sees the conflict.
 */
export async function claimInbox(tx: Queryable, entry: InboxEntry): Promise<boolean> {
  const result = await tx.query(
    `INSERT INTO platform.inbox (consumer, source, event_id, type) VALUES ($1, $2, $3, $4)
     ON CONFLICT (consumer, source, event_id) DO NOTHING`,
    [entry.consumer, entry.source, entry.id, entry.type],
  );
  return result.rowCount === 1;
}
