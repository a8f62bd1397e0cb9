import pg from 'pg';
import { postgresDatabaseEngine, type PostgresDatabaseEngine } from '../../test/support/vault/database-roles';
import type { VaultDouble } from '../../test/support/vault';
import { memoryLogger } from '../../test/support/logger';
import { vaultDatabasePool, type VaultDatabasePool } from './database-pool';
import { configFor, seededVault } from './testing';
import { VaultSession } from './vault-session';

/**
 * The real Postgres the tests create roles on, reached directly (not through PgBouncer, whose auth
 * file does not know the users Vault issues): TEST_POSTGRES_DIRECT_URL, else the local server.
 */
export const postgresServer = process.env.TEST_POSTGRES_DIRECT_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function adminQuery(url: string, sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

/** A database of its own with `app.visits` (granted to the role) and `app.payroll` (not granted). */
export async function createPoolDatabase(): Promise<{ adminUrl: string; poolUrl: string; drop(): Promise<void> }> {
  const name = `ahs_vault_pool_${Date.now()}_${process.pid}`;
  await adminQuery(postgresServer, `CREATE DATABASE ${name}`);
  const admin = new URL(postgresServer);
  admin.pathname = `/${name}`;
  const adminUrl = admin.toString();
  await adminQuery(adminUrl, 'CREATE SCHEMA app; CREATE TABLE app.visits (id serial PRIMARY KEY, note text); CREATE TABLE app.payroll (id int)');
  const pool = new URL(adminUrl);
  pool.username = '';
  pool.password = '';
  return { adminUrl, poolUrl: pool.toString(), drop: () => adminQuery(postgresServer, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined) };
}

/** Vault's creation statements for a function reaching `app.visits` only (least privilege). */
export const visitsRole = [
  `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'`,
  `GRANT USAGE ON SCHEMA app TO "{{name}}"`,
  `GRANT SELECT, INSERT ON app.visits TO "{{name}}"`,
  `GRANT USAGE ON ALL SEQUENCES IN SCHEMA app TO "{{name}}"`,
];

export interface PoolWorld {
  vault: VaultDouble;
  engine: PostgresDatabaseEngine;
  session: VaultSession;
  logger: ReturnType<typeof memoryLogger>;
  open(options?: { renewBeforeMs?: number }): VaultDatabasePool;
  /** The lease the double holds for a username. */
  lease(username: string): ReturnType<VaultDouble['inspect']['leases']>[number] | undefined;
  close(): Promise<void>;
}

/** The Vault double (AppRole login) with role `fn-visits` on real Postgres; pools on its clock, no timers. */
export async function poolWorld(adminUrl: string, poolUrl: string, role: { ttl: number; maxTtl: number }): Promise<PoolWorld> {
  const vault = await seededVault();
  const engine = await postgresDatabaseEngine(vault, adminUrl);
  engine.seedRole('fn-visits', { ...role, statements: { creation: visitsRole } });
  const logger = memoryLogger();
  const session = new VaultSession(configFor(vault, { VAULT_ADDR: engine.url }), { logger, now: () => vault.clock.now() });
  await session.login();
  const pools: VaultDatabasePool[] = [];
  return {
    vault,
    engine,
    session,
    logger,
    open: ({ renewBeforeMs = 30_000 } = {}) => {
      const pool = vaultDatabasePool(session, {
        role: 'fn-visits',
        connectionString: poolUrl,
        max: 4,
        renewBeforeMs,
        logger,
        clock: () => vault.clock.now(),
        schedule: false,
      });
      pools.push(pool);
      return pool;
    },
    lease: (username) => vault.inspect.leases().find((l) => l.username === username),
    close: async () => {
      await Promise.all(pools.map((pool) => pool.close()));
      await engine.close();
      await vault.close();
    },
  };
}
