import pg from 'pg';

/**
 * A probe's own database, created and dropped directly on Postgres, and reached either directly
 * or through PgBouncer: `npx tsx scripts/pgbouncer/<probe>.ts [bouncer-server-url] [direct-server-url]`.
 */
export function probeDatabase(probe: string) {
  const bouncer = new URL(process.argv[2] ?? 'postgres://postgres@127.0.0.1:6432/postgres');
  const direct = new URL(process.argv[3] ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `pgbouncer_${probe}_probe_${process.pid}`;
  const at = (base: URL) => Object.assign(new URL(base.toString()), { pathname: `/${name}` }).toString();
  /** A statement on the server, directly (never through PgBouncer). */
  async function admin(sql: string) {
    const c = new pg.Client({ connectionString: direct.toString() });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  }
  return {
    name,
    admin,
    directUrl: at(direct),
    bouncerUrl: at(bouncer),
    create: () => admin(`CREATE DATABASE ${name}`),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
