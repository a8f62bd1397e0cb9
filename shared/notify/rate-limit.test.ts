import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../test/support/db';
import { holdBack, reserveSlots } from './rate-limit';

const db = useTestDb();

async function nextSlotAfter(account: string, since: Date): Promise<number> {
  const { rows } = await db.query<{ ms: string }>(
    'SELECT extract(epoch FROM next_slot - $2::timestamptz) * 1000 AS ms FROM notify.rate_limits WHERE account = $1',
    [account, since],
  );
  return Number(rows[0]?.ms);
}

describe('the sending pace shared by every sender', () => {
  it('when slots are reserved at 10/s, then they are 100 ms apart and the next reservation follows the last one', async () => {
    const account = `twilio:${randomUUID()}`;
    const {
      rows: [{ t0 } = { t0: new Date() }],
    } = await db.query<{ t0: Date }>('SELECT clock_timestamp() AS t0');
    const first = await reserveSlots(db, account, 10, 5);
    expect(first.slice(1).map((w, i) => w - (first[i] ?? 0))).toEqual([100, 100, 100, 100]);
    await reserveSlots(db, account, 10, 3);
    // 8 slots of 100 ms from (at least) t0: the account's next free slot is 800 ms on, or later.
    expect(await nextSlotAfter(account, t0)).toBeGreaterThanOrEqual(800);
  });

  it('when the provider says retry after 30 s, then no slot of the account is given before then', async () => {
    const account = `twilio:${randomUUID()}`;
    await reserveSlots(db, account, 100, 1);
    await holdBack(db, account, 30_000);
    const [wait] = await reserveSlots(db, account, 100, 1);
    expect(wait).toBeGreaterThan(29_000);
  });

  it('when an account was never used, then holding it back creates its pace row', async () => {
    const account = `sendgrid:${randomUUID()}`;
    await holdBack(db, account, 5_000);
    const [wait] = await reserveSlots(db, account, 50, 1);
    expect(wait).toBeGreaterThan(4_000);
  });
});
