import { createHash } from 'node:crypto';
import type { Db, DbClient } from '../db/pool';
import { withTransaction } from '../db/transaction';
import { ConflictError, isAppError, InvalidInputError } from '../errors';
import { toHttpError } from './errors';

export interface IdempotentRequest {
  /** The operation, e.g. `dispatch-offers:accept`: a key is unique per scope and caller. */
  scope: string;
  /** Who asked (the token subject): one caller's keys never answer another's requests. */
  subject: string;
  key: string;
  /** What was asked (params and body): the same key with another request is refused (400 naming Idempotency-Key). */
  request: unknown;
}

/** An answer as it is stored: its status and body. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export interface Replayable extends StoredAnswer {
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

const fingerprint = (request: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(request ?? null))
    .digest('hex');

/**
 * Runs a write once per client-supplied key, for apps that work offline and retry (the HTTP
 * wrapper calls it for routes declared `idempotent`): the first
 * answer is stored with the write's effect (same transaction) and a retry gets it back without
 * doing the work twice. A business refusal (4xx: stale offer, bad state) is the first answer too,
 * so it is stored and replayed; a failure that may pass (5xx, retryable) stores nothing and the
 * retry runs the work again. Concurrent requests with one key: the second waits on the row,
 * then replays.
 */
export async function idempotently(db: Db, request: IdempotentRequest, work: (tx: DbClient) => Promise<StoredAnswer>): Promise<Replayable> {
  const hash = fingerprint(request.request);
  try {
    return await withTransaction(db, async (tx) => {
      const claimed = await tx.query(
        `INSERT INTO platform.idempotency_keys (scope, subject, key, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [request.scope, request.subject, request.key, hash],
      );
      if (claimed.rowCount === 0) return replay(tx, request, hash);
      const result = await work(tx);
      await store(tx, request, result.status, result.body ?? null);
      return { status: result.status, body: result.body, replayed: false };
    });
  } catch (error) {
    if (!isAppError(error) || error.kind === 'retryable' || error.kind === 'invalid-input') throw error;
    // A business refusal is the first answer: stored (the work rolled back), replayed on retry.
    const answer = toHttpError(error);
    const stored = await withTransaction(db, async (tx) => {
      const claimed = await tx.query(
        `INSERT INTO platform.idempotency_keys (scope, subject, key, request_hash, status, response) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [request.scope, request.subject, request.key, hash, answer.status, JSON.stringify(answer.body)],
      );
      return claimed.rowCount === 1 ? undefined : replay(tx, request, hash);
    });
    if (stored) return stored;
    throw error;
  }
}

async function replay(tx: DbClient, request: IdempotentRequest, hash: string): Promise<Replayable> {
  const { rows } = await tx.query<{ request_hash: string; status: number | null; response: unknown }>(
    `SELECT request_hash, status, response FROM platform.idempotency_keys WHERE scope = $1 AND subject = $2 AND key = $3 FOR UPDATE`,
    [request.scope, request.subject, request.key],
  );
  const row = rows[0];
  if (!row || row.status === null) throw new ConflictError('a request with this Idempotency-Key is still in progress', 'idempotency-in-progress');
  if (row.request_hash !== hash) {
    throw new InvalidInputError('this Idempotency-Key was used for another request', [
      { field: 'Idempotency-Key', message: 'already used for a different request' },
    ]);
  }
  return { status: row.status, body: row.response, replayed: true };
}

async function store(tx: DbClient, request: IdempotentRequest, status: number, body: unknown): Promise<void> {
  await tx.query(`UPDATE platform.idempotency_keys SET status = $4, response = $5 WHERE scope = $1 AND subject = $2 AND key = $3`, [
    request.scope,
    request.subject,
    request.key,
    status,
    JSON.stringify(body),
  ]);
}

/** The headers that tell a replayed answer from a first one (`Idempotent-Replayed: true`). */
export function replayHeaders(answer: Replayable): Record<string, string> {
  return answer.replayed ? { 'idempotent-replayed': 'true' } : {};
}
