import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

let embedded: EmbeddedPostgres;
beforeAll(async () => {
  embedded = await startEmbeddedPostgres();
}, 60_000);
afterAll(() => embedded.close());

describe('embedded Postgres with many connections', () => {
  it('when many connections run parameterised queries at once, then each gets its own answers (no interleaved extended protocol)', async () => {
    const pool = new pg.Pool({ connectionString: embedded.url, max: 12 });
    try {
      const results = await Promise.all(
        // Different statements, so a Bind served against another connection's Parse shows.
        Array.from({ length: 300 }, (_, i) =>
          pool.query<{ n: number; s: string }>(`SELECT $1::int AS n, $2::text AS s${i % 2 === 0 ? '' : ', 1 AS odd'}`, [i, `row-${i}`]),
        ),
      );
      expect(results.map((r) => r.rows[0])).toEqual(Array.from({ length: 300 }, (_, i) => ({ n: i, s: `row-${i}`, ...(i % 2 === 0 ? {} : { odd: 1 }) })));
    } finally {
      await pool.end();
    }
  });

  it('when one connection is inside a transaction, then another waits and sees only committed rows', async () => {
    const a = new pg.Client({ connectionString: embedded.url });
    const b = new pg.Client({ connectionString: embedded.url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query('CREATE TABLE IF NOT EXISTS queue_probe (v int)');
      await a.query('BEGIN');
      await a.query('INSERT INTO queue_probe VALUES ($1)', [1]);
      const read = b.query<{ n: string }>('SELECT count(*)::text AS n FROM queue_probe WHERE v = $1', [1]);
      await new Promise((r) => setTimeout(r, 100));
      await a.query('COMMIT');
      expect((await read).rows[0]?.n).toBe('1');
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});
