import type { Db } from '../../shared/db';
import { verifyAnswerToken } from '../../shared/domain/tv-answer-token';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { answerAdjustments, showAdjustments } from './handler';
import { answerBody, tokenParams } from './schema';

export const NAME = 'tv-customer-answers';

/**
 * tv-customer-answers: the customer (who has no account) reads and answers the adjustments of
 * a YES_BUT visit through the link they were sent — `GET /answers/:token`, `POST /answers/:token`.
 * The signed token is the credential (shared/domain/tv-answer-token.ts), so the routes are open
 * to `'anyone'` (no bearer token): bad, forged or expired → 401, without a bearer challenge.
 * Answers are never cached; log lines name the route, never the path that holds the token.
 */
export function tvCustomerAnswersFunction(deps: { db: Db; logger: Logger; linkSecret: string; clock?: () => Date }) {
  const claimsOf = (token: string, now: Date) => verifyAnswerToken(deps.linkSecret, token, now);
  return makeHttpFunction({
    name: NAME,
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    headers: { 'cache-control': 'no-store' },
    routes: [
      route({
        method: 'GET',
        path: '/answers/:token',
        roles: 'anyone',
        params: tokenParams,
        handle: ({ params }, { now }) => showAdjustments(deps.db, claimsOf(params.token, now), now),
      }),
      route({
        method: 'POST',
        path: '/answers/:token',
        roles: 'anyone',
        params: tokenParams,
        body: answerBody,
        transaction: true,
        handle: ({ params, body }, ctx) => answerAdjustments(ctx, claimsOf(params.token, ctx.now), body),
      }),
    ],
  });
}
