import type { Queryable } from '../db';

/**
 * The sending pace of a provider account, shared by every instance of every sender: a generic
 * cell rate algorithm on one row of notify.rate_limits. Each send first reserves the next slot —
 * slots are 1/rate apart, on the database's clock — and waits for it; a storm is paced, never
 * refused. A sender reserves `count` slots at once for the messages it just claimed (at most a
 * tenth of a second of the rate), so a slot is never reserved far ahead and a transactional
 * message waits behind at most that much bulk. Answers each slot's wait, ms from now.
 */
export async function reserveSlots(db: Queryable, account: string, perSecond: number, count: number): Promise<number[]> {
  const {
    rows: [row],
  } = await db.query<{ wait_ms: string }>(
    `INSERT INTO notify.rate_limits AS r (account, per_second, next_slot)
     VALUES ($1, $2::numeric, clock_timestamp() + make_interval(secs => $3::numeric / $2::numeric))
     ON CONFLICT (account) DO UPDATE
        SET per_second = EXCLUDED.per_second,
            next_slot = greatest(r.next_slot, clock_timestamp()) + make_interval(secs => $3::numeric / EXCLUDED.per_second)
     RETURNING greatest(0, extract(epoch FROM (r.next_slot - make_interval(secs => $3::numeric / r.per_second) - clock_timestamp())) * 1000) AS wait_ms`,
    [account, perSecond, count],
  );
  const first = Number(row?.wait_ms ?? 0);
  return Array.from({ length: count }, (_, i) => Math.ceil(first + (i * 1000) / perSecond));
}

/** The provider said "too many requests, retry after": no sender of the account sends before then. */
export async function holdBack(db: Queryable, account: string, ms: number): Promise<void> {
  await db.query(
    `INSERT INTO notify.rate_limits AS r (account, next_slot) VALUES ($1, clock_timestamp() + make_interval(secs => $2 / 1000.0))
     ON CONFLICT (account) DO UPDATE SET next_slot = greatest(r.next_slot, EXCLUDED.next_slot)`,
    [account, ms],
  );
}
