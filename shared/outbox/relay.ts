import { CloudEvent } from 'cloudevents';
import type { Db } from '../db/pool';
import { withTransaction } from '../db/transaction';
import type { Logger } from '../logging';
import type { EventPublisher, OutgoingEvent } from './publisher';

interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  type: string;
  source: string;
  subject: string | null;
  partition_key: string;
  data: unknown;
  trace_headers: Record<string, string>;
  created_at: Date;
}

/** Advisory lock key of the outbox relay ("ahs-outbox" as a number). */
const RELAY_LOCK = 0x61687362;

export interface RelayOptions {
  db: Db;
  publisher: EventPublisher;
  logger: Logger;
  batchSize?: number;
}

export interface OutboxRelay {
  /** Publishes the oldest committed, unpublished rows; returns how many were sent. */
  drainOnce(): Promise<number>;
}

/**
 * Reads committed outbox rows in insertion order, publishes them and marks them sent in
 * the same transaction that locked them. A crash after publishing and before the mark
 * republishes on restart (at-least-once); consumers' inboxes make that harmless.
 */
export function makeOutboxRelay(options: RelayOptions): OutboxRelay {
  const batchSize = options.batchSize ?? 100;
  return {
    async drainOnce() {
      try {
        return await withTransaction(options.db, async (tx) => {
          // One relay at a time, even while Knative runs two revisions during a rollout:
          // two relays would interleave the rows of one key and break its order.
          const { rows: [lock] } = await tx.query<{ held: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS held', [RELAY_LOCK]);
          if (!lock?.held) return 0;
          const { rows } = await tx.query<OutboxRow>(
            `SELECT id, event_id, topic, type, source, subject, partition_key, data, trace_headers, created_at
               FROM platform.outbox WHERE published_at IS NULL
              ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
            [batchSize],
          );
          if (rows.length === 0) return 0;
          await options.publisher.publish(rows.map(toOutgoing));
          await tx.query(
            'UPDATE platform.outbox SET published_at = NOW(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])',
            [rows.map((r) => r.id)],
          );
          return rows.length;
        });
      } catch (error) {
        await recordFailure(options.db, batchSize, error);
        throw error;
      }
    },
  };
}

function toOutgoing(row: OutboxRow): OutgoingEvent {
  const event = new CloudEvent<unknown>(
    {
      specversion: '1.0',
      id: row.event_id,
      source: row.source,
      type: row.type,
      time: row.created_at.toISOString(),
      datacontenttype: 'application/json',
      ...(row.subject ? { subject: row.subject } : {}),
      partitionkey: row.partition_key,
      data: row.data,
    },
    false,
  );
  return { topic: row.topic, event, traceHeaders: row.trace_headers };
}

async function recordFailure(db: Db, batchSize: number, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await db
    .query(
      `UPDATE platform.outbox SET attempts = attempts + 1, last_error = $2
        WHERE id IN (SELECT id FROM platform.outbox WHERE published_at IS NULL ORDER BY id LIMIT $1)`,
      [batchSize, message.slice(0, 1000)],
    )
    .catch(() => undefined);
}
