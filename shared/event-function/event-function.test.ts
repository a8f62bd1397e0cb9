import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../../events/define';
import { unique, useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import type { DbClient } from '../db/pool';
import { ConflictError, PermanentError, RetryableError } from '../errors';
import { makeEventFunction } from './event-function';
import { KAFKA_SOURCE_TYPE, on, type EventContext } from './subscription';

const NAME = 'event-function-test';
const thingHappened = defineEvent({
  topic: 'test.thing.happened',
  type: 'ahs.test.thing.happened',
  description: 'a thing happened (tests only)',
  data: z.object({
    thingId: z.string().min(1),
    count: z.number().int().positive(),
    then: z.enum(['apply', 'ignore', 'permanent', 'retry-once', 'conflict', 'crash']).default('apply'),
  }),
  partitionKey: (d) => d.thingId,
});
const thingCounted = defineEvent({
  topic: 'test.thing.counted',
  type: 'ahs.test.thing.counted',
  description: 'the follow-up a handler publishes (tests only)',
  data: z.object({ thingId: z.string(), count: z.number() }),
  partitionKey: (d) => d.thingId,
});

const db = useTestDb();
const at = new Date('2026-11-28T10:00:00.000Z');
const calls: { data: z.infer<typeof thingHappened.data>; event: EventContext['event'] }[] = [];
const retried = new Set<string>();

/** The "state change": a row the handler writes in its transaction (platform.inbox under a private consumer). */
const writeState = (tx: DbClient, thingId: string) =>
  tx.query('INSERT INTO platform.inbox (consumer, source, event_id, type) VALUES ($1, $2, $3, $4)', [`${NAME}-state`, '/state', thingId, 'state']);

/** What each afterCommit task saw of its thing's state row when it ran (committed: visible from another connection). */
const afterCommitSaw = new Map<string, Promise<number>>();

const handler = on(thingHappened, async (data, { tx, outbox, event, afterCommit }) => {
  calls.push({ data, event });
  afterCommit(() =>
    afterCommitSaw.set(
      data.thingId,
      db.query('SELECT 1 FROM platform.inbox WHERE consumer = $1 AND event_id = $2', [`${NAME}-state`, data.thingId]).then((r) => r.rows.length),
    ),
  );
  await writeState(tx, data.thingId);
  await outbox.add(thingCounted, { thingId: data.thingId, count: data.count });
  switch (data.then) {
    case 'ignore':
      return { result: 'ignored', reason: 'older revision' };
    case 'permanent':
      throw new PermanentError(`store of ${data.thingId} is unknown`, 'unknown-store');
    case 'retry-once':
      if (!retried.has(data.thingId)) {
        retried.add(data.thingId);
        throw new RetryableError('database unavailable (40001)');
      }
      return { result: 'applied' };
    case 'conflict':
      throw new ConflictError('thing is locked', 'locked');
    case 'crash':
      throw new Error('password=hunter2');
    default:
      return { result: 'applied', detail: { thingId: data.thingId } };
  }
});
const url = await startFunction(NAME, makeEventFunction({ name: NAME, db, subscriptions: [handler], logger: memoryLogger(), clock: () => at }));

const thing = (then = 'apply', extra: Record<string, unknown> = {}) => {
  const thingId = `T-${unique()}`;
  return { thingId, event: cloudEvent({ type: thingHappened.type, source: '/test/things', id: randomUUID(), data: { thingId, count: 2, then, ...extra } }) };
};

async function committed(thingId: string, eventId: string) {
  const [inbox, state, outbox] = await Promise.all([
    db.query('SELECT type FROM platform.inbox WHERE consumer = $1 AND source = $2 AND event_id = $3', [NAME, '/test/things', eventId]),
    db.query('SELECT 1 FROM platform.inbox WHERE consumer = $1 AND event_id = $2', [`${NAME}-state`, thingId]),
    db.query('SELECT topic, type, source, partition_key, data, created_at FROM platform.outbox WHERE partition_key = $1', [thingId]),
  ]);
  return { inbox: inbox.rows, state: state.rows.length, outbox: outbox.rows };
}

const callsFor = (thingId: string) => calls.filter((c) => c.data.thingId === thingId);

describe('makeEventFunction', () => {
  it('when an event is applied, then 200 applied, and inbox, state and the outbox row commit together', async () => {
    const { thingId, event } = thing();
    expect(await postEvent(url, event)).toEqual({ status: 200, body: { result: 'applied', detail: { thingId } } });
    expect(await committed(thingId, event.id)).toEqual({
      inbox: [{ type: thingHappened.type }],
      state: 1,
      outbox: [
        {
          topic: 'test.thing.counted',
          type: 'ahs.test.thing.counted',
          source: `/functions/${NAME}`,
          partition_key: thingId,
          data: { thingId, count: 2 },
          created_at: at,
        },
      ],
    });
    expect(callsFor(thingId)).toEqual([
      {
        data: { thingId, count: 2, then: 'apply' },
        event: expect.objectContaining({ id: event.id, source: '/test/things', type: thingHappened.type }) as unknown,
      },
    ]);
  });

  it('when the same event is delivered again, then 200 duplicate and the handler is not called again', async () => {
    const { thingId, event } = thing();
    await postEvent(url, event);
    expect(await postEvent(url, event)).toEqual({ status: 200, body: { result: 'duplicate' } });
    expect(callsFor(thingId)).toHaveLength(1);
    expect((await committed(thingId, event.id)).outbox).toHaveLength(1);
  });

  it('when the handler ignores the event, then 200 ignored with the reason, and the event is recorded as seen', async () => {
    const { thingId, event } = thing('ignore');
    expect(await postEvent(url, event)).toEqual({ status: 200, body: { result: 'ignored', reason: 'older revision' } });
    expect((await committed(thingId, event.id)).inbox).toHaveLength(1);
  });

  it('when the handler throws PermanentError after writing, then 400 with the reason and nothing is committed', async () => {
    const { thingId, event } = thing('permanent');
    expect(await postEvent(url, event)).toEqual({
      status: 400,
      body: { error: 'unprocessable_event', reason: `store of ${thingId} is unknown`, code: 'unknown-store' },
    });
    expect(callsFor(thingId)).toHaveLength(1);
    expect(await committed(thingId, event.id)).toEqual({ inbox: [], state: 0, outbox: [] });
  });

  it('when the handler throws RetryableError, then 503, nothing is recorded, and the redelivery is processed', async () => {
    const { thingId, event } = thing('retry-once');
    expect(await postEvent(url, event)).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    expect(await committed(thingId, event.id)).toEqual({ inbox: [], state: 0, outbox: [] });
    expect(await postEvent(url, event)).toEqual({ status: 200, body: { result: 'applied' } });
    expect(callsFor(thingId)).toHaveLength(2);
    expect(await committed(thingId, event.id)).toMatchObject({ inbox: [{}], state: 1, outbox: [{}] });
  });

  it('when the handler throws ConflictError, then 409 (retried) and nothing is committed', async () => {
    const { thingId, event } = thing('conflict');
    expect(await postEvent(url, event)).toEqual({ status: 409, body: { error: 'conflict', reason: 'thing is locked' } });
    expect(await committed(thingId, event.id)).toEqual({ inbox: [], state: 0, outbox: [] });
  });

  it('when the handler throws an unknown error, then 500 without its message and nothing is committed', async () => {
    const { thingId, event } = thing('crash');
    const answer = await postEvent(url, event);
    expect(answer).toEqual({ status: 500, body: { error: 'internal', reason: 'internal error' } });
    expect(await committed(thingId, event.id)).toEqual({ inbox: [], state: 0, outbox: [] });
  });

  it('when the event type is not subscribed, then 400 naming it and the handler is not called', async () => {
    const before = calls.length;
    const answer = await postEvent(url, cloudEvent({ type: 'ahs.test.other.happened', id: randomUUID(), data: {} }));
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_event', reason: expect.stringContaining('"ahs.test.other.happened"') as unknown } });
    expect(calls.length).toBe(before);
  });

  it('when the data does not match the definition, then 400 naming data.<field> and nothing is recorded', async () => {
    const { thingId, event } = thing('apply', { count: 0 });
    const answer = await postEvent(url, event);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_event', issues: [{ field: 'data.count', message: expect.any(String) as unknown }] } });
    expect(answer.body.reason).toMatch(/data\.count/);
    expect(await committed(thingId, event.id)).toEqual({ inbox: [], state: 0, outbox: [] });
  });

  it('when a KafkaSource wraps a record without ce_ headers, then the event is resolved by its topic', async () => {
    const thingId = `T-${unique()}`;
    const event = cloudEvent({
      type: KAFKA_SOURCE_TYPE,
      source: '/apis/v1/namespaces/ahs/kafkasources/things#test.thing.happened',
      id: randomUUID(),
      data: { thingId, count: 1 },
    });
    expect(await postEvent(url, event)).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(callsFor(thingId)).toHaveLength(1);
  });

  it('when the request is not a CloudEvent or not a POST, then 400', async () => {
    const plain = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"thingId":"x"}' });
    expect(plain.status).toBe(400);
    const put = await fetch(url, { method: 'PUT' });
    expect(put.status).toBe(400);
  });

  it('when GET /healthz, then 200 ok', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('event function: after the commit', () => {
  it('when a handler asks for a task after its commit, then it runs once the effect is visible, and never when the transaction rolls back', async () => {
    const applied = thing();
    expect((await postEvent(url, applied.event)).status).toBe(200);
    expect(await afterCommitSaw.get(applied.thingId)).toBe(1);
    const refused = thing('permanent');
    expect((await postEvent(url, refused.event)).status).toBe(400);
    expect(afterCommitSaw.has(refused.thingId)).toBe(false);
  });
});
