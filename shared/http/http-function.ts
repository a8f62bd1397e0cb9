import { randomUUID } from 'node:crypto';
import type { Request, Response } from '@google-cloud/functions-framework';
import type { z } from 'zod';
import { hasAnyRole, type Authenticator } from '../auth/principal';
import { ForbiddenError, InvalidInputError, issuesFromZod, NotFoundError } from '../errors';
import type { Logger } from '../logging';
import { answeredHealthCheck } from '../runtime/health';
import { toHttpError } from './errors';
import { matchPath, type Route } from './route';

export interface HttpFunctionOptions {
  routes: Route[];
  authenticator: Authenticator;
  logger: Logger;
}

/**
 * The edge of every HTTP function: matches the route, authenticates the bearer token,
 * checks the role, validates params, query and body, calls the handler and writes its
 * result. Errors are mapped once (./errors.ts). `GET /healthz` answers without a token.
 */
export function makeHttpFunction(options: HttpFunctionOptions) {
  return async (req: Request, res: Response): Promise<void> => {
    const requestId = req.header('x-request-id') ?? randomUUID();
    const logger = options.logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    try {
      if (answeredHealthCheck(req, res)) return;
      const found = findRoute(options.routes, req.method, req.path);
      const principal = await options.authenticator.authenticate(req.header('authorization'));
      if (!hasAnyRole(principal, found.route.roles)) {
        throw new ForbiddenError(`this action needs one of the roles: ${found.route.roles.join(', ')}`);
      }
      const input = {
        params: validate(found.route.params, found.params, 'params'),
        query: validate(found.route.query, req.query, 'query'),
        body: validate(found.route.body, found.route.body ? jsonBody(req) : undefined, 'body'),
        principal,
      };
      const idempotencyKey = found.route.idempotent ? readIdempotencyKey(req.header('idempotency-key')) : undefined;
      const result = await found.route.handle(input, { logger, requestId, ...(idempotencyKey ? { idempotencyKey } : {}) });
      for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
      if (result.body === undefined) res.status(result.status).end();
      else res.status(result.status).json(result.body);
      logger.info('request handled', { method: req.method, route: found.route.path, status: result.status, subject: principal.subject });
    } catch (error) {
      const answer = toHttpError(error);
      if (answer.status >= 500) logger.error('request failed', { error, method: req.method, path: req.path });
      else logger.info('request refused', { status: answer.status, reason: answer.body.message, path: req.path });
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      res.status(answer.status).json(answer.body);
    }
  };
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;

/** The client-supplied key of a retried write: required where the route says so. */
function readIdempotencyKey(value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new InvalidInputError('this write needs an Idempotency-Key header (the app sends the same key when it retries)', [{ field: 'Idempotency-Key', message: 'Required' }]);
  }
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new InvalidInputError('invalid Idempotency-Key header', [{ field: 'Idempotency-Key', message: '8 to 200 characters among letters, digits and . _ : -' }]);
  }
  return value;
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
