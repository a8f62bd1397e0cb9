import { randomUUID } from 'node:crypto';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages, useOrderSeller } from '../../test/support/tv';
import { tvVisitsFunction } from './function';

export type Json = Record<string, unknown>;

/** tv-visits served with the real dev OpenID provider and database. */
export async function startTvVisitsHarness() {
  const db = useTestDb();
  const identity = await useDevIdentity();
  const sell = await useOrderSeller(db);
  const logger = memoryLogger();
  const url = await startFunction('tv-visits', tvVisitsFunction({ db, authenticator: identity.authenticator, logger }));

  /** A POST carries a fresh Idempotency-Key unless one is given (the app's retry sends the same). */
  async function call(method: string, path: string, authorization: string, body?: unknown, idempotencyKey?: string): Promise<{ status: number; body: Json }> {
    const key = idempotencyKey ?? (method === 'POST' ? `test-${randomUUID()}` : undefined);
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key ? { 'idempotency-key': key } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** The workflow messages the function requested for an order (through its outbox). */
  const messagesFor = (orderId: string) => requestedMessages(db, orderId);
  return { db, identity, sell, logger, call, messagesFor };
}
