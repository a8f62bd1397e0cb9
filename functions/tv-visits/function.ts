import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { idempotencyKeyOf, makeHttpFunction, ok, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { makeAssignVisit } from './assign';
import { findVisit, present } from './queries';
import { makeRecordOutcome } from './record-outcome';
import { assignmentBody, orderParams, outcomeBody } from './schema';

export const NAME = 'tv-visits';

/**
 * tv-visits: the technical visit of a service order — read it (operators in scope, the
 * provider admin of its provider, its technician), assign it (operators, provider admins), and
 * record its outcome (the assigned technician).
 */
export function tvVisitsFunction(deps: { db: Db; authenticator: Authenticator; logger: Logger; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date());
  const assign = makeAssignVisit({ db: deps.db, clock });
  const recordOutcome = makeRecordOutcome({ db: deps.db, clock, source: `/functions/${NAME}` });
  return makeHttpFunction({
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'GET',
        path: '/orders/:orderId/visit',
        roles: ['operator', 'admin', 'provider-admin', 'technician'],
        params: orderParams,
        handle: async ({ params, principal }) => ok(present(await findVisit(deps.db, principal, params.orderId))),
      }),
      route({
        method: 'PUT',
        path: '/orders/:orderId/visit/assignment',
        roles: ['operator', 'admin', 'provider-admin'],
        params: orderParams,
        body: assignmentBody,
        handle: async ({ params, body, principal }) => ok(await assign(principal, params.orderId, body)),
      }),
      route({
        method: 'POST',
        path: '/orders/:orderId/visit/outcome',
        roles: ['technician'],
        params: orderParams,
        body: outcomeBody,
        idempotent: true,
        handle: async ({ params, body, principal }, ctx) => recordOutcome(principal, params.orderId, body, idempotencyKeyOf(ctx)),
      }),
    ],
  });
}
