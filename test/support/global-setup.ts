import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../mesh/embedded-postgres';
import { migrateEngine } from '../../mesh/engine/migrate';
import { migrate } from '../../shared/db/migrate';
import { seed } from '../../shared/db/seed/seed';
import { createDatabase } from './databases';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** One id per test run: the e2e files build the function bundles once per run (test/support/mesh.ts). */
    testRunId: string;
  }
}

/**
 * One database for the run, migrated and seeded. On a machine with only Node it is the
 * embedded PGlite; with TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)
 * a fresh database is created on that real server and dropped at the end.
 */
export default async function setup(project: TestProject) {
  project.provide('testRunId', randomUUID());
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    const database = await createDatabase(server);
    project.provide('databaseUrl', database.url);
    return () => database.drop();
  }
  const embedded = await startEmbeddedPostgres();
  await migrate({ databaseUrl: embedded.url });
  await migrateEngine(embedded.url);
  await seed(embedded.url);
  project.provide('databaseUrl', embedded.url);
  return () => embedded.close();
}
