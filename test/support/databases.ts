import pg from 'pg';
import { migrateEngine } from '../../mesh/engine/migrate';
import { migrate } from '../../shared/db/migrate';
import { seed } from '../../shared/db/seed/seed';

/**
 * A fresh database on a real Postgres server, migrated and seeded; `drop()` removes it.
 * `server` is any URL on that server (e.g. postgres://postgres@127.0.0.1:5432/postgres).
 */
export async function createDatabase(server: string, prefix = 'ahs_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  await adminQuery(server, `CREATE DATABASE ${name}`);
  const target = new URL(server);
  target.pathname = `/${name}`;
  const url = target.toString();
  await migrate({ databaseUrl: url });
  await migrateEngine(url);
  await seed(url);
  return { url, drop: () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
