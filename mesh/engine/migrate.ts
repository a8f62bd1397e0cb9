import path from 'node:path';
import { migrate } from '../../shared/db/migrate';

/**
 * The embedded engine's own tables (schema `engine`), apart from the production migrations:
 * only a database that runs the embedded engine (the local mesh, tests, benchmarks) gets them.
 */
export function migrateEngine(databaseUrl: string): Promise<string[]> {
  return migrate({ databaseUrl, dir: path.join(__dirname, 'migrations'), migrationsTable: 'pgmigrations_engine' });
}
