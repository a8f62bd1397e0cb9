import type { Principal } from '../auth/principal';
import type { Db, DbClient } from '../db/pool';
import { withTransaction } from '../db/transaction';
import { currentTraceHeaders } from '../observability/tracing';
import { makeOutbox } from '../outbox/outbox';
import { idempotently, replayHeaders } from './idempotency';
import type { Route, RouteContext, RouteInput } from './route';

/** What the wrapper writes back. */
export interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  replayed: boolean;
}

export interface Execution {
  /** The function's name: the source of the events it writes, the prefix of its idempotency scopes. */
  name: string;
  db: Db | undefined;
  clock: () => Date;
}

/**
 * Runs a matched route's handler the way the route says: a read as is; a `transaction` in one
 * transaction with the outbox; an `idempotent` write inside `idempotently`, so the stored
 * answer, the effect and its outbox rows commit together.
 */
export async function execute(
  exec: Execution,
  route: Route,
  input: RouteInput<unknown, unknown, unknown, Principal | undefined>,
  ctx: RouteContext,
  idempotencyKey: string | undefined,
): Promise<Answer> {
  const status = route.status ?? 200;
  const success = (body: unknown) => ({ status, body, headers: route.headers?.(body) ?? {}, replayed: false });
  if (!route.transaction && route.idempotent === undefined) return success(await route.handle(input, ctx));
  const db = databaseOf(exec, route);
  const source = `/functions/${exec.name}`;
  const inTx = (tx: DbClient) => route.handle(input, { ...ctx, tx, outbox: makeOutbox(tx, { source, clock: exec.clock, traceHeaders: currentTraceHeaders }) });
  if (route.idempotent === undefined) return success(await withTransaction(db, inTx));
  if (idempotencyKey === undefined) throw new Error(`${route.method} ${route.path} is idempotent: the wrapper reads its key first`);
  const answer = await idempotently(
    db,
    {
      scope: `${exec.name}:${route.idempotent}`,
      subject: input.principal?.subject ?? '',
      key: idempotencyKey,
      request: { params: input.params, body: input.body },
    },
    async (tx) => ({ status, body: await inTx(tx) }),
  );
  const headers = answer.status < 300 && route.headers ? route.headers(answer.body) : {};
  return { status: answer.status, body: answer.body, headers: { ...headers, ...replayHeaders(answer) }, replayed: answer.replayed };
}

function databaseOf(exec: Execution, route: Route): Db {
  if (!exec.db) throw new Error(`${route.method} ${route.path} of ${exec.name} runs in a transaction, but the function was given no db`);
  return exec.db;
}

/** Refuses at build time what would only fail at the first request. */
export function checkRoutes(exec: Execution, routes: Route[], hasAuthenticator: boolean): void {
  for (const route of routes) {
    const name = `${route.method} ${route.path} of ${exec.name}`;
    if ((route.transaction || route.idempotent !== undefined) && !exec.db) throw new Error(`${name} runs in a transaction: give the function its db`);
    if (route.roles !== 'anyone' && !hasAuthenticator) throw new Error(`${name} needs a bearer token: give the function an authenticator`);
    if (route.idempotent !== undefined && route.roles === 'anyone') throw new Error(`${name} is idempotent per caller: it needs roles, not 'anyone'`);
  }
}
