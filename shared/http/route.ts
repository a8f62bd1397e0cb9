import type { z } from 'zod';
import type { Principal, Role } from '../auth/principal';
import type { Logger } from '../logging';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler returns; the wrapper writes it. */
export interface HttpResult {
  /** 2xx; a replayed idempotent write answers its first answer's status, which may be a 4xx. */
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown): HttpResult => ({ status: 200, body });
export const created = (body: unknown): HttpResult => ({ status: 201, body });
/** The client's key of a route declared `idempotent` (the edge refuses a request without one). */
export function idempotencyKeyOf(ctx: RouteContext): string {
  if (ctx.idempotencyKey === undefined) throw new Error('a route not declared idempotent asked for its Idempotency-Key');
  return ctx.idempotencyKey;
}

/** The answer of an idempotent write, first or replayed (`Idempotent-Replayed: true` tells which). */
export const replayed = (r: { status: number; body: unknown; replayed: boolean }): HttpResult => ({
  status: r.status,
  body: r.body,
  ...(r.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
});

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
}

export interface RouteContext {
  logger: Logger;
  requestId: string;
  /** The client's `Idempotency-Key` header, present (and checked) on routes declared `idempotent`. */
  idempotencyKey?: string;
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> {
  method: Method;
  /** Relative to the function, e.g. `/` or `/:id`. */
  path: string;
  /** The caller needs at least one of these roles. */
  roles: readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A write an offline app retries: the request must carry an `Idempotency-Key` header (400
   * naming it otherwise), handed to the handler, which replays the first answer with
   * `idempotently` (./idempotency.ts).
   */
  idempotent?: boolean;
  handle(input: RouteInput<Out<P>, Out<Q>, Out<B>>, ctx: RouteContext): Promise<HttpResult>;
}

export interface Route {
  method: Method;
  path: string;
  roles: readonly Role[];
  params?: Schema;
  query?: Schema;
  body?: Schema;
  idempotent?: boolean;
  handle(input: RouteInput<unknown, unknown, unknown>, ctx: RouteContext): Promise<HttpResult>;
}

/** Declares one endpoint: its input schemas, the roles it needs and its handler. */
export function route<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
): Route {
  return spec;
}

/** Matches `/:id`-style patterns; returns the named segments or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const h = have[i] as string;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return undefined;
  }
  return params;
}
