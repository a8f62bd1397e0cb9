import type { Request, Response } from '@google-cloud/functions-framework';
import type { RelayLoop } from '../../shared/outbox';

export const NAME = 'outbox-relay';

/**
 * outbox-relay: always on (min-scale 1, max-scale 1, so one relay keeps each key's order within a topic).
 * The loop publishes committed outbox rows; the HTTP side reports its health and counters.
 * It is ready while it runs; a relay that keeps failing stays up and retries, and its
 * `lastError` tells why.
 */
export function outboxRelayFunction(stats: () => ReturnType<RelayLoop['stats']>) {
  return (req: Request, res: Response): void => {
    if (req.method !== 'GET') {
      res.status(405).json({ error: 'method_not_allowed', message: 'only GET /healthz and GET /stats' });
      return;
    }
    if (req.path === '/healthz') res.status(200).json({ status: 'ok' });
    else if (req.path === '/stats') res.status(200).json(stats());
    else res.status(404).json({ error: 'not_found', message: `no route for GET ${req.path}` });
  };
}
