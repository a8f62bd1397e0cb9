import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { capacityWindow, eligibleProviders } from './candidates';
import { lockOrder, notDispatchable } from './order';
import { preferProvider, rank } from './ranking';
import type { FunnelDeps } from './config';
import { findVariables } from './schema';

/**
 * dispatch-find-candidates: one run of the funnel (dispatch.dispatches) with its eligible
 * providers ranked and explained (dispatch.candidates). Completes with `dispatchId` and
 * `candidateCount` (0 sends the model to the operator).
 */
export function makeFindCandidates(deps: FunnelDeps) {
  const now = deps.clock ?? (() => new Date());
  return async ({ orderId }: z.infer<typeof findVariables>, { tx, job }: JobContext): Promise<JobOutcome> => {
    const order = await lockOrder(tx, orderId);
    const stop = notDispatchable(order);
    if (stop) return stop;
    const dispatchId = randomUUID();
    const {
      rows: [preference],
    } = await tx.query<{ providerId: string; reason: string }>(
      `SELECT provider_id AS "providerId", reason FROM dispatch.preferences WHERE service_order_id = $1`,
      [orderId],
    );
    const ranked = preferProvider(
      rank(await eligibleProviders(tx, order, capacityWindow(order, now(), deps.settings.horizonDays)), deps.settings.weights),
      preference,
    );
    await tx.query(
      `INSERT INTO dispatch.dispatches (id, service_order_id, process_instance_key, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
      [dispatchId, orderId, job.processInstanceKey, ranked.length > 0 ? 'offering' : 'manual', now()],
    );
    for (const c of ranked) {
      await tx.query('INSERT INTO dispatch.candidates (dispatch_id, provider_id, rank, score, explanation) VALUES ($1, $2, $3, $4, $5)', [
        dispatchId,
        c.providerId,
        c.rank,
        c.score,
        JSON.stringify(c.explanation),
      ]);
    }
    return { kind: 'complete', variables: { dispatchId, candidateCount: ranked.length } };
  };
}
