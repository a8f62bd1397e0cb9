import type { Request, Response } from '@google-cloud/functions-framework';
import type { JobBridgeStats } from './handler';

export const NAME = 'job-bridge';

export interface BridgeStatus extends JobBridgeStats {
  /** `zeebe` when activating jobs; `none` when no ZEEBE_GRPC_ADDRESS is set (idle). */
  engine: 'zeebe' | 'none';
  taskTypes: string[];
}

/**
 * job-bridge: always on (min-scale 1: Zeebe workers hold long polls, which scale-to-zero would
 * cut). Its workers activate jobs and POST them to worker functions; this HTTP side reports
 * health and counters. It is ready while it runs: a lost gateway connection is retried by the
 * SDK, and /stats tells what happened.
 */
export function jobBridgeFunction(status: () => BridgeStatus) {
  return (req: Request, res: Response): void => {
    if (req.method !== 'GET') {
      res.status(405).json({ error: 'method_not_allowed', message: 'only GET /healthz and GET /stats' });
      return;
    }
    if (req.path === '/healthz') res.status(200).json({ status: 'ok' });
    else if (req.path === '/stats') res.status(200).json(status());
    else res.status(404).json({ error: 'not_found', message: `no route for GET ${req.path}` });
  };
}
