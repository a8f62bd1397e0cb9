import path from 'node:path';
import { runner } from 'node-pg-migrate';

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
 * Postgres server and on PGlite served over the wire protocol.
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
  return applied.map((m) => m.name);
}
