import type pg from 'pg';
import { PermanentError, RetryableError } from '../errors';

/** The pool as functions use it: queries, transactions (connect) and shutdown. */
export type Db = Pick<pg.Pool, 'query' | 'connect' | 'end'>;
export type DbClient = pg.PoolClient;
/** Anything that can run a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export interface PoolOptions {
  connectionString: string;
  /** Matched to the function's Knative containerConcurrency (DB_POOL_MAX). */
  max: number;
  applicationName?: string;
}

/**
 * One pool per function instance. `pg` itself is loaded on the first query, not at boot:
 * a function answers its readiness probe sooner (cold start), and connections open lazily anyway.
 */
export function createPool(options: PoolOptions): Db {
  let pool: pg.Pool | undefined;
  const real = (): pg.Pool => {
    if (!pool) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Pool } = require('pg') as typeof pg;
      pool = new Pool({
        connectionString: options.connectionString,
        max: options.max,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: 5_000,
        application_name: options.applicationName,
      });
      // An idle client losing its connection must not crash the process; the pool replaces it.
      pool.on('error', () => undefined);
    }
    return pool;
  };
  return {
    query: ((...args: Parameters<pg.Pool['query']>) => real().query(...args)) as pg.Pool['query'],
    connect: (() => real().connect()) as pg.Pool['connect'],
    end: () => (pool ? pool.end() : Promise.resolve()),
  };
}

/** SQLSTATEs that mean "try the same work again later". */
const RETRYABLE_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57P01', // admin_shutdown
  '53300', // too_many_connections
]);

const RETRYABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/**
 * Database and network failures the caller should retry become RetryableError; a value the
 * database cannot store (SQLSTATE class 22, data exception: a NUL character in text, a number
 * out of range) will fail the same way every time, so it becomes PermanentError.
 */
export function classifyDbError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  if (RETRYABLE_SQLSTATES.has(code) || code.startsWith('08') || RETRYABLE_NODE_CODES.has(code)) {
    return new RetryableError(`database unavailable (${code})`, { cause: error });
  }
  if (code.startsWith('22')) {
    const detail = (error as { message?: unknown }).message;
    return new PermanentError(`a value cannot be stored: ${String(detail)}`, 'invalid-value');
  }
  return error;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
