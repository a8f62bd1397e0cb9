import { z } from 'zod';
import type { Principal, Role } from '../auth/principal';
import type { DbClient } from '../db/pool';
import { InvalidInputError } from '../errors';
import type { Logger } from '../logging';
import type { Outbox } from '../outbox/outbox';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What every handler gets besides its input. */
export interface RouteContext {
  logger: Logger;
  requestId: string;
  /** The function's clock, read once when the request arrived. */
  now: Date;
}

/**
 * What a write gets (a route declared `transaction` or `idempotent`), as event and worker
 * handlers do: the transaction its effect commits in, and the outbox of that transaction.
 */
export interface WriteContext extends RouteContext {
  tx: DbClient;
  outbox: Outbox;
}

/** The roles a caller's bearer token must carry one of; `'anyone'`: no token is asked (the handler checks its own credential, e.g. a signed link). */
export type Access = readonly Role[] | 'anyone';

export interface RouteInput<P, Q, B, C> {
  params: P;
  query: Q;
  body: B;
  principal: C;
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.infer<S> : undefined;
type CallerOf<A> = A extends 'anyone' ? undefined : Principal;
type ContextOf<T, I> = [T, I] extends [undefined, undefined] ? RouteContext : WriteContext;

export interface RouteSpec<P, Q, B, A extends Access, T extends true | undefined, I extends string | undefined, R, X = undefined> {
  method: Method;
  /** Relative to the function, e.g. `/` or `/:id`. */
  path: string;
  roles: A;
  params?: P;
  query?: Q;
  body?: B;
  /** The handler runs in one transaction, with `ctx.tx` and `ctx.outbox`; committed before the answer is written. */
  transaction?: T;
  /**
   * A write an offline app retries, named by its operation (`'accept'`): the request must carry
   * an `Idempotency-Key` header (400 naming it otherwise). The first answer — result or business
   * refusal — is stored with the effect, in the handler's transaction (`ctx.tx`), under
   * `<function>:<operation>`, the caller and the key; a retry gets it back with
   * `Idempotent-Replayed: true` and nothing runs twice; the key with another request is 400.
   */
  idempotent?: I;
  /** The success status: 200 unless told (201 created, 202 accepted, 204 with no body). */
  status?: number;
  /** Headers of a success, from its result (e.g. `location`); replays get them too. */
  headers?: (result: R) => Record<string, string>;
  /**
   * Work done before the transaction opens (a call to another system: Adobe Sign, the object
   * store), so no connection waits on it; the handler gets its result as `prepared`. It runs
   * on every request, a retried idempotent one too (before its stored answer is found): it
   * must be safe to repeat. Refuses by throwing, as the handler does.
   */
  prepare?: (input: RouteInput<Out<P>, Out<Q>, Out<B>, CallerOf<A>>, ctx: RouteContext) => Promise<X>;
  /** The use case: returns the answer's body, a plain value; refuses by throwing the typed errors of shared/errors. */
  handle(input: RouteInput<Out<P>, Out<Q>, Out<B>, CallerOf<A>>, ctx: ContextOf<T, I>, prepared: X): Promise<R>;
}

/** A route as the wrapper holds it. */
export interface Route {
  method: Method;
  path: string;
  roles: Access;
  params?: Schema;
  query?: Schema;
  body?: Schema;
  transaction?: true;
  idempotent?: string;
  status?: number;
  headers?: (result: unknown) => Record<string, string>;
  prepare?: (input: RouteInput<unknown, unknown, unknown, Principal | undefined>, ctx: RouteContext) => Promise<unknown>;
  handle(input: RouteInput<unknown, unknown, unknown, Principal | undefined>, ctx: RouteContext | WriteContext, prepared?: unknown): Promise<unknown>;
}

/** Declares one endpoint: its input schemas, who may call it, how it runs and its handler. */
export function route<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  A extends Access = readonly Role[],
  T extends true | undefined = undefined,
  I extends string | undefined = undefined,
  R = unknown,
  X = undefined,
>(spec: RouteSpec<P, Q, B, A, T, I, R, X>): Route {
  return spec as unknown as Route;
}

/** What a route whose body is bytes accepts: one content type, at most `maxBytes`. */
export interface BytesBodyOptions {
  contentType: string;
  maxBytes: number;
}

const bytesBodies = new WeakMap<z.ZodType, BytesBodyOptions>();

/**
 * The body schema of a route that takes bytes, not JSON (an uploaded PDF): the handler's `body`
 * is the request's bytes (a Buffer). Another content type, no body or more than `maxBytes` is
 * 400 naming `body`.
 */
export function bytesBody(options: BytesBodyOptions): z.ZodType<Buffer> {
  const schema = z.custom<Buffer>((value) => Buffer.isBuffer(value), { message: 'Required' });
  bytesBodies.set(schema, options);
  return schema;
}

/** The options of a `bytesBody` schema; undefined for a JSON body. */
export function bytesBodyOptions(schema: z.ZodType | undefined): BytesBodyOptions | undefined {
  return schema ? bytesBodies.get(schema) : undefined;
}

/**
 * An answer that is bytes, not JSON (a document download): written as they are with their
 * content type and, given a file name, `content-disposition: attachment`. Not for idempotent
 * routes (their answers are stored as JSON).
 */
export class BytesAnswer {
  constructor(
    readonly bytes: Uint8Array,
    readonly contentType: string,
    /** The file name a browser saves it under; only `A-Z a-z 0-9 . _ -` are kept. */
    readonly filename?: string,
  ) {}

  /** The headers it is written with. */
  headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': this.contentType, 'content-length': String(this.bytes.byteLength) };
    const name = this.filename?.replace(/[^A-Za-z0-9._-]/g, '_');
    if (name) headers['content-disposition'] = `attachment; filename="${name}"`;
    return headers;
  }
}

/**
 * Matches `/:id`-style patterns; returns the named segments, decoded, or undefined. A path
 * that has the pattern's shape but a malformed percent-encoding in a named segment is the
 * caller's mistake: InvalidInputError (400) naming the path.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  if (want.some((w, i) => !w.startsWith(':') && w !== have[i])) return undefined;
  const params: Record<string, string> = {};
  want.forEach((w, i) => {
    if (w.startsWith(':')) params[w.slice(1)] = decodeSegment(have[i] as string, path);
  });
  return params;
}

function decodeSegment(segment: string, path: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new InvalidInputError(`invalid path ${path}: malformed percent-encoding`, [{ field: 'path', message: `malformed percent-encoding in "${segment}"` }]);
  }
}
