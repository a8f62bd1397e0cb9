import { randomUUID } from 'node:crypto';
import type { Request, Response } from '@google-cloud/functions-framework';
import { z } from 'zod';
import type { Db } from '../../shared/db';
import { verifyAnswerToken } from '../../shared/domain/tv-answer-token';
import { InvalidInputError, issuesFromZod, NotFoundError } from '../../shared/errors';
import { matchPath, toHttpError } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { answeredHealthCheck } from '../../shared/runtime/health';
import { makeAnswerAdjustments, makeShowAdjustments } from './handler';

export const NAME = 'tv-customer-answers';

export const answerBody = z.object({
  accepted: z.boolean(),
  comment: z.string().max(2000).optional(),
});

/**
 * tv-customer-answers: the customer (who has no account) reads and answers the adjustments of
 * a YES_BUT visit through the link they were sent — `GET /answers/:token`, `POST /answers/:token`.
 * The signed token is the credential (shared/domain/tv-answer-token.ts): bad, forged or expired
 * → 401. The shared HTTP edge demands a bearer token, so this function has its own small one;
 * its log lines name the route, never the path that holds the token.
 */
export function tvCustomerAnswersFunction(deps: { db: Db; logger: Logger; linkSecret: string; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date());
  const show = makeShowAdjustments({ db: deps.db, clock, source: `/functions/${NAME}` });
  const answer = makeAnswerAdjustments({ db: deps.db, clock, source: `/functions/${NAME}` });
  const ROUTE = '/answers/:token';

  return async (req: Request, res: Response): Promise<void> => {
    const requestId = req.header('x-request-id') ?? randomUUID();
    const logger = deps.logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    res.setHeader('cache-control', 'no-store');
    try {
      if (answeredHealthCheck(req, res)) return;
      const params = matchPath(ROUTE, req.path);
      if (!params || (req.method !== 'GET' && req.method !== 'POST')) throw new NotFoundError('no such route');
      const claims = verifyAnswerToken(deps.linkSecret, params.token ?? '', clock());
      const body = req.method === 'POST' ? await answer(claims, parseBody(req)) : await show(claims);
      res.status(200).json(body);
      logger.info('request handled', { method: req.method, route: ROUTE, status: 200, visitId: claims.visitId });
    } catch (error) {
      const failure = toHttpError(error);
      if (failure.status >= 500) logger.error('request failed', { error, method: req.method, route: ROUTE });
      else logger.info('request refused', { status: failure.status, reason: failure.body.message, method: req.method, route: ROUTE });
      // The link is not a bearer credential: no WWW-Authenticate challenge.
      for (const [name, value] of Object.entries(failure.headers ?? {})) if (name !== 'www-authenticate') res.setHeader(name, value);
      res.status(failure.status).json(failure.body);
    }
  };
}

function parseBody(req: Request): z.infer<typeof answerBody> {
  let value: unknown;
  try {
    value = JSON.parse(req.rawBody?.toString('utf8') || 'null') as unknown;
  } catch {
    throw new InvalidInputError('invalid body: not valid JSON', [{ field: 'body', message: 'not valid JSON' }]);
  }
  const parsed = answerBody.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error);
  throw new InvalidInputError(`invalid body: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
}
