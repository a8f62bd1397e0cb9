import { z } from 'zod';
import { bpmnErrors } from '../../bpmn/contract';
import { cancelLiveAssignment } from '../../shared/domain/assignments';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { confirmAssignment } from './confirm-assignment';
import { liveAssignment, lockOrder, notDispatchable } from './order';
import type { FunnelDeps } from './config';
import { cancelVariables, manualVariables } from './schema';

/**
 * dispatch-assign-manually: the operator chose a provider ("Dispatch by hand"). A provider that
 * is not active or does not serve the order's business unit raises PROVIDER_NOT_ELIGIBLE and
 * the task goes back to the operator.
 */
export function makeAssignManually(deps: FunnelDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async ({ orderId, dispatchId, providerId }: z.infer<typeof manualVariables>, ctx: JobContext): Promise<JobOutcome> => {
    const order = await lockOrder(ctx.tx, orderId);
    const stop = notDispatchable(order);
    if (stop) return stop;
    const live = await liveAssignment(ctx.tx, orderId);
    if (live?.provider_id === providerId) return { kind: 'complete', variables: { assignmentId: live.id } };
    const { rows } = await ctx.tx.query(
      `SELECT 1 FROM dispatch.providers p JOIN dispatch.provider_business_units b ON b.provider_id = p.id
        WHERE p.id = $1 AND p.status = 'active' AND b.business_unit_id = $2`,
      [providerId, order.businessUnitId],
    );
    if (rows.length === 0 || live) {
      return { kind: 'bpmn-error', errorCode: bpmnErrors.providerNotEligible, message: `provider ${providerId} cannot be assigned service order ${orderId}` };
    }
    const assignmentId = await confirmAssignment(ctx.tx, ctx.outbox, {
      orderId,
      countryCode: order.countryCode,
      providerId,
      source: 'manual',
      offerId: null,
      dispatchId: dispatchId ?? null,
      at: clock(),
    });
    return { kind: 'complete', variables: { assignmentId } };
  };
}

/**
 * dispatch-cancel-assignment: the provider withdrew (message dispatch-assignment-withdrawn).
 * The live assignment is cancelled (if the app has not done it yet) with its booked appointment,
 * and its provider excluded for this order; the model then looks for candidates again.
 */
export function makeCancelAssignment(deps: FunnelDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async ({ orderId }: z.infer<typeof cancelVariables>, ctx: JobContext): Promise<JobOutcome> => {
    await lockOrder(ctx.tx, orderId);
    const now = clock();
    await cancelLiveAssignment(ctx.tx, ctx.outbox, { orderId, reason: 'provider-withdrew', at: now, releaseOrder: true });
    const {
      rows: [last],
    } = await ctx.tx.query<{ provider_id: string }>(
      `SELECT provider_id FROM dispatch.assignments WHERE service_order_id = $1 AND status = 'cancelled' ORDER BY cancelled_at DESC LIMIT 1`,
      [orderId],
    );
    if (last) {
      await ctx.tx.query(
        `INSERT INTO dispatch.exclusions (service_order_id, provider_id, reason, created_at) VALUES ($1, $2, 'withdrew', $3) ON CONFLICT DO NOTHING`,
        [orderId, last.provider_id, now],
      );
    }
    return { kind: 'complete', variables: {} };
  };
}
