import { CloudEvent } from 'cloudevents';
import type { Db } from '../db/pool';
import { withTransaction } from '../db/transaction';
import type { Logger } from '../logging';
import { traceCarrierOf } from '../observability/tracing';
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
  /** How long a topic whose publish failed is left aside before it is tried again. */
  failedTopicPauseMs?: number;
}

export interface OutboxRelay {
  /** Publishes the oldest committed, unpublished rows; returns how many were sent. */
  drainOnce(): Promise<number>;
}

interface Failure {
  topic: string;
  error: unknown;
}

/**
 * Reads committed outbox rows in insertion order, publishes them topic by topic and marks
 * them sent in the same transaction that locked them. A crash after publishing and before the
 * mark republishes on restart (at-least-once); consumers' inboxes make that harmless.
 * A topic that cannot be published to (missing, unauthorised) keeps its rows, in order, and is
 * set aside for a while: the other topics' events keep flowing. Order matters per key, and a
 * key's events share a topic, so nothing is reordered.
 */
export function makeOutboxRelay(options: RelayOptions): OutboxRelay {
  const batchSize = options.batchSize ?? 100;
  const pauseMs = options.failedTopicPauseMs ?? 5_000;
  const setAside = new Map<string, number>();
  return {
    async drainOnce() {
      const now = Date.now();
      for (const [topic, until] of setAside) if (until <= now) setAside.delete(topic);
      const { published, failures } = await withTransaction(options.db, async (tx) => {
        // One relay at a time, even while Knative runs two revisions during a rollout:
        // two relays would interleave the rows of one key and break its order.
        const { rows: [lock] } = await tx.query<{ held: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS held', [RELAY_LOCK]);
        if (!lock?.held) return { published: 0, failures: [] as Failure[] };
        const { rows } = await tx.query<OutboxRow>(
          `SELECT id, event_id, topic, type, source, subject, partition_key, data, trace_headers, created_at
             FROM platform.outbox WHERE published_at IS NULL AND NOT (topic = ANY($2::text[]))
            ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batchSize, [...setAside.keys()]],
        );
        const sent: string[] = [];
        const failed: Failure[] = [];
        for (const [topic, group] of byTopic(rows)) {
          const ids = group.map((r) => r.id);
          try {
            await options.publisher.publish(group.map(toOutgoing));
            sent.push(...ids);
          } catch (error) {
            failed.push({ topic, error });
            const message = error instanceof Error ? error.message : String(error);
            await tx.query('UPDATE platform.outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])', [ids, message.slice(0, 1000)]);
          }
        }
        if (sent.length > 0) {
          await tx.query(
            'UPDATE platform.outbox SET published_at = NOW(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])',
            [sent],
          );
        }
        return { published: sent.length, failures: failed };
      });
      for (const failure of failures) {
        setAside.set(failure.topic, Date.now() + pauseMs);
        options.logger.warn('events of a topic could not be published; they wait', { topic: failure.topic, error: failure.error, retryInMs: pauseMs });
      }
      if (published === 0 && failures[0]) throw failures[0].error;
      return published;
    },
  };
}

/** Rows grouped by topic, each group in insertion order. */
function byTopic(rows: OutboxRow[]): Map<string, OutboxRow[]> {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) groups.set(row.topic, [...(groups.get(row.topic) ?? []), row]);
  return groups;
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
      // CloudEvents distributed tracing: the producer's trace travels with the event.
      ...traceCarrierOf(row.trace_headers),
      data: row.data,
    },
    false,
  );
  return { topic: row.topic, event, traceHeaders: row.trace_headers };
}
