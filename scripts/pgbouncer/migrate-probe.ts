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

const bouncer = new URL(process.argv[2] ?? 'postgres://postgres@127.0.0.1:6432/postgres');
const direct = new URL(process.argv[3] ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const name = `pgbouncer_migrate_probe_${process.pid}`;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: direct.toString() });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

const at = (base: URL) => {
  const u = new URL(base.toString());
  u.pathname = `/${name}`;
  return u.toString();
};

async function main() {
  await admin(`CREATE DATABASE ${name}`);
  const traffic = new pg.Pool({ connectionString: at(bouncer), max: 4 });
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
      ['migrate()', () => migrate({ databaseUrl: at(bouncer), log: (m) => logged.push(`migrate: ${m}`) })],
      ['migrateEngine()', () => migrateEngine(at(bouncer))],
      ['migrate() again (nothing to do)', () => migrate({ databaseUrl: at(bouncer), log: (m) => logged.push(`migrate again: ${m}`) })],
    ] as const) {
      try {
        const applied = await run();
        outcome.push(`${label}: ok, ${applied.length} applied`);
      } catch (error) {
        outcome.push(`${label}: FAILED: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    const { rows } = await admin(
      `SELECT l.pid, l.classid, l.objid, a.application_name, a.state FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND d.datname = '${name}'`,
    );
    outcome.push(`advisory locks held on ${name} after the runs: ${rows.length ? JSON.stringify(rows) : 'none'}`);
  } finally {
    running = false;
    await Promise.all(loops);
    await traffic.end();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  for (const line of logged.filter((l) => /lock|Another/i.test(l))) console.log(line);
  for (const line of outcome) console.log(line);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
