import { describe, expect, it } from 'vitest';
import { unique, useTestDb } from '../../test/support/db';
import { memoryLogger } from '../../test/support/logger';
import { withTransaction } from '../db/transaction';
import { makeOutbox } from './outbox';
import { makeOutboxRelay } from './relay';
import { at, commitEvent, drainBacklog, drainUntilPublished, mine, options, recordingPublisher, rowOf, sleep, thingHappened } from './testing';

const db = useTestDb();

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
    expect(await rowOf(db, eventId)).toBeUndefined();
  });

  it('when the transaction commits, then the row holds topic, type, source, partition key, data and trace headers, unpublished', async () => {
    const thingId = `T-${unique()}`;
    const eventId = await commitEvent(db, thingId, 7, `thing/${thingId}`);
    expect(await rowOf(db, eventId)).toMatchObject({
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
    await drainBacklog(db);
    const thingId = `T-${unique()}`;
    const ids = [await commitEvent(db, thingId, 1), await commitEvent(db, thingId, 2), await commitEvent(db, thingId, 3)];
    const publisher = recordingPublisher();
    const relay = makeOutboxRelay({ db, publisher, logger: memoryLogger(), batchSize: 2 });
    await drainUntilPublished(db, relay, ids);
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
    for (const id of ids) expect(await rowOf(db, id)).toMatchObject({ published_at: expect.any(Date) as unknown, attempts: 1, last_error: null });

    const again = recordingPublisher();
    const second = makeOutboxRelay({ db, publisher: again, logger: memoryLogger() });
    for (let i = 0; i < 3; i++) await second.drainOnce();
    expect(mine(again.sent, ids)).toEqual([]);
  });

  it('when the publisher throws, then the rows stay unpublished with attempts and last_error; a later drain publishes them', async () => {
    await drainBacklog(db);
    const eventId = await commitEvent(db, `T-${unique()}`);
    const failing = makeOutboxRelay({ db, publisher: recordingPublisher(() => new Error('broker unavailable')), logger: memoryLogger(), batchSize: 10_000 });
    let failure: unknown;
    for (let i = 0; i < 50 && failure === undefined; i++)
      failure = await failing.drainOnce().then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toEqual(new Error('broker unavailable'));
    expect(await rowOf(db, eventId)).toMatchObject({ published_at: null, attempts: 1, last_error: 'broker unavailable' });

    const publisher = recordingPublisher();
    await drainUntilPublished(db, makeOutboxRelay({ db, publisher, logger: memoryLogger() }), [eventId]);
    expect(mine(publisher.sent, [eventId])).toEqual([eventId]);
    expect(await rowOf(db, eventId)).toMatchObject({ published_at: expect.any(Date) as unknown, attempts: 2, last_error: null });
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
    await drainUntilPublished(db, relay, [eventId]);
    expect(mine(publisher.sent, [eventId])).toEqual([eventId]);
  });
});
