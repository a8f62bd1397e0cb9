import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedPostgres } from '../../mesh/embedded-postgres';
import { createPool, type Db } from '../../shared/db';
import { migrateEngine } from '../../mesh/engine/migrate';
import { migrate } from '../../shared/db/migrate';
import { seed } from '../../shared/db/seed/seed';
import { createDatabase } from './databases';

/**
 * A database of the test file's own, migrated and seeded — for what must not see other files'
 * rows, like an embedded workflow engine that resumes every active instance it finds.
 * A fresh database on TEST_DATABASE_URL's server, or an embedded PGlite of its own.
 * `db` and `url` are ready once the file's beforeAll hooks have run.
 */
export function useIsolatedDatabase(): { readonly db: Db; readonly url: string } {
  let db: Db | undefined;
  let url: string | undefined;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const server = process.env.TEST_DATABASE_URL;
    if (server) {
      const database = await createDatabase(server, 'ahs_iso');
      url = database.url;
      close = () => database.drop();
    } else {
      const embedded = await startEmbeddedPostgres();
      await migrate({ databaseUrl: embedded.url });
      await migrateEngine(embedded.url);
      await seed(embedded.url);
      url = embedded.url;
      close = () => embedded.close();
    }
    db = createPool({ connectionString: url, max: 8 });
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await close?.();
  });
  return {
    get db() {
      if (!db) throw new Error('the isolated database is ready in tests, not at collection time');
      return db;
    },
    get url() {
      if (!url) throw new Error('the isolated database is ready in tests, not at collection time');
      return url;
    },
  };
}

/**
 * The isolated database as a Db usable at collection time (functions are built before the
 * database exists): every call goes to the file's database once its beforeAll hooks have run.
 */
export function useIsolatedDb(): Db {
  const database = useIsolatedDatabase();
  return new Proxy({} as Db, {
    get(_target, key) {
      const real = database.db as unknown as Record<string | symbol, unknown>;
      const value = real[key];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
    },
  });
}
