import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VaultDouble } from '../../test/support/vault';
import { memoryLogger } from '../../test/support/logger';
import { issueDatabaseCredentials, renewalDueAt, renewDatabaseLease, switchDueAt, withCredentials } from './database-credentials';
import { vaultDatabasePool } from './database-pool';
import { configFor, seededVault } from './testing';
import { VaultSession } from './vault-session';

// Vault's side only (the double, through node-vault): runs on a machine with nothing but Node.
let vault: VaultDouble;
let session: VaultSession;
beforeEach(async () => {
  vault = await seededVault();
  vault.seed.databaseRole('fn-visits', { ttl: 60, maxTtl: 100 });
  session = new VaultSession(configFor(vault), { logger: memoryLogger(), now: () => vault.clock.now() });
  await session.login();
});
afterEach(async () => vault.close());

describe('database credentials from Vault', () => {
  it('when credentials are issued, then the lease is held with its user, password and end', async () => {
    const lease = await issueDatabaseCredentials(session, 'database', 'fn-visits', vault.clock.now());
    const held = vault.inspect.leases()[0]!;
    expect(lease).toMatchObject({
      role: 'fn-visits',
      leaseId: held.leaseId,
      username: held.username,
      password: held.password,
      ttlSeconds: 60,
      extendable: true,
    });
    expect(lease.expiresAt).toBe(held.expiresAt);
    expect(vault.inspect.requests.map((r) => r.path)).toContain('/v1/database/creds/fn-visits');
  });

  it('when a renewal is capped by the max TTL, then the lease is no longer extendable', async () => {
    const lease = await issueDatabaseCredentials(session, 'database', 'fn-visits', vault.clock.now());
    vault.clock.advance(20);
    const renewed = await renewDatabaseLease(session, lease, vault.clock.now());
    expect(renewed).toMatchObject({ extendable: true, renewals: 1, expiresAt: vault.clock.now() + 60_000 });
    vault.clock.advance(40); // 60 s: a full 60 s more would pass the 100 s max TTL
    const capped = await renewDatabaseLease(session, renewed, vault.clock.now());
    expect(capped).toMatchObject({ extendable: false, renewals: 2, expiresAt: vault.inspect.leases()[0]!.maxExpiresAt });
  });

  it('when the role is unknown, then the answer names it', async () => {
    await expect(issueDatabaseCredentials(session, 'database', 'fn-nope', vault.clock.now())).rejects.toThrow('unknown role: fn-nope');
  });

  it('when renewal is due, then it is at 2/3 of what is left but never inside the switch window', () => {
    const lease = { heldSince: 0, expiresAt: 60_000 } as Parameters<typeof renewalDueAt>[0];
    expect(renewalDueAt(lease, 10_000)).toBe(40_000);
    expect(renewalDueAt(lease, 30_000)).toBe(30_000);
    expect(switchDueAt(lease, 30_000)).toBe(30_000);
  });

  it('when credentials are put in the connection string, then host, database and parameters are kept', () => {
    const url = withCredentials('postgres://db.internal:5432/ahs?sslmode=require', { username: 'v-approle-fn-x-1', password: 'p/w@:1' });
    expect(url).toBe('postgres://v-approle-fn-x-1:p%2Fw%40%3A1@db.internal:5432/ahs?sslmode=require');
  });
});

describe('vaultDatabasePool without Postgres', () => {
  it('when Vault refuses the role at boot, then ready() rejects naming the role and a query is retryable', async () => {
    const db = vaultDatabasePool(session, {
      role: 'fn-nope',
      connectionString: 'postgres://127.0.0.1:1/none',
      max: 1,
      renewBeforeMs: 10_000,
      logger: memoryLogger(),
      schedule: false,
    });
    await expect(db.ready()).rejects.toThrow(/Vault role fn-nope at database\/creds\/fn-nope: .*unknown role: fn-nope/);
    await expect(db.query('SELECT 1')).rejects.toMatchObject({ kind: 'retryable', message: expect.stringContaining('fn-nope') });
    await db.close();
    await expect(db.connect()).rejects.toThrow('closed');
  });

  it('when the session has not logged in yet, then the first credentials log it in', async () => {
    const fresh = new VaultSession(configFor(vault), { logger: memoryLogger(), now: () => vault.clock.now() });
    const db = vaultDatabasePool(fresh, {
      role: 'fn-visits',
      connectionString: 'postgres://127.0.0.1:1/none',
      max: 1,
      renewBeforeMs: 10_000,
      logger: memoryLogger(),
      schedule: false,
    });
    await db.ready();
    expect(db.stats().current?.lease).toMatchObject({ role: 'fn-visits', extendable: true });
    expect(vault.inspect.requests.map((r) => r.path).slice(-2)).toEqual(['/v1/auth/approle/login', '/v1/database/creds/fn-visits']);
    await db.close();
  });
});
