import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../../events/define';
import { unique, useTestDb } from '../../test/support/db';
import { memoryLogger } from '../../test/support/logger';
import { withTransaction } from '../db/transaction';
import { makeOutbox } from './outbox';
import { TopicUnavailableError, type EventPublisher, type OutgoingEvent } from './publisher';
import { makeOutboxRelay, PUBLISH_FAILED_METRIC, type OutboxRelay } from './relay';

const db = useTestDb();

const thingHappened = defineEvent({
  topic: 'test.thing.happened',
  type: 'ahs.test.thing.happened',
  description: 'a thing happened (tests only)',
  data: z.object({ thingId: z.string(), step: z.number().int() }),
  partitionKey: (d) => d.thingId,
});

const at = new Date('2026-11-28T10:00:00.000Z');
const options = { source: '/functions/outbox-test', clock: () => at, traceHeaders: () => ({ 'x-datadog-trace-id': '42' }) };

/** Records what it is given; other test files' rows pass through it too, so look only at your own ids. */
function recordingPublisher(fail?: () => Error | undefined): EventPublisher & { sent: OutgoingEvent[] } {
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drains until none of `ids` is left unpublished: another relay may hold the relay lock for a
 * moment, and other test files' older rows go first (a small batch takes a few at a time).
 */
async function drainUntilPublished(relay: OutboxRelay, ids: string[]): Promise<void> {
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
async function drainBacklog(): Promise<void> {
  const relay = makeOutboxRelay({ db, publisher: recordingPublisher(), logger: memoryLogger(), batchSize: 1000 });
  for (let i = 0; i < 20 && (await relay.drainOnce()) > 0; i++);
}

function commitEvent(thingId: string, step = 1, subject?: string): Promise<string> {
  return withTransaction(db, (tx) => makeOutbox(tx, options).add(thingHappened, { thingId, step }, subject ? { subject } : undefined));
}

async function rowOf(eventId: string) {
  const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM platform.outbox WHERE event_id = $1', [eventId]);
  return rows[0];
}

const mine = (sent: OutgoingEvent[], ids: string[]) => sent.filter((o) => ids.includes(o.event.id)).map((o) => o.event.id);

describe('makeOutbox', () => {
  it('when the transaction rolls back, then no row is left', async () => {
    let eventId = '';
    await expect(
      withTransaction(db, async (tx) => {
        eventId = await makeOutbox(tx, options).add(thingHappened, { thingId: `T-${unique()}`, step: 1 });
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    expect(eventId).not.toBe('');
    expect(await rowOf(eventId)).toBeUndefined();
  });

  it('when the transaction commits, then the row holds topic, type, source, partition key, data and trace headers, unpublished', async () => {
    const thingId = `T-${unique()}`;
    const eventId = await commitEvent(thingId, 7, `thing/${thingId}`);
    expect(await rowOf(eventId)).toMatchObject({
      topic: 'test.thing.happened',
      type: 'ahs.test.thing.happened',
      source: '/functions/outbox-test',
      subject: `thing/${thingId}`,
      partition_key: thingId,
      data: { thingId, step: 7 },
      trace_headers: { 'x-datadog-trace-id': '42' },
      created_at: at,
      published_at: null,
      attempts: 0,
    });
  });

  it('when the data does not match the definition, then add throws and nothing is written', async () => {
    const thingId = `T-${unique()}`;
    await expect(withTransaction(db, (tx) => makeOutbox(tx, options).add(thingHappened, { thingId, step: 'one' } as never))).rejects.toThrow(
      /does not match its schema/,
    );
    const { rows } = await db.query('SELECT 1 FROM platform.outbox WHERE partition_key = $1', [thingId]);
    expect(rows).toHaveLength(0);
  });
});

describe('makeOutboxRelay', () => {
  it('when rows are committed, then they are published once, in insertion order, as CloudEvents, and marked published', async () => {
    await drainBacklog();
    const thingId = `T-${unique()}`;
    const ids = [await commitEvent(thingId, 1), await commitEvent(thingId, 2), await commitEvent(thingId, 3)];
    const publisher = recordingPublisher();
    const relay = makeOutboxRelay({ db, publisher, logger: memoryLogger(), batchSize: 2 });
    await drainUntilPublished(relay, ids);
    expect(mine(publisher.sent, ids)).toEqual(ids);
    const first = publisher.sent.find((o) => o.event.id === ids[0]);
    expect(first?.topic).toBe('test.thing.happened');
    expect(first?.traceHeaders).toEqual({ 'x-datadog-trace-id': '42' });
    expect(first?.event).toMatchObject({
      type: 'ahs.test.thing.happened',
      source: '/functions/outbox-test',
      partitionkey: thingId,
      time: at.toISOString(),
      data: { thingId, step: 1 },
    });
    for (const id of ids) expect(await rowOf(id)).toMatchObject({ published_at: expect.any(Date) as unknown, attempts: 1, last_error: null });

    const again = recordingPublisher();
    const second = makeOutboxRelay({ db, publisher: again, logger: memoryLogger() });
    for (let i = 0; i < 3; i++) await second.drainOnce();
    expect(mine(again.sent, ids)).toEqual([]);
  });

  it('when the publisher throws, then the rows stay unpublished with attempts and last_error; a later drain publishes them', async () => {
    await drainBacklog();
    const eventId = await commitEvent(`T-${unique()}`);
    const failing = makeOutboxRelay({ db, publisher: recordingPublisher(() => new Error('broker unavailable')), logger: memoryLogger(), batchSize: 10_000 });
    let failure: unknown;
    for (let i = 0; i < 50 && failure === undefined; i++)
      failure = await failing.drainOnce().then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toEqual(new Error('broker unavailable'));
    expect(await rowOf(eventId)).toMatchObject({ published_at: null, attempts: 1, last_error: 'broker unavailable' });

    const publisher = recordingPublisher();
    await drainUntilPublished(makeOutboxRelay({ db, publisher, logger: memoryLogger() }), [eventId]);
    expect(mine(publisher.sent, [eventId])).toEqual([eventId]);
    expect(await rowOf(eventId)).toMatchObject({ published_at: expect.any(Date) as unknown, attempts: 2, last_error: null });
  });

  it('when a transaction that added a row is still open, then the row is not published until it commits', async () => {
    const publisher = recordingPublisher();
    const relay = makeOutboxRelay({ db, publisher, logger: memoryLogger() });
    const client = await db.connect();
    let eventId = '';
    try {
      await client.query('BEGIN');
      eventId = await makeOutbox(client, options).add(thingHappened, { thingId: `T-${unique()}`, step: 1 });
      // On Postgres the drain skips the uncommitted row; on PGlite it waits for the commit. Either way
      // nothing of this transaction may reach the publisher while it is open.
      const draining = relay.drainOnce();
      await Promise.race([draining, sleep(200)]);
      expect(mine(publisher.sent, [eventId])).toEqual([]);
      await client.query('COMMIT');
      await draining;
    } finally {
      client.release(true);
    }
    await drainUntilPublished(relay, [eventId]);
    expect(mine(publisher.sent, [eventId])).toEqual([eventId]);
  });
});

describe('outbox relay and trace context', () => {
  it('when a row was written inside a trace, then its event carries the CloudEvents traceparent extension', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traced = { ...options, traceHeaders: () => ({ traceparent, 'x-datadog-trace-id': '42' }) };
    const eventId = await withTransaction(db, (tx) => makeOutbox(tx, traced).add(thingHappened, { thingId: `TP-${unique()}`, step: 1 }));
    const publisher = recordingPublisher();
    await drainUntilPublished(makeOutboxRelay({ db, publisher, logger: memoryLogger() }), [eventId]);
    const sent = publisher.sent.find((o) => o.event.id === eventId);
    expect(sent?.event.traceparent).toBe(traceparent);
    expect(sent?.traceHeaders).toEqual({ traceparent, 'x-datadog-trace-id': '42' });
  });
});

/** Rows of other test files' topics never reach these relays' refusals: only outbox.test.ts drains. */
describe('outbox relay with a topic that cannot be published to', () => {
  const broken = defineEvent({ ...thingHappened, topic: 'test.thing.refused', type: 'ahs.test.thing.refused' });

  function publisherRefusing(topic: string): EventPublisher & { sent: OutgoingEvent[]; refused: number } {
    const state = { sent: [] as OutgoingEvent[], refused: 0 };
    return Object.assign(state, {
      publish(events: OutgoingEvent[]) {
        if (events.some((e) => e.topic === topic)) {
          state.refused += 1;
          return Promise.reject(new Error(`unknown topic ${topic}`));
        }
        state.sent.push(...events);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    });
  }

  it('when one topic fails, then the other topics still flow and the failing topic keeps its rows, set aside for a while', async () => {
    await drainBacklog();
    const stuck = await withTransaction(db, (tx) => makeOutbox(tx, options).add(broken, { thingId: `R-${unique()}`, step: 1 }));
    const flowing = await commitEvent(`F-${unique()}`);
    const publisher = publisherRefusing(broken.topic);
    const relay = makeOutboxRelay({ db, publisher, logger: memoryLogger(), batchSize: 10_000, failedTopicPauseMs: 60_000 });

    await drainUntilPublished(relay, [flowing]);
    expect(mine(publisher.sent, [flowing])).toEqual([flowing]);
    expect(publisher.refused).toBe(1);
    expect(await rowOf(stuck)).toMatchObject({ published_at: null, attempts: 1, last_error: `unknown topic ${broken.topic}` });

    const later = await commitEvent(`L-${unique()}`);
    await drainUntilPublished(relay, [later]);
    expect(publisher.refused).toBe(1); // set aside: not tried again during its pause
    expect(await rowOf(stuck)).toMatchObject({ published_at: null });

    await drainUntilPublished(makeOutboxRelay({ db, publisher: recordingPublisher(), logger: memoryLogger() }), [stuck]);
  });
});

describe('outbox relay after a failed publish', () => {
  const doubtful = defineEvent({ ...thingHappened, topic: 'test.thing.in-doubt', type: 'ahs.test.thing.in-doubt' });
  const unavailable = defineEvent({ ...thingHappened, topic: 'test.thing.unavailable', type: 'ahs.test.thing.unavailable' });
  const commitTo = (definition: typeof thingHappened, thingId: string) =>
    withTransaction(db, (tx) => makeOutbox(tx, options).add(definition, { thingId, step: 1 }));

  /** Records the event ids of each publish call to `topic`; `fail(call)` says whether that call throws. */
  function publisherFailing(topic: string, fail: (call: number) => Error | undefined): EventPublisher & { calls: string[][] } {
    const calls: string[][] = [];
    return {
      calls,
      publish(events) {
        const mine = events.filter((e) => e.topic === topic);
        if (mine.length === 0) return Promise.resolve();
        calls.push(mine.map((e) => e.event.id));
        const error = fail(calls.length);
        return error ? Promise.reject(error) : Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
  }

  it('when a publish failed (the broker may have the events), then exactly those rows are sent again first, newer rows after them', async () => {
    await drainBacklog();
    const thingId = `D-${unique()}`;
    const first = [await commitTo(doubtful, thingId), await commitTo(doubtful, thingId), await commitTo(doubtful, thingId)];
    const publisher = publisherFailing(doubtful.topic, (call) => (call === 1 ? new Error('Connection error: broker down') : undefined));
    const relay = makeOutboxRelay({ db, publisher, logger: memoryLogger(), batchSize: 10_000, failedTopicPauseMs: 0, count: () => undefined });
    await relay.drainOnce().catch(() => 0);
    expect(publisher.calls).toEqual([first]);

    const later = [await commitTo(doubtful, thingId), await commitTo(doubtful, thingId)];
    await drainUntilPublished(relay, [...first, ...later]);
    expect(publisher.calls.slice(0, 2)).toEqual([first, first]);
    expect(publisher.calls.slice(2).flat()).toEqual(later);
  });

  it('when a topic is set aside after a failure, then drains skip it and the relay reports it failing, with its error, until it flows', async () => {
    await drainBacklog();
    const eventId = await commitTo(unavailable, `S-${unique()}`);
    const refused = new TopicUnavailableError(unavailable.topic, 'it does not exist and creating it was refused');
    let refusing = true;
    const publisher = publisherFailing(unavailable.topic, () => (refusing ? refused : undefined));
    const relay = makeOutboxRelay({ db, publisher, logger: memoryLogger(), batchSize: 10_000, failedTopicPauseMs: 1_000, count: () => undefined });
    for (let i = 0; i < 50 && publisher.calls.length === 0; i++) await relay.drainOnce().catch(() => 0);
    await relay.drainOnce().catch(() => 0);
    expect(publisher.calls).toHaveLength(1); // set aside: the second drain did not try it again
    expect(relay.failingTopics()).toEqual([{ topic: unavailable.topic, error: refused }]);
    refusing = false;
    await sleep(1_050);
    await drainUntilPublished(relay, [eventId]);
    expect(relay.failingTopics()).toEqual([]);
  });

  it('when a topic is unavailable, then each attempt is counted, one error is logged, and one line says when it flows again', async () => {
    await drainBacklog();
    const eventId = await commitTo(unavailable, `U-${unique()}`);
    const publisher = publisherFailing(unavailable.topic, (call) =>
      call <= 3 ? new TopicUnavailableError(unavailable.topic, 'it does not exist and creating it was refused') : undefined,
    );
    const logger = memoryLogger();
    const counted: Record<string, string>[] = [];
    const relay = makeOutboxRelay({ db, publisher, logger, batchSize: 10_000, failedTopicPauseMs: 0, count: (name, tags) => counted.push({ name, ...tags }) });
    for (let i = 0; i < 3; i++) await relay.drainOnce().catch(() => 0);
    await drainUntilPublished(relay, [eventId]);
    expect(publisher.calls).toHaveLength(4);
    expect(counted).toEqual(Array(3).fill({ name: PUBLISH_FAILED_METRIC, topic: unavailable.topic, reason: 'topic-unavailable' }));
    const about = logger.lines.filter((l) => l.topic === unavailable.topic);
    expect(about.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'events of a topic cannot be published; they wait until it is available'],
      ['info', 'events of a topic are published again'],
    ]);
    expect(about[1]).toMatchObject({ failedAttempts: 3 });
  });
});
