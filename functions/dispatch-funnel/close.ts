import { z } from 'zod';
import { assignmentCompleted } from '../../events';
import type { DbClient } from '../../shared/db';
import { cancelLiveAssignment } from '../../shared/domain/assignments';
import type { Outbox } from '../../shared/outbox';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { liveAssignment, lockOrder } from './order';
import type { FunnelDeps } from './config';
import { withdrawOpenOffers } from './withdraw-offers';
import { closeVariables } from './schema';

/**
 * dispatch-close: the order is closed for dispatch (message dispatch-order-closed).
 * - `cancelled` (the sale was cancelled): its open offers are withdrawn, its live assignment is
 *   cancelled with its booked appointments, and its dispatch run ends cancelled.
 * - `worked` (its technician checked out): its live assignment is completed and can no longer
 *   be withdrawn.
 * Replayed, it finds nothing left to do and completes the same way.
 */
export function makeCloseDispatch(deps: FunnelDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async ({ orderId, closure }: z.infer<typeof closeVariables>, { tx, outbox }: JobContext): Promise<JobOutcome> => {
    const order = await lockOrder(tx, orderId);
    const now = clock();
    if (closure === 'worked') {
      const completed = await completeAssignment(tx, outbox, orderId, now);
      return { kind: 'complete', variables: { closure, assignmentCompleted: completed } };
    }
    const withdrawn = await withdrawOpenOffers(tx, outbox, { orderId, countryCode: order.countryCode, reason: 'order-cancelled', at: now });
    const cancelled = (await cancelLiveAssignment(tx, outbox, { orderId, reason: 'order-cancelled', at: now, releaseOrder: false })) !== undefined;
    await tx.query(`UPDATE dispatch.dispatches SET status = 'cancelled', updated_at = $2 WHERE service_order_id = $1 AND status <> 'cancelled'`, [
      orderId,
      now,
    ]);
    return { kind: 'complete', variables: { closure, offersWithdrawn: withdrawn, assignmentCancelled: cancelled } };
  };
}

async function completeAssignment(tx: DbClient, outbox: Outbox, orderId: string, now: Date): Promise<boolean> {
  const live = await liveAssignment(tx, orderId);
  if (!live) return false;
  await tx.query(`UPDATE dispatch.assignments SET status = 'completed', completed_at = $2 WHERE id = $1`, [live.id, now]);
  await outbox.add(
    assignmentCompleted,
    { assignmentId: live.id, serviceOrderId: orderId, providerId: live.provider_id, completedAt: now.toISOString() },
    { subject: orderId },
  );
  return true;
}
