import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../../events/define';
import { unique, useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import type { Db } from '../db/pool';
import { RetryableError } from '../errors';
import { makeEventFunction } from './event-function';
import { on } from './subscription';

const NAME = 'event-function-prepare-test';
const lookedUp = defineEvent({
  topic: 'test.thing.looked-up',
  type: 'ahs.test.thing.looked-up',
  description: 'a thing to look up elsewhere (tests only)',
  data: z.object({ thingId: z.string(), lookup: z.enum(['works', 'fails']) }),
  partitionKey: (d) => d.thingId,
});

const db = useTestDb();
/** The function's database, counting the connections it holds (a transaction holds one). */
let held = 0;
const countingDb: Db = {
  query: db.query.bind(db),
  end: () => db.end(),
  connect: (async () => {
    const client = await db.connect();
    held++;
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) => {
      held--;
      return release(error);
    };
    return client;
  }) as Db['connect'],
};
/** How many connections the function held when prepare ran (a transaction open would hold one). */
const seenInPrepare: { thingId: string; clientsInUse: number }[] = [];
const handled: { thingId: string; prepared: string }[] = [];

const subscription = on(
  lookedUp,
  (data, _ctx, prepared: string) => {
    handled.push({ thingId: data.thingId, prepared });
    return Promise.resolve({ result: 'applied' as const });
  },
  (data) => {
    seenInPrepare.push({ thingId: data.thingId, clientsInUse: held });
    if (data.lookup === 'fails') return Promise.reject(new RetryableError('the other system is down'));
    return Promise.resolve(`looked up ${data.thingId}`);
  },
);
const url = await startFunction(NAME, makeEventFunction({ name: NAME, db: countingDb, subscriptions: [subscription], logger: memoryLogger() }));
const event = (thingId: string, lookup: 'works' | 'fails') =>
  cloudEvent({ type: lookedUp.type, source: '/test/lookups', id: randomUUID(), data: { thingId, lookup } });

describe('makeEventFunction with a prepare step', () => {
  it('when a subscription prepares, then it runs before the transaction and the handler gets what it returned', async () => {
    const thingId = `P-${unique()}`;
    expect(await postEvent(url, event(thingId, 'works'))).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(handled.filter((h) => h.thingId === thingId)).toEqual([{ thingId, prepared: `looked up ${thingId}` }]);
    expect(seenInPrepare.find((s) => s.thingId === thingId)?.clientsInUse).toBe(0);
  });

  it('when the prepare step fails, then 503, the handler is not called and nothing is recorded', async () => {
    const thingId = `P-${unique()}`;
    const failing = event(thingId, 'fails');
    expect((await postEvent(url, failing)).status).toBe(503);
    expect(handled.filter((h) => h.thingId === thingId)).toEqual([]);
    const { rows } = await db.query('SELECT 1 FROM platform.inbox WHERE consumer = $1 AND event_id = $2', [NAME, failing.id]);
    expect(rows).toEqual([]);
  });
});
