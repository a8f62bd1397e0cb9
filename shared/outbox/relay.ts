import { CloudEvent } from 'cloudevents';
import type { Db } from '../db/pool';
import { withTransaction } from '../db/transaction';
import type { Logger } from '../logging';
import { countMetric, traceCarrierOf } from '../observability/tracing';
import { TopicUnavailableError, type EventPublisher, type OutgoingEvent } from './publisher';

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
  /** Counts a metric: DogStatsD by default (when tracing is on). */
  count?: (name: string, tags: Record<string, string>) => void;
}

/** Counted once per failed publish of a topic's rows, tagged with the topic and `reason` (topic-unavailable or publish-failed). */
export const PUBLISH_FAILED_METRIC = 'ahs.outbox.publish_failed';

export interface OutboxRelay {
  /** Publishes the oldest committed, unpublished rows; returns how many were sent. */
  drainOnce(): Promise<number>;
  /** The topics whose rows could not be published and still wait, with the last error. */
  failingTopics(): { topic: string; error: unknown }[];
}

interface Failure {
  topic: string;
  error: unknown;
}

const SELECT_ROWS = `SELECT id, event_id, topic, type, source, subject, partition_key, data, trace_headers, created_at FROM platform.outbox`;

/**
 * Reads committed outbox rows in insertion order, publishes them topic by topic and marks
 * them sent in the same transaction that locked them. A crash after publishing and before the
 * mark republishes on restart (at-least-once); consumers' inboxes make that harmless.
 * A topic that cannot be published to (missing, unauthorised, the broker down) keeps its rows,
 * in order, and is set aside for a while: the other topics' events keep flowing. Kafka keeps
 * order per key within a topic only, and so does the relay: a key's rows of one topic go out in
 * the order they were written, while its rows of other topics (an order's created and updated) may go
 * out before or after them, as Kafka may deliver them anyway. Consumers of several topics of
 * one aggregate do not rely on any order between them (events/define.ts).
 * Rows whose publish failed may be on Kafka all the same (the acknowledgement was lost with the
 * broker): they are sent again exactly as they were, before anything newer of their topic, so
 * the idempotent producer gives them the same sequence numbers and the broker drops what it has.
 * A failing topic is logged once, when it starts failing (an error when it is unavailable),
 * and once when it flows again; every failed attempt counts PUBLISH_FAILED_METRIC.
 */
export function makeOutboxRelay(options: RelayOptions): OutboxRelay {
  const batchSize = options.batchSize ?? 100;
  const pauseMs = options.failedTopicPauseMs ?? 5_000;
  const count = options.count ?? countMetric;
  const setAside = new Map<string, number>();
  const inDoubt = new Map<string, string[]>();
  const failing = new Map<string, { since: number; attempts: number; error: unknown }>();

  const report = (published: Set<string>, failures: Failure[]) => {
    for (const topic of published) {
      const streak = failing.get(topic);
      if (!streak) continue;
      failing.delete(topic);
      options.logger.info('events of a topic are published again', { topic, failedAttempts: streak.attempts, failingForMs: Date.now() - streak.since });
    }
    for (const { topic, error } of failures) {
      const unavailable = error instanceof TopicUnavailableError;
      count(PUBLISH_FAILED_METRIC, { topic, reason: unavailable ? 'topic-unavailable' : 'publish-failed' });
      const streak = failing.get(topic);
      if (streak) {
        streak.attempts += 1;
        streak.error = error;
        continue;
      }
      failing.set(topic, { since: Date.now(), attempts: 1, error });
      const fields = { topic, error, retryEveryMs: pauseMs };
      if (unavailable) options.logger.error('events of a topic cannot be published; they wait until it is available', fields);
      else options.logger.warn('events of a topic could not be published; they wait and are tried again', fields);
    }
  };

  return {
    async drainOnce() {
      const now = Date.now();
      for (const [topic, until] of setAside) if (until <= now) setAside.delete(topic);
      const { sent, topicsSent, failures } = await withTransaction(options.db, async (tx) => {
        const outcome = { sent: 0, topicsSent: new Set<string>(), failures: [] as Failure[] };
        // One relay at a time, even while Knative runs two revisions during a rollout:
        // two relays would interleave the rows of one key and break its order.
        const {
          rows: [lock],
        } = await tx.query<{ held: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS held', [RELAY_LOCK]);
        if (!lock?.held) return outcome;
        const retried = [...inDoubt].filter(([topic]) => !setAside.has(topic));
        const { rows: again } = await tx.query<OutboxRow>(`${SELECT_ROWS} WHERE id = ANY($1::bigint[]) AND published_at IS NULL ORDER BY id FOR UPDATE`, [
          retried.flatMap(([, ids]) => ids),
        ]);
        const { rows } = await tx.query<OutboxRow>(
          `${SELECT_ROWS} WHERE published_at IS NULL AND NOT (topic = ANY($2::text[]))
            ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batchSize, [...setAside.keys(), ...retried.map(([topic]) => topic)]],
        );
        const sentIds: string[] = [];
        for (const [topic] of retried) {
          if (again.some((r) => r.topic === topic)) continue;
          inDoubt.delete(topic); // published meanwhile (by another relay): nothing of it waits any more
          failing.delete(topic);
        }
        for (const [topic, group] of byTopic([...again, ...rows])) {
          const ids = group.map((r) => r.id);
          try {
            await options.publisher.publish(group.map(toOutgoing));
            sentIds.push(...ids);
            outcome.topicsSent.add(topic);
            inDoubt.delete(topic);
          } catch (error) {
            outcome.failures.push({ topic, error });
            inDoubt.set(topic, ids);
            const message = error instanceof Error ? error.message : String(error);
            await tx.query('UPDATE platform.outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])', [ids, message.slice(0, 1000)]);
          }
        }
        if (sentIds.length > 0) {
          await tx.query('UPDATE platform.outbox SET published_at = NOW(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])', [sentIds]);
        }
        outcome.sent = sentIds.length;
        return outcome;
      });
      report(topicsSent, failures);
      for (const failure of failures) setAside.set(failure.topic, Date.now() + pauseMs);
      if (sent === 0 && failures[0]) throw failures[0].error;
      return sent;
    },
    failingTopics: () => [...failing].map(([topic, { error }]) => ({ topic, error })),
  };
}

/** Rows grouped by topic, each group in insertion order. */
function byTopic(rows: OutboxRow[]): Map<string, OutboxRow[]> {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const group = groups.get(row.topic);
    if (group) group.push(row);
    else groups.set(row.topic, [row]);
  }
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
