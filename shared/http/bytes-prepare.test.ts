import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import type { Authenticator } from '../auth/principal';
import { ConflictError, UnauthenticatedError } from '../errors';
import { makeHttpFunction } from './http-function';
import { BytesAnswer, bytesBody, route } from './route';

const authenticator: Authenticator = {
  authenticate: (authorization) =>
    authorization === 'Bearer op-token'
      ? Promise.resolve({ subject: 'op-1', roles: ['operator'], scope: { countries: ['ES'], businessUnits: [], stores: [], providerId: null } })
      : Promise.reject(new UnauthenticatedError('invalid or missing bearer token')),
};
const auth = { authorization: 'Bearer op-token' };
const db = useTestDb(2);
const steps: string[] = [];
const PDF = Buffer.from('%PDF-1.7\n% a document\n%%EOF\n');

const url = await startFunction(
  'http-bytes-prepare-test',
  makeHttpFunction({
    name: 'http-bytes-prepare-test',
    authenticator,
    db,
    logger: memoryLogger(),
    routes: [
      route({
        method: 'GET',
        path: '/files/:name',
        roles: ['operator'],
        params: z.object({ name: z.string() }),
        handle: ({ params }) => Promise.resolve(new BytesAnswer(PDF, 'application/pdf', `${params.name} "x".pdf`)),
      }),
      route({
        method: 'POST',
        path: '/uploads',
        roles: ['operator'],
        body: bytesBody({ contentType: 'application/pdf', maxBytes: 64 }),
        status: 201,
        handle: ({ body }) => Promise.resolve({ size: body.length, head: body.subarray(0, 5).toString('latin1') }),
      }),
      route({
        method: 'POST',
        path: '/prepared/:verdict',
        roles: ['operator'],
        params: z.object({ verdict: z.enum(['ok', 'refused']) }),
        transaction: true,
        prepare: ({ params }) => {
          steps.push(`prepare ${params.verdict}`);
          if (params.verdict === 'refused') return Promise.reject(new ConflictError('refused before the transaction', 'refused-early'));
          return Promise.resolve({ prepared: params.verdict });
        },
        handle: async (_input, { tx }, prepared) => {
          steps.push('handle');
          const { rows } = await tx.query<{ one: number }>('SELECT 1 AS one');
          return { ...prepared, inTransaction: rows[0]?.one === 1 };
        },
      }),
    ],
  }),
);

describe('shared/http bytes answers', () => {
  it('when a handler answers BytesAnswer, then the bytes are written as they are with content-type, length and attachment name', async () => {
    const response = await fetch(`${url}/files/contract`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-length')).toBe(String(PDF.length));
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="contract__x_.pdf"');
    expect(Buffer.from(await response.arrayBuffer()).equals(PDF)).toBe(true);
  });
});

describe('shared/http bytes bodies', () => {
  const post = (body: Buffer | undefined, type = 'application/pdf') =>
    fetch(`${url}/uploads`, { method: 'POST', headers: { ...auth, ...(body ? { 'content-type': type } : {}) }, body });

  it('when the body has the declared type, then the handler gets the bytes', async () => {
    const response = await post(PDF);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ size: PDF.length, head: '%PDF-' });
  });

  it.each([
    ['another content type', () => post(PDF, 'application/json'), 'must be application/pdf'],
    ['more than maxBytes', () => post(Buffer.concat([PDF, Buffer.alloc(64)])), 'at most 64 bytes'],
    ['no body', () => post(undefined), 'Required'],
  ])('when it has %s, then 400 naming body', async (_case, send, message) => {
    const response = await send();
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: unknown[] };
    expect(body.error).toBe('invalid_input');
    expect(body.issues).toEqual([{ field: 'body', message }]);
  });
});

describe('shared/http prepare', () => {
  it('when a route prepares, then prepare runs before the transaction and the handler gets what it answered', async () => {
    steps.length = 0;
    const response = await fetch(`${url}/prepared/ok`, { method: 'POST', headers: auth });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ prepared: 'ok', inTransaction: true });
    expect(steps).toEqual(['prepare ok', 'handle']);
  });

  it('when prepare refuses, then its error is the answer and the handler never runs', async () => {
    steps.length = 0;
    const response = await fetch(`${url}/prepared/refused`, { method: 'POST', headers: auth });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: 'conflict', reason: 'refused-early' });
    expect(steps).toEqual(['prepare refused']);
  });
});
