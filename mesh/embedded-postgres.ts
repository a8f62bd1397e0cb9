import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ProtocolAwareQueue } from './pglite-queue';

export interface EmbeddedPostgres {
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  port?: number;
  host?: string;
  /** A folder to keep the data in between runs; in memory when absent. */
  dataDir?: string;
}

/**
 * The embedded default for Postgres: PGlite (Postgres compiled to WASM) served on the
 * wire protocol, so the functions' `pg` code runs unchanged. Development and tests only.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // btree_gist: the channel pricing rules' overlap exclusion constraint (migrations create the extension).
  const extensions = { btree_gist };
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir, extensions } : { extensions });
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: 200 });
  // Connections share one backend: keep each one's request (Parse..Sync) and transaction together.
  (server as unknown as { queryQueue: ProtocolAwareQueue }).queryQueue = new ProtocolAwareQueue(db);
  await server.start();
  const port = (server as unknown as { server?: { address(): { port: number } } }).server?.address().port ?? options.port;
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres?sslmode=disable`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
