import type { Request, Response } from '@google-cloud/functions-framework';
import type { Db } from '../../shared/db';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { receiveNotification } from './handler';
import { notificationBody } from './schema';

export const NAME = 'esign-webhooks';

/** The header Adobe Sign sends with every webhook request, and expects echoed in a 2xx. */
export const CLIENT_ID_HEADER = 'X-AdobeSign-ClientId';

/**
 * esign-webhooks: Adobe Acrobat Sign's webhook, `GET /` (verification of intent, when the
 * webhook is registered) and `POST /` (a notification). The caller is Adobe, known by the client
 * id of the account's API application in `X-AdobeSign-ClientId`, not by a bearer token: the
 * routes are open to `'anyone'` and this edge checks the id first — unknown or missing → 401,
 * nothing read or stored — and echoes a known id in the same header and in a 2xx's JSON body
 * (Adobe disables a webhook whose 2xx lacks it). A notification is stored and acknowledged at once
 * (./handler.ts); esign-notifications processes it after the commit.
 */
export function esignWebhooksFunction(deps: { db: Db; logger: Logger; clientIds: readonly string[]; clock?: () => Date }) {
  const accepted = new Set(deps.clientIds);
  const routes = makeHttpFunction({
    name: NAME,
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    headers: { 'cache-control': 'no-store' },
    routes: [
      route({ method: 'GET', path: '/', roles: 'anyone', handle: () => Promise.resolve({ status: 'ok' }) }),
      route({
        method: 'POST',
        path: '/',
        roles: 'anyone',
        body: notificationBody,
        transaction: true,
        handle: ({ body }, ctx) => receiveNotification(ctx, body),
      }),
    ],
  });
  return async (req: Request, res: Response): Promise<void> => {
    const healthCheck = req.method === 'GET' && req.path === '/healthz';
    const clientId = req.header(CLIENT_ID_HEADER);
    if (!healthCheck && (clientId === undefined || !accepted.has(clientId))) {
      deps.logger.info('webhook refused', { method: req.method, reason: clientId === undefined ? 'no client id' : 'unknown client id' });
      res.setHeader('cache-control', 'no-store');
      res.status(401).json({ error: 'unauthenticated', message: `unknown or missing ${CLIENT_ID_HEADER}` });
      return;
    }
    if (clientId !== undefined) echoClientId(res, clientId);
    await routes(req, res);
  };
}

/**
 * Adobe accepts the echo in the response header or in the JSON body (`xAdobeSignClientId`): it
 * gets both — the header on every answer, the body field on every 2xx JSON answer.
 */
function echoClientId(res: Response, clientId: string): void {
  res.setHeader(CLIENT_ID_HEADER, clientId);
  const json = res.json.bind(res);
  res.json = (body: unknown) => json(res.statusCode < 300 && body !== null && typeof body === 'object' ? { ...body, xAdobeSignClientId: clientId } : body);
}
