import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { withTransaction } from '../../shared/db/transaction';
import { RetryableError } from '../../shared/errors';
import type { VaultDatabasePool } from '../../shared/secrets/database-pool';
import { adminQuery, createPoolDatabase, poolWorld, type PoolWorld } from '../../shared/secrets/database-testing';

// Real Postgres (roles are created and dropped as Vault's database engine would), reached directly
// (TEST_POSTGRES_DIRECT_URL, :5432): the Vault-issued users are not in PgBouncer's auth file.

const userOf = async (db: Pick<VaultDatabasePool, 'query'>): Promise<string> => (await db.query<{ user: string }>('SELECT current_user AS user')).rows[0]!.user;

describe('vaultDatabasePool on real Postgres', () => {
  let database: Awaited<ReturnType<typeof createPoolDatabase>>;
  let world: PoolWorld;
  beforeAll(async () => (database = await createPoolDatabase()));
  afterAll(async () => database?.drop());
  afterEach(async () => world?.close());
  const start = async (role: { ttl: number; maxTtl: number }) => (world = await poolWorld(database.adminUrl, database.poolUrl, role));
  /** Moves the double's clock by `seconds`, running the pool's maintenance pass every 10 s as its timer would. */
  const run = async (db: VaultDatabasePool, seconds: number) => {
    for (let s = 0; s < seconds; s += 10) {
      world.vault.clock.advance(Math.min(10, seconds - s));
      await db.refresh();
    }
  };

  it('when a query runs through the pool, then it runs as the user Vault issued for the role, with only its grants', async () => {
    await start({ ttl: 60, maxTtl: 180 });
    const db = world.open();
    const user = await userOf(db);
    expect(user).toMatch(/^v-approle-fn-visits-/);
    expect(world.lease(user)).toMatchObject({ role: 'fn-visits', live: true });
    expect(world.vault.inspect.requests.map((r) => r.path)).toContain('/v1/database/creds/fn-visits');
    await db.query("INSERT INTO app.visits (note) VALUES ('first')");
    await expect(db.query('SELECT * FROM app.payroll')).rejects.toMatchObject({ code: '42501' });
  });

  it('when 2/3 of the lease has passed, then the lease is renewed and the same user keeps serving past its first TTL', async () => {
    await start({ ttl: 60, maxTtl: 3600 });
    const db = world.open({ renewBeforeMs: 10_000 });
    const user = await userOf(db);
    await run(db, 30);
    expect(world.lease(user)?.renewals).toBe(0);
    await run(db, 10); // 40 s: 2/3 of 60
    expect(world.lease(user)?.renewals).toBe(1);
    expect(world.vault.inspect.requests.map((r) => `${r.method} ${r.path}`)).toContain('PUT /v1/sys/leases/renew');
    const role = await adminQuery(database.adminUrl, 'SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [user]);
    expect((role.rows[0] as { rolvaliduntil: Date }).rolvaliduntil.getTime()).toBe(world.lease(user)?.expiresAt);

    await run(db, 30); // 70 s: alive only because it was renewed
    expect(await userOf(db)).toBe(user);
    expect(db.stats()).toMatchObject({ current: { username: user }, draining: [] });
  });

  it('when the lease reaches its max TTL, then the pool switches users under load and a transaction across the switch commits on its own connection', async () => {
    await start({ ttl: 60, maxTtl: 180 });
    const db = world.open({ renewBeforeMs: 30_000 });
    const first = await userOf(db);
    await run(db, 140);
    expect(db.stats().current?.username).toBe(first); // renewed, capped at 180 s: not switched yet

    // A transaction opened on the first user's connection...
    const tx = await db.connect();
    await tx.query('BEGIN');
    await tx.query("INSERT INTO app.visits (note) VALUES ('across the switch')");

    // ...and a loop of queries from four callers spanning the switch.
    const seen: string[] = [];
    const failures: unknown[] = [];
    let stop = false;
    let sawSecond: () => void = () => undefined;
    const secondSeenThrice = new Promise<void>((resolve) => (sawSecond = resolve));
    const caller = async () => {
      while (!stop) {
        try {
          seen.push(await userOf(db));
          if (seen.filter((u) => u !== first).length >= 3) sawSecond();
        } catch (error) {
          failures.push(error);
          if (failures.length > 20) stop = true;
        }
        await new Promise((resolve) => setImmediate(resolve)); // a caller never starves the event loop
      }
    };
    const callers = [caller(), caller(), caller(), caller()];
    let second: string;
    try {
      await vi.waitFor(() => expect(seen.length).toBeGreaterThan(8));
      await run(db, 10); // 150 s = max TTL - renewBeforeMs: new credentials
      second = db.stats().current!.username;
      expect(second).not.toBe(first);
      expect(db.stats().draining).toMatchObject([{ username: first, ended: false }]);
      expect(db.stats().draining[0]!.inUse).toBeGreaterThanOrEqual(1); // the transaction, at least
      await secondSeenThrice;

      expect(await userOf(tx)).toBe(first);
      await tx.query("INSERT INTO app.visits (note) VALUES ('across the switch')");
      await tx.query('COMMIT');
    } finally {
      tx.release();
      stop = true;
      await Promise.all(callers);
    }

    expect(failures).toEqual([]);
    expect(new Set(seen)).toEqual(new Set([first, second]));
    // After the switch the first user answers only the queries already started on its pool.
    expect(seen.slice(seen.indexOf(second)).filter((u) => u === first).length).toBeLessThanOrEqual(4);
    const committed = await db.query("SELECT count(*)::int AS n FROM app.visits WHERE note = 'across the switch'");
    expect(committed.rows[0]).toEqual({ n: 2 });
    await vi.waitFor(() => expect(db.stats().draining).toEqual([])); // the old pool ended once released

    // Vault revokes the first lease at its max TTL: the role is dropped; the second user serves on.
    world.vault.clock.advance(31);
    expect(await world.engine.revokeLapsed()).toEqual([first]);
    expect((await adminQuery(database.adminUrl, 'SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [first])).rows[0]).toEqual({ n: 0 });
    expect(await userOf(db)).toBe(second);
  });

  for (const mode of ['sealed', 'down'] as const) {
    it(`when Vault is ${mode}, then the pool serves until the lease ends, then answers RetryableError naming the role, and recovers with Vault`, async () => {
      await start({ ttl: 60, maxTtl: 3600 });
      const db = world.open({ renewBeforeMs: 10_000 });
      const user = await userOf(db);
      world.vault.fail(mode);
      await run(db, 55); // renewal at 40 s and the switch at 50 s both fail
      expect(await userOf(db)).toBe(user);
      expect(world.logger.lines.map((l) => l.msg)).toEqual(
        expect.arrayContaining(['database lease renewal failed', 'vault unavailable, keeping the database credentials held']),
      );

      await run(db, 5); // 60 s: the lease has ended
      await expect(db.query('SELECT 1')).rejects.toThrow(RetryableError);
      await expect(db.connect()).rejects.toThrow(/fn-visits/);
      await expect(withTransaction(db, async () => undefined)).rejects.toBeInstanceOf(RetryableError);

      world.vault.fail(undefined);
      await db.refresh();
      const next = await userOf(db);
      expect(next).not.toBe(user);
      await vi.waitFor(() => expect(db.stats().draining).toEqual([]));
    });
  }

  it('when the pool is closed during a switch, then both pools end, the old one once its transaction is released', async () => {
    await start({ ttl: 60, maxTtl: 60 });
    const db = world.open({ renewBeforeMs: 30_000 });
    const first = await userOf(db);
    const tx = await db.connect();
    await tx.query('BEGIN');
    await run(db, 30); // not renewable past 60 s: switch at 30 s
    const second = await userOf(db);
    expect(second).not.toBe(first);

    const closing = db.close();
    try {
      expect(await userOf(tx)).toBe(first);
      await tx.query('COMMIT');
    } finally {
      tx.release();
    }
    await closing;
    expect(db.stats().current).toMatchObject({ username: second, ended: true });
    await vi.waitFor(async () => {
      const open = await adminQuery(database.adminUrl, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = ANY($1)', [[first, second]]);
      expect(open.rows[0]).toEqual({ n: 0 });
    });
    await expect(db.query('SELECT 1')).rejects.toThrow('closed');
  });
});
