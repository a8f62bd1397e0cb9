import { randomUUID } from 'node:crypto';
import type { Request, Response } from '@google-cloud/functions-framework';
import type { z } from 'zod';
import { hasAnyRole, type Authenticator, type Principal } from '../auth/principal';
import type { Db } from '../db/pool';
import { ForbiddenError, InvalidInputError, issuesFromZod, NotFoundError } from '../errors';
import type { Logger } from '../logging';
import { answeredHealthCheck } from '../runtime/health';
import { toHttpError } from './errors';
import { checkRoutes, execute } from './execute';
import { BytesAnswer, bytesBodyOptions, matchPath, type BytesBodyOptions, type Route, type RouteContext } from './route';

export interface HttpFunctionOptions {
  /** The function's name: the source of the events its writes put in the outbox, the prefix of its idempotency scopes. */
  name: string;
  routes: Route[];
  /** Verifies bearer tokens; needed unless every route is open to `'anyone'`. */
  authenticator?: Authenticator;
  logger: Logger;
  /** Needed by routes declared `transaction` or `idempotent`. */
  db?: Db;
  clock?: () => Date;
  /** Headers of every answer, e.g. `cache-control: no-store`. */
  headers?: Record<string, string>;
}

/**
 * The edge of every HTTP function: matches the route, authenticates the bearer token,
 * checks the role, validates params, query and body, runs the handler — in a transaction with
 * the outbox for writes, once per Idempotency-Key for idempotent ones (./execute.ts) — and
 * writes its result. Errors are mapped once (./errors.ts). `GET /healthz` answers without a
 * token. Log lines name the route, not the path (a path may carry a credential).
 */
export function makeHttpFunction(options: HttpFunctionOptions) {
  const exec = { name: options.name, db: options.db, clock: options.clock ?? (() => new Date()) };
  checkRoutes(exec, options.routes, options.authenticator !== undefined);
  return async (req: Request, res: Response): Promise<void> => {
    const requestId = req.header('x-request-id') ?? randomUUID();
    const logger = options.logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
    let matched: Route | undefined;
    try {
      if (answeredHealthCheck(req, res)) return;
      const found = findRoute(options.routes, req.method, req.path);
      matched = found.route;
      const principal = await authorize(options.authenticator, found.route, req.header('authorization'));
      const input = {
        params: validate(found.route.params, found.params, 'params'),
        query: validate(found.route.query, req.query, 'query'),
        body: validate(found.route.body, found.route.body ? requestBody(req, bytesBodyOptions(found.route.body)) : undefined, 'body'),
        principal,
      };
      const idempotencyKey = found.route.idempotent !== undefined ? readIdempotencyKey(req.header('idempotency-key')) : undefined;
      const ctx = { logger, requestId, now: exec.clock() };
      const answer = await execute(exec, await prepared(found.route, input, ctx), input, ctx, idempotencyKey);
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      if (answer.body instanceof BytesAnswer) {
        for (const [name, value] of Object.entries(answer.body.headers())) res.setHeader(name, value);
        res.status(answer.status).end(Buffer.from(answer.body.bytes.buffer, answer.body.bytes.byteOffset, answer.body.bytes.byteLength));
      } else if (answer.body === undefined || answer.status === 204) res.status(answer.status).end();
      else res.status(answer.status).json(answer.body);
      logger.info('request handled', {
        method: req.method,
        route: found.route.path,
        status: answer.status,
        subject: principal?.subject,
        ...(answer.replayed ? { replayed: true } : {}),
      });
    } catch (error) {
      const answer = toHttpError(error);
      const where = matched ? { method: req.method, route: matched.path } : { method: req.method, path: req.path };
      if (answer.status >= 500) logger.error('request failed', { error, ...where });
      else logger.info('request refused', { status: answer.status, reason: answer.body.message, ...where });
      for (const [name, value] of Object.entries(answer.headers ?? {})) {
        // A route open to anyone checks a credential of its own (a signed link), not a bearer token: no challenge.
        if (!(name === 'www-authenticate' && matched?.roles === 'anyone')) res.setHeader(name, value);
      }
      res.status(answer.status).json(answer.body);
    }
  };
}

/** The caller, when the route asks for a bearer token with one of its roles. */
async function authorize(authenticator: Authenticator | undefined, route: Route, authorization: string | undefined): Promise<Principal | undefined> {
  if (route.roles === 'anyone') return undefined;
  if (!authenticator) throw new Error(`${route.method} ${route.path} needs a bearer token and the function has no authenticator`);
  const principal = await authenticator.authenticate(authorization);
  if (!hasAnyRole(principal, route.roles)) throw new ForbiddenError(`this action needs one of the roles: ${route.roles.join(', ')}`);
  return principal;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;

/** The client-supplied key of a retried write: required where the route says so. */
function readIdempotencyKey(value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new InvalidInputError('this write needs an Idempotency-Key header (the app sends the same key when it retries)', [
      { field: 'Idempotency-Key', message: 'Required' },
    ]);
  }
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new InvalidInputError('invalid Idempotency-Key header', [
      { field: 'Idempotency-Key', message: '8 to 200 characters among letters, digits and . _ : -' },
    ]);
  }
  return value;
}

/**
 * A route's `prepare` runs here, before `execute` opens any transaction; the route answered
 * is the same route with its handler given what was prepared.
 */
async function prepared(route: Route, input: Parameters<Route['handle']>[0], ctx: RouteContext): Promise<Route> {
  if (!route.prepare) return route;
  const value = await route.prepare(input, ctx);
  return { ...route, handle: (i, c) => route.handle(i, c, value) };
}

/** The request body: bytes for a `bytesBody` route, JSON otherwise. */
function requestBody(req: Request, bytes: BytesBodyOptions | undefined): unknown {
  if (!bytes) return jsonBody(req);
  const raw = req.rawBody;
  if (!raw || raw.length === 0) throw new InvalidInputError('invalid body: Required', [{ field: 'body', message: 'Required' }]);
  const type = (req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== bytes.contentType) {
    throw new InvalidInputError(`invalid body: content-type must be ${bytes.contentType}`, [{ field: 'body', message: `must be ${bytes.contentType}` }]);
  }
  if (raw.length > bytes.maxBytes) {
    throw new InvalidInputError(`invalid body: larger than ${bytes.maxBytes} bytes`, [{ field: 'body', message: `at most ${bytes.maxBytes} bytes` }]);
  }
  return raw;
}

/** The request body as JSON; a body that is not JSON is the caller's mistake (400). */
function jsonBody(req: Request): unknown {
  const raw = req.rawBody?.toString('utf8') ?? '';
  if (raw.trim() === '') return undefined;
  if (!/json/i.test(req.header('content-type') ?? 'application/json')) {
    throw new InvalidInputError('invalid body: content-type must be application/json', [{ field: 'body', message: 'must be JSON' }]);
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new InvalidInputError('invalid body: not valid JSON', [{ field: 'body', message: 'not valid JSON' }]);
  }
}

function findRoute(routes: Route[], method: string, path: string) {
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  throw new NotFoundError(`no route for ${method} ${path}`);
}

function validate(schema: z.ZodType | undefined, value: unknown, part: 'params' | 'query' | 'body'): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error, part === 'body' ? undefined : part);
  throw new InvalidInputError(`invalid ${part}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
}
