import { describe, expect, it } from 'vitest';
import { unique, useTestDb } from '../../test/support/db';
import { withTransaction } from '../db/transaction';
import { claimInbox, type InboxEntry } from './inbox';

const db = useTestDb();

const entry = (overrides: Partial<InboxEntry> = {}): InboxEntry => ({
  consumer: `inbox-test-${unique()}`,
  source: '/sales/test',
  id: `evt-${unique()}`,
  type: 'ahs.test.thing.happened',
  ...overrides,
});

async function inboxRows(e: InboxEntry) {
  const { rows } = await db.query<{ consumer: string; type: string }>(
    'SELECT consumer, type FROM platform.inbox WHERE source = $1 AND event_id = $2 ORDER BY consumer',
    [e.source, e.id],
  );
  return rows;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('claimInbox', () => {
  it('when an event is claimed for the first time, then true and the row records its type; the second claim is false', async () => {
    const e = entry();
    expect(await claimInbox(db, e)).toBe(true);
    expect(await claimInbox(db, e)).toBe(false);
    expect(await inboxRows(e)).toEqual([{ consumer: e.consumer, type: 'ahs.test.thing.happened' }]);
  });

  it('when another consumer claims the same event, then it is fresh for that consumer too', async () => {
    const e = entry();
    const other = { ...e, consumer: `${e.consumer}-other` };
    expect(await claimInbox(db, e)).toBe(true);
    expect(await claimInbox(db, other)).toBe(true);
    expect(await claimInbox(db, other)).toBe(false);
    expect((await inboxRows(e)).map((r) => r.consumer)).toEqual([e.consumer, other.consumer]);
  });

  it('when the same id comes from another source, then it is a different event', async () => {
    const e = entry();
    expect(await claimInbox(db, e)).toBe(true);
    expect(await claimInbox(db, { ...e, source: '/sales/other' })).toBe(true);
  });

  it('when the claiming transaction rolls back, then the event can be claimed again', async () => {
    const e = entry();
    await expect(
      withTransaction(db, async (tx) => {
        expect(await claimInbox(tx, e)).toBe(true);
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await inboxRows(e)).toEqual([]);
    expect(await withTransaction(db, (tx) => claimInbox(tx, e))).toBe(true);
  });

  it('when two transactions claim the same event at once, then exactly one wins and one row is kept', async () => {
    const e = entry();
    const claim = () =>
      withTransaction(db, async (tx) => {
        const fresh = await claimInbox(tx, e);
        await sleep(50); // hold the transaction open so the other claim overlaps it
        return fresh;
      });
    const results = await Promise.all([claim(), claim()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await inboxRows(e)).toHaveLength(1);
  });

  it('when the first claimer is still open, then the second waits for it and, once it commits, sees a duplicate', async () => {
    const e = entry();
    const first = await db.connect();
    const second = await db.connect();
    try {
      await first.query('BEGIN');
      expect(await claimInbox(first, e)).toBe(true);
      const racing = (async () => {
        await second.query('BEGIN');
        const fresh = await claimInbox(second, e);
        await second.query('COMMIT');
        return fresh;
      })();
      let settled = false;
      void racing.then(
        () => (settled = true),
        () => (settled = true),
      );
      await sleep(100);
      expect(settled).toBe(false);
      await first.query('COMMIT');
      expect(await racing).toBe(false);
    } finally {
      // destroyed, not pooled: a failed assertion must not leave an open transaction behind
      first.release(true);
      second.release(true);
    }
  });
});
