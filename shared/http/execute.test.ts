import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workflowMessageRequested } from '../../events/platform/workflow-message';
import { unique, useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { fixedAuthenticator } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import type { Principal } from '../auth/principal';
import { ConflictError } from '../errors';
import { makeHttpFunction } from './http-function';
import { route, type WriteContext } from './route';

const db = useTestDb();
const principal: Principal = {
  subject: 'padmin-0001',
  roles: ['provider-admin'],
  scope: { countries: ['ES'], businessUnits: [], stores: [], providerId: null },
};
const NOW = new Date('2027-03-01T08:00:00.000Z');
/** A thing's state the tests flip: open things can be taken, taken ones refuse (409). */
const things = new Map<string, 'open' | 'taken'>();

/** The use case: records the taking (platform.inbox stands for its table) and asks for a message (outbox). */
async function take(ctx: WriteContext, id: string, by: string) {
  await ctx.tx.query('INSERT INTO platform.inbox (consumer, source, event_id, type) VALUES ($1, $2, gen_random_uuid()::text, $3)', [
    id,
    '/execute-test',
    'test',
  ]);
  await ctx.outbox.add(workflowMessageRequested, { name: 'thing-taken', correlationKey: id, messageId: `taken:${id}:${unique()}`, variables: { by } });
  if (things.get(id) === 'taken') throw new ConflictError(`thing ${id} is taken`, 'thing-taken');
  return { id, takenAt: ctx.now.toISOString(), by };
}

const url = await startFunction(
  'execute-test',
  makeHttpFunction({
    name: 'execute-test',
    db,
    clock: () => NOW,
    authenticator: fixedAuthenticator('t0ken', principal),
    logger: memoryLogger(),
    routes: [
      route({
        method: 'POST',
        path: '/things/:id/take',
        roles: ['provider-admin'],
        params: z.object({ id: z.string() }),
        transaction: true,
        handle: ({ params, principal: p }, ctx) => take(ctx, params.id, p.subject),
      }),
      route({
        method: 'POST',
        path: '/things/:id/claim',
        roles: ['provider-admin'],
        params: z.object({ id: z.string() }),
        body: z.object({ note: z.string() }),
        idempotent: 'claim',
        status: 201,
        headers: (r: { id: string }) => ({ location: `/things/${r.id}` }),
        handle: ({ params, principal: p }, ctx) => take(ctx, params.id, p.subject),
      }),
    ],
  }),
);

async function post(path: string, options: { key?: string; body?: unknown } = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer t0ken', 'content-type': 'application/json', ...(options.key ? { 'idempotency-key': options.key } : {}) },
    body: JSON.stringify(options.body ?? {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}
const effects = async (id: string) => ({
  done: Number((await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM platform.inbox WHERE consumer = $1', [id])).rows[0]?.n),
  outbox: (await db.query<{ source: string }>('SELECT source FROM platform.outbox WHERE partition_key = $1', [id])).rows,
});

describe('routes declared transaction', () => {
  it("when the handler succeeds, then its writes and outbox rows commit together, the events from the function, at the clock's now", async () => {
    const id = `tx-${unique()}`;
    expect(await post(`/things/${id}/take`)).toMatchObject({ status: 200, body: { id, takenAt: NOW.toISOString(), by: 'padmin-0001' } });
    expect(await effects(id)).toEqual({ done: 1, outbox: [{ source: '/functions/execute-test' }] });
  });

  it('when the handler refuses, then the mapped status is answered and nothing it wrote is kept', async () => {
    const id = `tx-refused-${unique()}`;
    things.set(id, 'taken');
    expect(await post(`/things/${id}/take`)).toMatchObject({ status: 409, body: { reason: 'thing-taken' } });
    expect(await effects(id)).toEqual({ done: 0, outbox: [] });
  });
});

describe('routes declared idempotent', () => {
  it('when a key is retried, then the first answer comes back with its status and headers, replayed, and the effect and events exist once', async () => {
    const id = `claim-${unique()}`;
    const key = `key-${unique()}`;
    const first = await post(`/things/${id}/claim`, { key, body: { note: 'n' } });
    const again = await post(`/things/${id}/claim`, { key, body: { note: 'n' } });
    expect(first).toMatchObject({ status: 201, body: { id, takenAt: NOW.toISOString() } });
    expect([again.status, again.body]).toEqual([201, first.body]);
    expect([first.headers.get('location'), again.headers.get('location')]).toEqual([`/things/${id}`, `/things/${id}`]);
    expect([first.headers.get('idempotent-replayed'), again.headers.get('idempotent-replayed')]).toEqual([null, 'true']);
    expect(await effects(id)).toEqual({ done: 1, outbox: [{ source: '/functions/execute-test' }] });
    const { rows } = await db.query('SELECT scope, subject, status FROM platform.idempotency_keys WHERE key = $1', [key]);
    expect(rows).toEqual([{ scope: 'execute-test:claim', subject: 'padmin-0001', status: 201 }]);
  });

  it('when the first answer was a business refusal, then the retry gets that 409 replayed even once the state allows the work', async () => {
    const id = `claim-refused-${unique()}`;
    const key = `key-${unique()}`;
    things.set(id, 'taken');
    expect(await post(`/things/${id}/claim`, { key, body: { note: 'n' } })).toMatchObject({ status: 409, body: { reason: 'thing-taken' } });
    things.set(id, 'open');
    const again = await post(`/things/${id}/claim`, { key, body: { note: 'n' } });
    expect(again).toMatchObject({ status: 409, body: { error: 'conflict', reason: 'thing-taken' } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBeNull();
    expect(await effects(id)).toEqual({ done: 0, outbox: [] });
  });

  it('when a key comes back with another request (params or body), then 400 naming Idempotency-Key and nothing runs', async () => {
    const id = `claim-reused-${unique()}`;
    const key = `key-${unique()}`;
    expect((await post(`/things/${id}/claim`, { key, body: { note: 'n' } })).status).toBe(201);
    for (const [path, body] of [
      [`/things/${id}/claim`, { note: 'other' }],
      [`/things/${id}-b/claim`, { note: 'n' }],
    ] as const) {
      expect(await post(path, { key, body })).toMatchObject({ status: 400, body: { error: 'invalid_input', issues: [{ field: 'Idempotency-Key' }] } });
    }
    expect(await effects(id)).toEqual({ done: 1, outbox: [{ source: '/functions/execute-test' }] });
    expect(await effects(`${id}-b`)).toEqual({ done: 0, outbox: [] });
  });
});

describe('makeHttpFunction', () => {
  const logger = memoryLogger();
  const handle = () => Promise.resolve({});
  it('when a route cannot run with what the function was given, then building it fails naming the route', () => {
    expect(() =>
      makeHttpFunction({
        name: 'f',
        logger,
        authenticator: fixedAuthenticator('t', principal),
        routes: [route({ method: 'POST', path: '/w', roles: ['admin'], transaction: true, handle })],
      }),
    ).toThrow('POST /w of f runs in a transaction: give the function its db');
    expect(() => makeHttpFunction({ name: 'f', logger, routes: [route({ method: 'GET', path: '/r', roles: ['admin'], handle })] })).toThrow(
      'GET /r of f needs a bearer token: give the function an authenticator',
    );
    expect(() =>
      makeHttpFunction({ name: 'f', logger, db, routes: [route({ method: 'POST', path: '/i', roles: 'anyone', idempotent: 'i', handle })] }),
    ).toThrow("POST /i of f is idempotent per caller: it needs roles, not 'anyone'");
  });
});
