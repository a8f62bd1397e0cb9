import { z } from 'zod';
import { defineEvent } from '../../events/define';
import type { Db } from '../db';
import { withTransaction } from '../db/transaction';
import { memoryLogger } from '../../test/support/logger';
import { makeOutbox } from './outbox';
import type { EventPublisher, OutgoingEvent } from './publisher';
import { makeOutboxRelay, type OutboxRelay } from './relay';

/** Test support of the outbox tests (outbox.test.ts, relay-failures.test.ts), on the run's shared database. */
export const thingHappened = defineEvent({
  topic: 'test.thing.happened',
  type: 'ahs.test.thing.happened',
  description: 'a thing happened (tests only)',
  data: z.object({ thingId: z.string(), step: z.number().int() }),
  partitionKey: (d) => d.thingId,
});

export const at = new Date('2026-11-28T10:00:00.000Z');
export const options = { source: '/functions/outbox-test', clock: () => at, traceHeaders: () => ({ 'x-datadog-trace-id': '42' }) };

/** Records what it is given; other test files' rows pass through it too, so look only at your own ids. */
export function recordingPublisher(fail?: () => Error | undefined): EventPublisher & { sent: OutgoingEvent[] } {
  const sent: OutgoingEvent[] = [];
  return {
    sent,
    publish(events) {
      const error = fail?.();
      if (error) return Promise.reject(error);
      sent.push(...events);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drains until none of `ids` is left unpublished: another relay may hold the relay lock for a
 * moment, and other test files' older rows go first (a small batch takes a few at a time).
 */
export async function drainUntilPublished(db: Db, relay: OutboxRelay, ids: string[]): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    await relay.drainOnce();
    const { rows } = await db.query('SELECT 1 FROM platform.outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NULL', [ids]);
    if (rows.length === 0) return;
    await sleep(20);
  }
  throw new Error(`events ${ids.join(', ')} were never published`);
}

/** Drains what is there now, so a later failing drain meets few rows of other test files. */
export async function drainBacklog(db: Db): Promise<void> {
  const relay = makeOutboxRelay({ db, publisher: recordingPublisher(), logger: memoryLogger(), batchSize: 1000 });
  for (let i = 0; i < 20 && (await relay.drainOnce()) > 0; i++);
}

export function commitEvent(db: Db, thingId: string, step = 1, subject?: string): Promise<string> {
  return withTransaction(db, (tx) => makeOutbox(tx, options).add(thingHappened, { thingId, step }, subject ? { subject } : undefined));
}

export async function rowOf(db: Db, eventId: string) {
  const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM platform.outbox WHERE event_id = $1', [eventId]);
  return rows[0];
}

export const mine = (sent: OutgoingEvent[], ids: string[]) => sent.filter((o) => ids.includes(o.event.id)).map((o) => o.event.id);
