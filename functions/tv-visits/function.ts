import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { assignVisit } from './assign';
import { present } from './present';
import { findVisit } from './queries';
import { recordOutcome } from './record-outcome';
import { assignmentBody, orderParams, outcomeBody } from './schema';

export const NAME = 'tv-visits';

/**
 * tv-visits: the technical visit of a service order — read it (operators in scope, the
 * provider admin of its provider, its technician), assign it (operators, provider admins), and
 * record its outcome (the assigned technician).
 */
export function tvVisitsFunction(deps: { db: Db; authenticator: Authenticator; logger: Logger; clock?: () => Date }) {
  return makeHttpFunction({
    name: NAME,
    db: deps.db,
    clock: deps.clock,
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'GET',
        path: '/orders/:orderId/visit',
        roles: ['operator', 'admin', 'provider-admin', 'technician'],
        params: orderParams,
        handle: async ({ params, principal }) => present(await findVisit(deps.db, principal, params.orderId)),
      }),
      route({
        method: 'PUT',
        path: '/orders/:orderId/visit/assignment',
        roles: ['operator', 'admin', 'provider-admin'],
        params: orderParams,
        body: assignmentBody,
        transaction: true,
        handle: ({ params, body, principal }, ctx) => assignVisit(ctx, principal, params.orderId, body),
      }),
      route({
        method: 'POST',
        path: '/orders/:orderId/visit/outcome',
        roles: ['technician'],
        params: orderParams,
        body: outcomeBody,
        idempotent: 'outcome',
        handle: ({ params, body, principal }, ctx) => recordOutcome(ctx, principal, params.orderId, body),
      }),
    ],
  });
}
