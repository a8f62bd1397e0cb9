import type { Db } from '../../shared/db';
import { verifyCustomerLink } from '../../shared/domain/customer-link';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { answerSurvey, showSurvey } from './handler';
import { surveyBody, tokenParams } from './schema';

export const NAME = 'customer-surveys';

/**
 * customer-surveys: the satisfaction survey the customer is sent when their order closes
 * (wcf-outcomes, orders.satisfaction-survey) — `GET /:token` the page in their language (a
 * rating from 1 to 5 and a comment), `POST /:token` the answer, stored once per order (a second
 * answer: 409 already-answered). The signed link is the credential (purpose 'survey'), so the
 * routes are open to `'anyone'`: bad, forged, expired or made for another purpose → 401.
 * Answers are never cached; log lines name the route, never the path that holds the token.
 */
export function customerSurveysFunction(deps: { db: Db; logger: Logger; linkSecret: string; clock?: () => Date }) {
  const linkOf = (token: string, now: Date) => verifyCustomerLink(deps.linkSecret, token, 'survey', now);
  return makeHttpFunction({
    name: NAME,
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    headers: { 'cache-control': 'no-store' },
    routes: [
      route({
        method: 'GET',
        path: '/:token',
        roles: 'anyone',
        params: tokenParams,
        handle: ({ params }, { now }) => showSurvey(deps.db, linkOf(params.token, now)),
      }),
      route({
        method: 'POST',
        path: '/:token',
        roles: 'anyone',
        params: tokenParams,
        body: surveyBody,
        transaction: true,
        status: 201,
        handle: ({ params, body }, ctx) => answerSurvey(ctx, linkOf(params.token, ctx.now), body),
      }),
    ],
  });
}
