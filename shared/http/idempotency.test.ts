import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unique, useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { fixedAuthenticator } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import type { DbClient } from '../db';
import { ConflictError, RetryableError } from '../errors';
import { makeHttpFunction } from './http-function';
import { idempotently, replayHeaders, type IdempotentRequest } from './idempotency';
import { route } from './route';

const ok = (body: unknown) => ({ status: 200, body });

const db = useTestDb();

// The work writes to platform.inbox (a unique consumer per test keeps rows apart), so a test can
// count how many times it really ran.
const doWork = (tx: DbClient, consumer: string) =>
  tx.query('INSERT INTO platform.inbox (consumer, source, event_id, type) VALUES ($1, $2, gen_random_uuid()::text, $3)', [
    consumer,
    '/idempotency-test',
    'test',
  ]);
const timesDone = async (consumer: string) =>
  Number((await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM platform.inbox WHERE consumer = $1', [consumer])).rows[0]?.n);
const request = (over: Partial<IdempotentRequest> = {}): IdempotentRequest => ({
  scope: 'test:accept',
  subject: 'padmin-0001',
  key: `key-${unique()}`,
  request: { offerId: 'o-1' },
  ...over,
});

describe('idempotently', () => {
  it('when a write runs for the first time, then its answer is stored with its effect and not marked replayed', async () => {
    const consumer = `first-${unique()}`;
    const req = request();
    const answer = await idempotently(db, req, async (tx) => {
      await doWork(tx, consumer);
      return ok({ done: true });
    });
    expect(answer).toEqual({ status: 200, body: { done: true }, replayed: false });
    expect(await timesDone(consumer)).toBe(1);
    const { rows } = await db.query('SELECT status, response FROM platform.idempotency_keys WHERE scope = $1 AND subject = $2 AND key = $3', [
      req.scope,
      req.subject,
      req.key,
    ]);
    expect(rows).toEqual([{ status: 200, response: { done: true } }]);
  });

  it('when the same request is retried with its key, then the first answer is replayed without doing the work again', async () => {
    const consumer = `replay-${unique()}`;
    const req = request();
    let n = 0;
    const work = async (tx: DbClient) => {
      await doWork(tx, consumer);
      n += 1;
      return ok({ attempt: n });
    };
    const first = await idempotently(db, req, work);
    const again = await idempotently(db, req, work);
    expect(again).toEqual({ status: 200, body: { attempt: 1 }, replayed: true });
    expect(replayHeaders(again)).toEqual({ 'idempotent-replayed': 'true' });
    expect(replayHeaders(first)).toEqual({});
    expect(await timesDone(consumer)).toBe(1);
  });

  it('when another caller uses the same key, then it is their own request (keys are per subject)', async () => {
    const consumer = `subjects-${unique()}`;
    const req = request();
    const work = async (tx: DbClient) => {
      await doWork(tx, consumer);
      return ok({});
    };
    await idempotently(db, req, work);
    expect((await idempotently(db, { ...req, subject: 'padmin-0002' }, work)).replayed).toBe(false);
    expect(await timesDone(consumer)).toBe(2);
  });

  it('when the first answer is a 409 business refusal, then its writes roll back and the 409 is replayed, even once the state allows the work', async () => {
    const consumer = `refusal-${unique()}`;
    const req = request();
    let stale = true;
    const work = async (tx: DbClient) => {
      await doWork(tx, consumer);
      if (stale) throw new ConflictError('offer expired', 'offer-expired');
      return ok({ accepted: true });
    };
    // The first time, the refusal itself reaches the edge (which maps it to the same 409); it is stored for retries.
    await expect(idempotently(db, req, work)).rejects.toMatchObject({ kind: 'conflict', reason: 'offer-expired' });
    stale = false;
    expect(await idempotently(db, req, work)).toEqual({
      status: 409,
      body: { error: 'conflict', message: 'offer expired', reason: 'offer-expired' },
      replayed: true,
    });
    expect(await timesDone(consumer)).toBe(0);
  });

  it('when the work fails in a way that may pass (retryable), then nothing is stored and the retry does the work', async () => {
    const consumer = `retryable-${unique()}`;
    const req = request();
    let down = true;
    const work = async (tx: DbClient) => {
      await doWork(tx, consumer);
      if (down) throw new RetryableError('database busy');
      return ok({ accepted: true });
    };
    await expect(idempotently(db, req, work)).rejects.toBeInstanceOf(RetryableError);
    expect((await db.query('SELECT 1 FROM platform.idempotency_keys WHERE key = $1', [req.key])).rows).toEqual([]);
    down = false;
    expect(await idempotently(db, req, work)).toEqual({ status: 200, body: { accepted: true }, replayed: false });
    expect(await timesDone(consumer)).toBe(1);
  });

  it('when the same key comes with another request, then 400 naming Idempotency-Key and the work does not run', async () => {
    const consumer = `mismatch-${unique()}`;
    const req = request();
    const work = async (tx: DbClient) => {
      await doWork(tx, consumer);
      return ok({});
    };
    await idempotently(db, req, work);
    const error = await idempotently(db, { ...req, request: { offerId: 'o-2' } }, work).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid-input', issues: [{ field: 'Idempotency-Key' }] });
    expect(await timesDone(consumer)).toBe(1);
  });
});

describe('routes declared idempotent', async () => {
  const principal = {
    subject: 'padmin-0001',
    roles: ['provider-admin' as const],
    scope: { countries: ['ES'], businessUnits: [], stores: [], providerId: null },
  };
  const consumer = `route-${unique()}`;
  const url = await startFunction(
    'idempotency-test',
    makeHttpFunction({
      name: 'idempotency-test',
      db,
      authenticator: fixedAuthenticator('t0ken', principal),
      logger: memoryLogger(),
      routes: [
        route({
          method: 'POST',
          path: '/things',
          roles: ['provider-admin'],
          idempotent: 'things',
          handle: async (_input, ctx) => {
            await doWork(ctx.tx, consumer);
            return { id: randomUUID() };
          },
        }),
      ],
    }),
  );
  const post = (headers: Record<string, string>) => fetch(`${url}/things`, { method: 'POST', headers: { authorization: 'Bearer t0ken', ...headers } });

  it('when the Idempotency-Key header is missing or malformed, then 400 naming it and the work does not run', async () => {
    for (const headers of [{}, { 'idempotency-key': 'short' }, { 'idempotency-key': 'has spaces in it' }] as Record<string, string>[]) {
      const response = await post(headers);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_input', issues: [{ field: 'Idempotency-Key' }] });
    }
    expect(await timesDone(consumer)).toBe(0);
  });

  it('when a key is sent twice, then the second answer is the first, with Idempotent-Replayed: true', async () => {
    const key = `k-${unique()}`;
    const first = await post({ 'idempotency-key': key });
    const again = await post({ 'idempotency-key': key });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await again.json()).toEqual(await first.json());
    expect([first.headers.get('idempotent-replayed'), again.headers.get('idempotent-replayed')]).toEqual([null, 'true']);
    expect(await timesDone(consumer)).toBe(1);
  });
});
