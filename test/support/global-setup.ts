import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../mesh/embedded-postgres';
import { migrate } from '../../shared/db/migrate';
import { seed } from '../../shared/db/seed/seed';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One database for the run, migrated and seeded. On a machine with only Node it is the
 * embedded PGlite; with TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)
 * a fresh database is created on that real server and dropped at the end.
 */
export default async function setup(project: TestProject) {
  const server = process.env.TEST_DATABASE_URL;
  let url: string;
  let teardown: () => Promise<void>;
  if (server) {
    const name = `ahs_test_${Date.now()}_${process.pid}`;
    await adminQuery(server, `CREATE DATABASE ${name}`);
    const target = new URL(server);
    target.pathname = `/${name}`;
    url = target.toString();
    teardown = () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else {
    const embedded = await startEmbeddedPostgres();
    url = embedded.url;
    teardown = () => embedded.close();
  }
  await migrate({ databaseUrl: url });
  await seed(url);
  project.provide('databaseUrl', url);
  return teardown;
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
