import type pg from 'pg';
import type { DbClient } from '../db/pool';
import { withCredentials, type DatabaseLease } from './database-credentials';

export interface GenerationStats {
  username: string;
  /** Checkouts and queries running on this pool now (a query waiting for a connection included). */
  inUse: number;
  total: number;
  idle: number;
  waiting: number;
  ended: boolean;
}

type Query = (...args: unknown[]) => Promise<unknown>;

/**
 * One pg pool on one lease's credentials. It counts what runs on it so that, once retired (new
 * credentials took over), it ends only when the last checked-out client is released — pg's own
 * `end()` would leave a checkout still waiting in its queue hanging.
 */
export class DatabaseGeneration {
  private readonly pool: pg.Pool;
  private inUse = 0;
  private retired = false;
  private drained: (() => void) | undefined;
  private ending: Promise<void> | undefined;

  constructor(
    public lease: DatabaseLease,
    options: { connectionString: string; max: number; applicationName?: string },
  ) {
    // Loaded on the first credentials, not at boot, as `createPool` does (cold start).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool } = require('pg') as typeof pg;
    this.pool = new Pool({
      connectionString: withCredentials(options.connectionString, lease),
      max: options.max,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
      application_name: options.applicationName,
    });
    // An idle client losing its connection (its role dropped at revocation) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  async query(args: unknown[]): Promise<unknown> {
    this.inUse += 1;
    try {
      return await (this.pool.query as unknown as Query).apply(this.pool, args);
    } finally {
      this.done();
    }
  }

  async connect(): Promise<DbClient> {
    this.inUse += 1;
    let client: DbClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.done();
      throw error;
    }
    // pg-pool gives each checkout its own `release`; this one also tells the generation.
    const release = client.release.bind(client);
    let released = false;
    client.release = (error?: Error | boolean) => {
      if (!released) {
        released = true;
        this.done();
      }
      return release(error);
    };
    return client;
  }

  /** No new work comes here any more: ends the pool once what runs on it is done. */
  retire(): Promise<void> {
    this.retired = true;
    if (this.inUse === 0) return this.end();
    return new Promise<void>((resolve) => (this.drained = resolve)).then(() => this.end());
  }

  /** Ends the pool now (idempotent); a client still checked out is closed when released. */
  end(): Promise<void> {
    return (this.ending ??= this.pool.end().catch(() => undefined));
  }

  stats(): GenerationStats {
    const { pool } = this;
    return { username: this.lease.username, inUse: this.inUse, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, ended: pool.ended };
  }

  private done(): void {
    this.inUse -= 1;
    if (this.inUse === 0 && this.retired) this.drained?.();
  }
}
