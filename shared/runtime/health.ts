import type { Request, Response } from '@google-cloud/functions-framework';

/** Answers Knative's readiness probe (`GET /healthz`, no token); true when it did. */
export function answeredHealthCheck(req: Request, res: Response): boolean {
  if (req.method !== 'GET' || req.path !== '/healthz') return false;
  res.status(200).json({ status: 'ok' });
  return true;
}
