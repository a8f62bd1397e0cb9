import type { Request, Response } from '@google-cloud/functions-framework';
import type { Authenticator } from '../../shared/auth/principal';
import { fromHttp } from '../../shared/cloudevents/http';
import type { Db } from '../../shared/db';
import { toEventAnswer } from '../../shared/event-function';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { listDeadLetters } from './queries';
import { saveDeadLetter, toDeadLetter } from './record';
import { replay } from './replay';
import { letterParams, listQuery } from './schema';

export const NAME = 'dead-letters';

/**
 * dead-letters: the dead letter sink of every subscription. `POST /` receives the failed
 * CloudEvent with Knative's error extensions and keeps it with its reason; for admins (bearer
 * token), `GET /` lists dead letters and `POST /{id}/replay` publishes one again once its cause
 * is fixed.
 */
export function deadLettersFunction(deps: { db: Db; authenticator: Authenticator; logger: Logger }) {
  const operatorApi = makeHttpFunction({
    name: NAME,
    db: deps.db,
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'GET',
        path: '/',
        // Dead letters belong to no tenant (a malformed event may not say its country): HQ admins only.
        roles: ['admin'],
        query: listQuery,
        handle: async ({ query }) => ({ items: await listDeadLetters(deps.db, query) }),
      }),
      route({
        method: 'POST',
        path: '/:id/replay',
        roles: ['admin'],
        params: letterParams,
        transaction: true,
        status: 202,
        handle: ({ params }, ctx) => replay(ctx, params.id),
      }),
    ],
  });

  return async (req: Request, res: Response): Promise<void> => {
    if (req.method !== 'POST' || req.path !== '/') return operatorApi(req, res);
    try {
      const letter = toDeadLetter(fromHttp(req.headers, req.rawBody, { keepInvalidData: true }));
      const stored = await saveDeadLetter(deps.db, letter);
      deps.logger.warn('event dead-lettered', {
        eventId: letter.id,
        eventType: letter.type,
        destination: letter.destination,
        errorCode: letter.errorCode,
        reason: letter.reason,
        duplicate: !stored,
      });
      res.status(200).json({ result: stored ? 'recorded' : 'duplicate' });
    } catch (error) {
      const answer = toEventAnswer(error);
      deps.logger.error('dead letter not recorded', { error, status: answer.status });
      res.status(answer.status).json(answer.body);
    }
  };
}
