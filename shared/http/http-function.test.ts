import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import type { Authenticator, Principal } from '../auth/principal';
import { ConflictError, InvalidInputError, NotFoundError, PermanentError, RetryableError, UnauthenticatedError } from '../errors';
import { makeHttpFunction } from './http-function';
import { matchPath, route } from './route';

const scope = { countries: ['ES'], businessUnits: [], stores: [], providerId: null };
const principals: Record<string, Principal> = {
  'Bearer op-token': { subject: 'op-1', roles: ['operator'], scope },
  'Bearer tech-token': { subject: 'tech-1', roles: ['technician'], scope },
};
const authenticator: Authenticator = {
  authenticate: (authorization) => {
    const principal = authorization ? principals[authorization] : undefined;
    return principal ? Promise.resolve(principal) : Promise.reject(new UnauthenticatedError('invalid or missing bearer token'));
  },
};

const ORDER = '5f0c7a52-8a43-4b7e-9f1e-2b7c1d0e4a11';
const calls: unknown[] = [];
const logger = memoryLogger();
const routes = [
  route({
    method: 'GET',
    path: '/orders/:id',
    roles: ['operator', 'admin'],
    params: z.object({ id: z.uuid() }),
    query: z.object({ include: z.enum(['lines']).optional() }),
    handle: ({ params, query, principal }) => Promise.resolve({ id: params.id, include: query.include ?? null, by: principal.subject }),
  }),
  route({
    method: 'POST',
    path: '/orders',
    roles: ['operator'],
    status: 201,
    headers: () => ({ location: '/orders/new' }),
    body: z.object({ storeCode: z.string().min(1), lines: z.array(z.object({ quantity: z.number().int().positive() })).min(1) }),
    handle: (input) => {
      calls.push(input.body);
      return Promise.resolve({ storeCode: input.body.storeCode });
    },
  }),
  route({
    method: 'POST',
    path: '/orders/:id/cancel',
    roles: ['operator'],
    handle: () => Promise.reject(new ConflictError('order already closed', 'order-closed')),
  }),
  route({ method: 'POST', path: '/orders/:id/close', roles: ['operator'], handle: () => Promise.reject(new PermanentError('no provider', 'no-provider')) }),
  route({ method: 'GET', path: '/missing', roles: ['operator'], handle: () => Promise.reject(new NotFoundError('order not found')) }),
  route({ method: 'GET', path: '/busy', roles: ['operator'], handle: () => Promise.reject(new RetryableError('database unavailable')) }),
  route({ method: 'GET', path: '/boom', roles: ['operator'], handle: () => Promise.reject(new Error('password=hunter2 at 10.0.0.5')) }),
  route({ method: 'DELETE', path: '/orders/:id', roles: ['operator'], status: 204, handle: () => Promise.resolve(undefined) }),
  route({
    method: 'GET',
    path: '/links/:token',
    roles: 'anyone',
    params: z.object({ token: z.string() }),
    handle: ({ params, principal }) =>
      params.token === 'good-link' ? Promise.resolve({ principal: principal ?? null }) : Promise.reject(new UnauthenticatedError('invalid or expired link')),
  }),
];
const url = await startFunction('http-test', makeHttpFunction({ name: 'http-test', routes, authenticator, logger, headers: { 'cache-control': 'no-store' } }));

async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> | undefined };
}

describe('makeHttpFunction', () => {
  it('when the token and input are valid, then the handler result is written with its status', async () => {
    const answer = await call('GET', `/orders/${ORDER}?include=lines`, { token: 'op-token' });
    expect(answer).toMatchObject({ status: 200, body: { id: ORDER, include: 'lines', by: 'op-1' } });
    const posted = await call('POST', '/orders', { token: 'op-token', body: { storeCode: 'ES-MAD-0042', lines: [{ quantity: 1 }] } });
    expect(posted).toMatchObject({ status: 201, body: { storeCode: 'ES-MAD-0042' } });
    expect(posted.headers.get('location')).toBe('/orders/new');
    const deleted = await call('DELETE', `/orders/${ORDER}`, { token: 'op-token' });
    expect(deleted).toMatchObject({ status: 204, body: undefined });
  });

  it('when there is no token or an unknown one, then 401 with www-authenticate: Bearer and the handler is not called', async () => {
    const before = calls.length;
    for (const token of [undefined, 'forged-token']) {
      const answer = await call('POST', '/orders', { token, body: { storeCode: 'S', lines: [{ quantity: 1 }] } });
      expect(answer).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(calls.length).toBe(before);
  });

  it('when the caller lacks the role, then 403 naming the roles needed', async () => {
    const answer = await call('GET', `/orders/${ORDER}`, { token: 'tech-token' });
    expect(answer).toMatchObject({ status: 403, body: { error: 'forbidden', message: expect.stringContaining('operator, admin') as unknown } });
  });

  it('when params, query or body are invalid, then 400 naming each wrong field', async () => {
    const params = await call('GET', '/orders/not-a-uuid', { token: 'op-token' });
    expect(params).toMatchObject({ status: 400, body: { error: 'invalid_input', issues: [{ field: 'params.id' }] } });
    const query = await call('GET', `/orders/${ORDER}?include=everything`, { token: 'op-token' });
    expect(query).toMatchObject({ status: 400, body: { issues: [{ field: 'query.include' }] } });
    const body = await call('POST', '/orders', { token: 'op-token', body: { storeCode: '', lines: [{ quantity: 0 }] } });
    expect(body.status).toBe(400);
    expect((body.body?.issues as { field: string }[]).map((i) => i.field)).toEqual(['storeCode', 'lines.0.quantity']);
    expect(body.body?.message).toMatch(/^invalid body: storeCode: .*; lines\.0\.quantity: /);
    const none = await call('POST', '/orders', { token: 'op-token' });
    expect(none).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
  });

  it('when no route matches the method and path, then 404, before any token is asked for', async () => {
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await call('PUT', `/orders/${ORDER}`, { token: 'op-token' })).toMatchObject({ status: 404 });
  });

  it('when GET /healthz, then 200 without a token', async () => {
    expect(await call('GET', '/healthz')).toEqual({ status: 200, headers: expect.anything() as unknown, body: { status: 'ok' } });
  });

  it('when the handler fails, then each failure kind gets its status and reason', async () => {
    expect(await call('POST', `/orders/${ORDER}/cancel`, { token: 'op-token' })).toMatchObject({
      status: 409,
      body: { error: 'conflict', message: 'order already closed', reason: 'order-closed' },
    });
    expect(await call('POST', `/orders/${ORDER}/close`, { token: 'op-token' })).toMatchObject({ status: 422, body: { reason: 'no-provider' } });
    expect(await call('GET', '/missing', { token: 'op-token' })).toMatchObject({ status: 404, body: { message: 'order not found' } });
    const busy = await call('GET', '/busy', { token: 'op-token' });
    expect(busy).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    expect(busy.headers.get('retry-after')).toBe('1');
  });

  it('when the handler throws an unknown error, then 500 without its message, and the error is logged', async () => {
    const answer = await call('GET', '/boom', { token: 'op-token', headers: { 'x-request-id': 'req-boom' } });
    expect(answer).toMatchObject({ status: 500, body: { error: 'internal', message: 'internal error' } });
    expect(JSON.stringify(answer.body)).not.toMatch(/hunter2|10\.0\.0\.5/);
    expect(answer.headers.get('x-request-id')).toBe('req-boom');
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        requestId: 'req-boom',
        error: expect.objectContaining({ message: 'password=hunter2 at 10.0.0.5' }) as unknown,
      }),
    );
  });

  it('when a path param has a malformed percent-encoding, then 400 naming the path, before any token is asked for', async () => {
    for (const token of [undefined, 'op-token']) {
      const answer = await call('GET', '/orders/%E0%A4%A', { token });
      expect(answer).toMatchObject({
        status: 400,
        body: { error: 'invalid_input', message: 'invalid path /orders/%E0%A4%A: malformed percent-encoding', issues: [{ field: 'path' }] },
      });
    }
  });

  it('when a route is open to anyone, then no token is asked, the handler gets no principal, and its 401 carries no bearer challenge', async () => {
    expect(await call('GET', '/links/good-link')).toMatchObject({ status: 200, body: { principal: null } });
    const refused = await call('GET', '/links/leaked-secret', { token: 'op-token' });
    expect(refused).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
    expect(refused.headers.get('www-authenticate')).toBeNull();
  });

  it('when requests are logged, then lines name the matched route, never its path (a path may carry a credential)', async () => {
    await call('GET', '/links/leaked-secret');
    await call('GET', `/orders/${ORDER}`, { token: 'op-token' });
    expect(JSON.stringify(logger.lines)).not.toContain('leaked-secret');
    expect(logger.lines).toContainEqual(expect.objectContaining({ msg: 'request refused', route: '/links/:token', status: 401 }));
    expect(logger.lines).toContainEqual(expect.objectContaining({ msg: 'request handled', route: '/orders/:id', status: 200 }));
  });

  it('when the function sets headers for every answer, then successes, refusals and the health check carry them', async () => {
    for (const answer of [
      await call('GET', '/links/good-link'),
      await call('GET', '/links/bad'),
      await call('GET', '/nowhere'),
      await call('GET', '/healthz'),
    ]) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('when no x-request-id is sent, then one is generated and returned', async () => {
    const answer = await call('GET', '/healthz');
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('matchPath', () => {
  it('when segments match, then named segments are returned decoded', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/:id', '/abc')).toEqual({ id: 'abc' });
    expect(matchPath('/orders/:id/lines/:line', '/orders/o%201/lines/2/')).toEqual({ id: 'o 1', line: '2' });
    expect(matchPath('/orders/:id', '/orders/a%2Fb')).toEqual({ id: 'a/b' });
  });

  it('when a named segment has a malformed percent-encoding, then InvalidInputError naming the path', () => {
    expect(() => matchPath('/orders/:id', '/orders/%E0%A4%A')).toThrow(InvalidInputError);
    expect(() => matchPath('/orders/:id', '/orders/%E0%A4%A')).toThrow('invalid path /orders/%E0%A4%A: malformed percent-encoding');
    expect(() => matchPath('/orders/:id/lines/:line', '/orders/1/lines/%')).toThrow(/invalid path \/orders\/1\/lines\/%/);
  });

  it("when the literals differ, then undefined even if another segment is malformed (the path is not this route's)", () => {
    expect(matchPath('/orders/:id', '/offers/%E0%A4%A')).toBeUndefined();
  });

  it('when a literal differs or the segment count differs, then undefined', () => {
    expect(matchPath('/orders/:id', '/offers/1')).toBeUndefined();
    expect(matchPath('/orders/:id', '/orders')).toBeUndefined();
    expect(matchPath('/orders/:id', '/orders/1/lines')).toBeUndefined();
    expect(matchPath('/', '/x')).toBeUndefined();
  });
});
