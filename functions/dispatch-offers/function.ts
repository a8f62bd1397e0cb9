import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { answerOffer } from './answer-offer';
import { assignTechnician } from './assign-technician';
import { providerOf } from './scope';
import { listAssignments, listOffers } from './queries';
import { assignmentParams, declineBody, offerParams, offersQuery, technicianBody, withdrawBody } from './schema';
import { withdraw } from './withdraw';

export const NAME = 'dispatch-offers';

const STAFF = ['provider-admin', 'technician'] as const;
const ADMIN = ['provider-admin'] as const;

/**
 * dispatch-offers: the provider's side of dispatch, as the mobile app uses it — list offers,
 * accept or decline one, withdraw from an accepted job, list live assignments and put a
 * technician on one. Every call is scoped to the caller's provider (anyone else's offer or
 * assignment answers 404); every write needs an Idempotency-Key and replays its first answer.
 * Operators dispatch by hand through operator-tasks, not here.
 */
export function dispatchOffersFunction(deps: { db: Db; authenticator: Authenticator; logger: Logger; clock?: () => Date }) {
  return makeHttpFunction({
    name: NAME,
    db: deps.db,
    clock: deps.clock,
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'GET',
        path: '/offers',
        roles: STAFF,
        query: offersQuery,
        handle: async ({ query, principal }, { now }) => ({ offers: await listOffers(deps.db, providerOf(principal), query.status, now) }),
      }),
      route({
        method: 'POST',
        path: '/offers/:offerId/accept',
        roles: ADMIN,
        params: offerParams,
        idempotent: 'accept',
        handle: ({ params, principal }, ctx) => answerOffer(ctx, principal, params.offerId, { answer: 'accepted' }),
      }),
      route({
        method: 'POST',
        path: '/offers/:offerId/decline',
        roles: STAFF,
        params: offerParams,
        body: declineBody,
        idempotent: 'decline',
        handle: ({ params, body, principal }, ctx) => answerOffer(ctx, principal, params.offerId, { answer: 'declined', ...body }),
      }),
      route({
        method: 'GET',
        path: '/assignments',
        roles: STAFF,
        handle: async ({ principal }) => ({ assignments: await listAssignments(deps.db, providerOf(principal)) }),
      }),
      route({
        method: 'POST',
        path: '/assignments/:assignmentId/withdraw',
        roles: ADMIN,
        params: assignmentParams,
        body: withdrawBody,
        idempotent: 'withdraw',
        handle: ({ params, body, principal }, ctx) => withdraw(ctx, principal, params.assignmentId, body),
      }),
      route({
        method: 'PUT',
        path: '/assignments/:assignmentId/technician',
        roles: ADMIN,
        params: assignmentParams,
        body: technicianBody,
        idempotent: 'assign-technician',
        handle: ({ params, body, principal }, ctx) => assignTechnician(ctx, principal, params.assignmentId, body),
      }),
    ],
  });
}
