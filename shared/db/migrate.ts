import path from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { syncTemplates } from '../notify/sync';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

export interface MigrateOptions {
  databaseUrl: string;
  direction?: 'up' | 'down';
  log?: (message: string) => void;
  /** Where the .sql files are; defaults to shared/db/migrations. */
  dir?: string;
  /** The table that records applied migrations; defaults to pgmigrations. */
  migrationsTable?: string;
}

/**
 * Applies the SQL migrations with node-pg-migrate. The same files run on a real
 * Postgres server and on PGlite served over the wire protocol. Up to date, the message texts
 * authored in the repository are synced into notify.templates (a changed text, a new version).
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const applied = await runner({
    databaseUrl: options.databaseUrl,
    dir: options.dir ?? MIGRATIONS_DIR,
    direction: options.direction ?? 'up',
    migrationsTable: options.migrationsTable ?? 'pgmigrations',
    migrationsSchema: 'public',
    count: Infinity,
    checkOrder: true,
    verbose: false,
    log: options.log ?? (() => undefined),
  });
  if ((options.direction ?? 'up') === 'up' && options.dir === undefined) {
    const client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
    try {
      const synced = await syncTemplates(client);
      if (synced.length > 0) options.log?.(`message templates: ${synced.length} new versions`);
    } finally {
      await client.end();
    }
  }
  return applied.map((m) => m.name);
}
