import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { idempotencyKeyOf, makeHttpFunction, ok, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { makeAnswerOffer } from './answer-offer';
import { makeAssignTechnician } from './assign-technician';
import { providerOf } from './provider';
import { listAssignments, listOffers } from './queries';
import { assignmentParams, declineBody, offerParams, offersQuery, technicianBody, withdrawBody } from './schema';
import { makeWithdraw } from './withdraw';

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
  const clock = deps.clock ?? (() => new Date());
  const source = `/functions/${NAME}`;
  const answer = makeAnswerOffer({ db: deps.db, clock, source });
  const withdraw = makeWithdraw({ db: deps.db, clock, source });
  const assignTechnician = makeAssignTechnician({ db: deps.db, clock, source });
  return makeHttpFunction({
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'GET',
        path: '/offers',
        roles: STAFF,
        query: offersQuery,
        handle: async ({ query, principal }) => ok({ offers: await listOffers(deps.db, providerOf(principal), query.status, clock()) }),
      }),
      route({
        method: 'POST',
        path: '/offers/:offerId/accept',
        roles: ADMIN,
        params: offerParams,
        idempotent: true,
        handle: ({ params, principal }, ctx) => answer(principal, params.offerId, { answer: 'accepted' }, idempotencyKeyOf(ctx)),
      }),
      route({
        method: 'POST',
        path: '/offers/:offerId/decline',
        roles: STAFF,
        params: offerParams,
        body: declineBody,
        idempotent: true,
        handle: ({ params, body, principal }, ctx) => answer(principal, params.offerId, { answer: 'declined', ...body }, idempotencyKeyOf(ctx)),
      }),
      route({
        method: 'GET',
        path: '/assignments',
        roles: STAFF,
        handle: async ({ principal }) => ok({ assignments: await listAssignments(deps.db, providerOf(principal)) }),
      }),
      route({
        method: 'POST',
        path: '/assignments/:assignmentId/withdraw',
        roles: ADMIN,
        params: assignmentParams,
        body: withdrawBody,
        idempotent: true,
        handle: ({ params, body, principal }, ctx) => withdraw(principal, params.assignmentId, body, idempotencyKeyOf(ctx)),
      }),
      route({
        method: 'PUT',
        path: '/assignments/:assignmentId/technician',
        roles: ADMIN,
        params: assignmentParams,
        body: technicianBody,
        idempotent: true,
        handle: ({ params, body, principal }, ctx) => assignTechnician(principal, params.assignmentId, body, idempotencyKeyOf(ctx)),
      }),
    ],
  });
}
