// node-pg-migrate's session-level advisory lock (pg_try_advisory_lock ... pg_advisory_unlock, on
// one client, outside a transaction) through PgBouncer's transaction pooling, while other clients
// use the same database (a deploy-time migration while the functions serve traffic).
//
//   npx tsx scripts/pgbouncer/migrate-probe.ts [bouncer-server-url] [direct-server-url]
//     defaults: postgres://postgres@127.0.0.1:6432/postgres  postgres://postgres@127.0.0.1:5432/postgres
//
// Creates and drops its own database (directly on Postgres). Prints what migrate() logged and the
// advisory locks left behind.
import pg from 'pg';
import { migrate } from '../../shared/db/migrate';
import { migrateEngine } from '../../mesh/engine/migrate';
import { probeDatabase } from './probe-database';

const db = probeDatabase('migrate');

async function main() {
  await db.create();
  const traffic = new pg.Pool({ connectionString: db.bouncerUrl, max: 4 });
  traffic.on('error', () => undefined);
  let running = true;
  const loops = [0, 1, 2, 3].map(async () => {
    while (running) {
      const c = await traffic.connect();
      try {
        await c.query('BEGIN');
        await c.query('SELECT pg_sleep(0.005)');
        await c.query('COMMIT');
      } catch {
        /* ignore */
      } finally {
        c.release();
      }
    }
  });
  const logged: string[] = [];
  const outcome: string[] = [];
  try {
    await new Promise((r) => setTimeout(r, 200));
    for (const [label, run] of [
      ['migrate()', () => migrate({ databaseUrl: db.bouncerUrl, log: (m) => logged.push(`migrate: ${m}`) })],
      ['migrateEngine()', () => migrateEngine(db.bouncerUrl)],
      ['migrate() again (nothing to do)', () => migrate({ databaseUrl: db.bouncerUrl, log: (m) => logged.push(`migrate again: ${m}`) })],
    ] as const) {
      try {
        const applied = await run();
        outcome.push(`${label}: ok, ${applied.length} applied`);
      } catch (error) {
        outcome.push(`${label}: FAILED: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    const { rows } = await db.admin(
      `SELECT l.pid, l.classid, l.objid, a.application_name, a.state FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND d.datname = '${db.name}'`,
    );
    outcome.push(`advisory locks held on ${db.name} after the runs: ${rows.length ? JSON.stringify(rows) : 'none'}`);
  } finally {
    running = false;
    await Promise.all(loops);
    await traffic.end();
    await db.drop();
  }
  for (const line of logged.filter((l) => /lock|Another/i.test(l))) console.log(line);
  for (const line of outcome) console.log(line);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
