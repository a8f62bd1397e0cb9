// What breaks under PgBouncer's transaction pooling, shown with node-postgres (the client the
// functions use) on two client connections that share one PgBouncer pool.
//
//   node scripts/pgbouncer/probe.mjs [url]     # default postgres://postgres@127.0.0.1:6432/postgres
//
// Each probe prints OK (works through the pooler) or BROKEN (what a client would see), and the
// backend pids that served each statement. It touches nothing but a probe's own temp table and
// advisory keys 0x70676231.. (released or gone when PgBouncer's server connections close).
import { URL } from 'node:url';
import pg from 'pg';

const url = process.argv[2] ?? process.env.PGBOUNCER_PROBE_URL ?? 'postgres://postgres@127.0.0.1:6432/postgres';
const KEY = 0x70676231;

const results = [];
const record = (name, ok, detail) => {
  results.push({ name, ok, detail });
  console.log(`${ok ? 'OK    ' : 'BROKEN'}  ${name}\n        ${detail}`);
};

async function client(name) {
  const c = new pg.Client({ connectionString: url, application_name: `pgbouncer-probe-${name}` });
  c.on('error', () => undefined);
  c.on('notice', () => undefined);
  await c.connect();
  return c;
}
const pid = async (c) => (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;

/** Holds a server connection in an open transaction, so the next statement of another client goes elsewhere. */
async function occupy(c) {
  await c.query('BEGIN');
  return pid(c);
}

async function probeSessionAdvisoryLock() {
  const a = await client('a');
  const b = await client('b');
  try {
    const { rows } = await a.query('SELECT pg_try_advisory_lock($1) AS held, pg_backend_pid() AS pid', [KEY]);
    const lockedOn = rows[0].pid;
    const bPid = await occupy(b); // LIFO: b now sits on the server connection that holds a's lock
    const unlock = await a.query('SELECT pg_advisory_unlock($1) AS released, pg_backend_pid() AS pid', [KEY]);
    const { rows: still } = await a.query(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1`, [KEY]);
    await b.query('COMMIT');
    const ok = unlock.rows[0].released === true;
    record(
      'session advisory lock: pg_try_advisory_lock ... pg_advisory_unlock outside a transaction (node-pg-migrate)',
      ok,
      `locked on backend ${lockedOn}; client b then got backend ${bPid}; unlock ran on backend ${unlock.rows[0].pid} and returned ${unlock.rows[0].released}; ` +
        `lock still held by backend(s) [${still.map((r) => r.pid).join(', ')}] after the "unlock" — it now belongs to whichever client gets that server connection`,
    );
  } finally {
    await a.end();
    await b.end();
  }
  // Clean up: release the leaked lock from every idle server connection we can reach.
  const c = await client('cleanup');
  try {
    for (let i = 0; i < 10; i++) await c.query('SELECT pg_advisory_unlock_all()');
  } finally {
    await c.end();
  }
}

async function probeXactAdvisoryLock() {
  const a = await client('a');
  const b = await client('b');
  try {
    await a.query('BEGIN');
    await b.query('BEGIN');
    const ra = await a.query('SELECT pg_try_advisory_xact_lock($1) AS held, pg_backend_pid() AS pid', [KEY + 1]);
    const rb = await b.query('SELECT pg_try_advisory_xact_lock($1) AS held, pg_backend_pid() AS pid', [KEY + 1]);
    await a.query('COMMIT');
    const rb2 = await b.query('SELECT pg_try_advisory_xact_lock($1) AS held', [KEY + 1]);
    await b.query('COMMIT');
    const ok = ra.rows[0].held === true && rb.rows[0].held === false && rb2.rows[0].held === true;
    record(
      'transaction advisory lock: pg_try_advisory_xact_lock inside BEGIN..COMMIT (the outbox relay, order-intake, pricing-rules)',
      ok,
      `a (backend ${ra.rows[0].pid}) held=${ra.rows[0].held}; b (backend ${rb.rows[0].pid}) held=${rb.rows[0].held} while a's transaction was open, held=${rb2.rows[0].held} after a committed`,
    );
  } finally {
    await a.end();
    await b.end();
  }
}

async function probeSessionSet() {
  const a = await client('a');
  const b = await client('b');
  try {
    const before = (await b.query('SHOW statement_timeout')).rows[0].statement_timeout;
    await a.query(`SET statement_timeout = '4321ms'`);
    const aPid = await pid(a);
    const { rows } = await b.query('SHOW statement_timeout');
    const bPid = await pid(b);
    const occupiedPid = await occupy(b);
    const aSees = (await a.query('SHOW statement_timeout')).rows[0].statement_timeout;
    const aPid2 = await pid(a);
    await b.query('COMMIT');
    record(
      'SET outside a transaction (session GUC: search_path, statement_timeout, lock_timeout, timezone ...)',
      false,
      `a ran SET statement_timeout='4321ms' (backend ${aPid}); b, a different client, then saw statement_timeout=${rows[0].statement_timeout} on backend ${bPid} (was ${before}); ` +
        `with b holding backend ${occupiedPid}, a itself saw ${aSees} on backend ${aPid2}`,
    );
    // undo on whatever server connection carries it
    for (let i = 0; i < 5; i++) await a.query('RESET statement_timeout');
  } finally {
    await a.end();
    await b.end();
  }
  const c = await client('reset');
  try {
    for (let i = 0; i < 10; i++) await c.query('RESET ALL');
  } finally {
    await c.end();
  }
}

async function probeSetLocal() {
  const a = await client('a');
  const b = await client('b');
  try {
    await a.query('BEGIN');
    await a.query(`SET LOCAL lock_timeout = '200ms'`);
    const inside = (await a.query('SHOW lock_timeout')).rows[0].lock_timeout;
    await a.query('COMMIT');
    const other = (await b.query('SHOW lock_timeout')).rows[0].lock_timeout;
    record(
      'SET LOCAL inside BEGIN..COMMIT',
      inside === '200ms' && other !== '200ms',
      `inside a's transaction lock_timeout=${inside}; another client afterwards sees ${other}`,
    );
  } finally {
    await a.end();
    await b.end();
  }
}

async function probeListenNotify() {
  const a = await client('listener');
  const b = await client('notifier');
  try {
    let received = 0;
    a.on('notification', () => received++);
    await a.query('LISTEN pgbouncer_probe');
    await b.query(`NOTIFY pgbouncer_probe, 'hello'`);
    // A notification is delivered only to a client whose server connection is the listening one,
    // and only while that client is attached to it (in transaction mode: during one of its transactions).
    await new Promise((r) => setTimeout(r, 500));
    await a.query('SELECT 1');
    await new Promise((r) => setTimeout(r, 300));
    record(
      'LISTEN/NOTIFY',
      received > 0,
      `listener received ${received} notification(s) of 1 sent (the LISTEN stays on a server connection the listener no longer holds)`,
    );
    await a.query('UNLISTEN *');
  } finally {
    await a.end();
    await b.end();
  }
}

async function probeNamedStatement() {
  const a = await client('a');
  const b = await client('b');
  try {
    await a.query({ name: 'pgbouncer-probe-stmt', text: 'SELECT $1::int + 1 AS n', values: [1] });
    const aPid = await pid(a);
    const bPid = await occupy(b); // b takes the server connection that has the statement
    let detail;
    let ok = true;
    try {
      // node-postgres remembers the name per client and sends only Bind/Execute the second time.
      await a.query({ name: 'pgbouncer-probe-stmt', text: 'SELECT $1::int + 1 AS n', values: [2] });
      detail = `second execution worked (prepared on ${aPid}, b on ${bPid})`;
    } catch (error) {
      ok = false;
      detail = `prepared on backend ${aPid}; b then took backend ${bPid}; a's second execution failed: ${error.code} ${error.message}`;
    }
    await b.query('COMMIT');
    record('named prepared statement (node-postgres `name:` queries)', ok, detail);
  } finally {
    await a.end();
    await b.end();
  }
}

async function probeUnnamedExtended() {
  const a = await client('a');
  const b = await client('b');
  try {
    await occupy(b);
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await a.query('SELECT $1::int * 2 AS n', [i])).rows[0].n);
    await b.query('COMMIT');
    record(
      'unnamed extended-protocol queries with parameters (every other query of the code)',
      results.join(',') === '0,2,4,6,8',
      `results ${results.join(',')}`,
    );
  } finally {
    await a.end();
    await b.end();
  }
}

async function probeTempTable() {
  const a = await client('a');
  const b = await client('b');
  try {
    await a.query('CREATE TEMP TABLE IF NOT EXISTS pgbouncer_probe_tmp (x int)');
    const aPid = await pid(a);
    const seen = await b.query(
      `SELECT count(*)::int AS n FROM pg_class WHERE relname = 'pgbouncer_probe_tmp' AND relpersistence = 't' AND pg_table_is_visible(oid)`,
    );
    const bPid = await pid(b);
    record(
      'temp table created outside a transaction',
      false,
      `a created it on backend ${aPid}; b on backend ${bPid} ${seen.rows[0].n ? 'sees it (shared with whoever gets that connection)' : 'does not'}; a may lose it on its next statement`,
    );
    for (let i = 0; i < 5; i++) await a.query('DROP TABLE IF EXISTS pg_temp.pgbouncer_probe_tmp');
  } finally {
    await a.end();
    await b.end();
  }
}

async function probeCreateDatabase() {
  const a = await client('admin');
  const name = `pgbouncer_probe_${process.pid}`;
  try {
    await a.query(`CREATE DATABASE ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const c = new pg.Client({ connectionString: target.toString() });
    await c.connect();
    const { rows } = await c.query('SELECT current_database() AS db');
    await c.end();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    record('CREATE DATABASE through PgBouncer, then connecting to it through the * wildcard', rows[0].db === name, `connected to ${rows[0].db}`);
  } catch (error) {
    record('CREATE DATABASE through PgBouncer', false, String(error));
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  } finally {
    await a.end();
  }
}

for (const probe of [
  probeUnnamedExtended,
  probeXactAdvisoryLock,
  probeSetLocal,
  probeCreateDatabase,
  probeSessionAdvisoryLock,
  probeSessionSet,
  probeListenNotify,
  probeNamedStatement,
  probeTempTable,
]) {
  try {
    await probe();
  } catch (error) {
    record(probe.name, false, `threw ${error.code ?? ''} ${error.message}`);
  }
}
console.log(`\n${results.filter((r) => r.ok).length} OK, ${results.filter((r) => !r.ok).length} BROKEN (through ${url.replace(/\/\/[^@]*@/, '//')})`);
