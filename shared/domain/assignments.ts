import { assignmentCancelled } from '../../events';
import type { DbClient } from '../db';
import type { Outbox } from '../outbox/outbox';
import { withdrawAppointmentReminder } from './appointment-reminder';

export type AssignmentCancelReason = 'provider-withdrew' | 'order-cancelled';

/**
 * Cancels an order's live assignment, with its booked (not yet worked) appointments and the
 * customer's reminder of them, and announces it (dispatch.assignment.cancelled), in the caller's
 * transaction. The caller holds
 * the order's row lock first, as every writer of assignments does. A withdrawal also frees the
 * order for the next provider (`releaseOrder`); a cancelled order keeps the provider it had.
 * Returns the cancelled assignment, or undefined when none was live.
 */
export async function cancelLiveAssignment(
  tx: DbClient,
  outbox: Outbox,
  c: { orderId: string; reason: AssignmentCancelReason; at: Date; releaseOrder: boolean },
): Promise<{ id: string; providerId: string } | undefined> {
  const {
    rows: [live],
  } = await tx.query<{ id: string; provider_id: string }>(
    `UPDATE dispatch.assignments SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3
      WHERE service_order_id = $1 AND status = 'confirmed' RETURNING id, provider_id`,
    [c.orderId, c.at, c.reason],
  );
  if (!live) return undefined;
  if (c.releaseOrder) await tx.query('UPDATE orders.service_orders SET provider_id = NULL, updated_at = NOW() WHERE id = $1', [c.orderId]);
  const { rowCount: appointmentsCancelled } = await tx.query(
    `UPDATE field.appointments SET status = 'cancelled' WHERE assignment_id = $1 AND status = 'booked'`,
    [live.id],
  );
  if (appointmentsCancelled) await withdrawAppointmentReminder(outbox, c.orderId, c.reason);
  await outbox.add(
    assignmentCancelled,
    {
      assignmentId: live.id,
      serviceOrderId: c.orderId,
      providerId: live.provider_id,
      reason: c.reason,
      cancelledAt: c.at.toISOString(),
    },
    { subject: c.orderId },
  );
  return { id: live.id, providerId: live.provider_id };
}
