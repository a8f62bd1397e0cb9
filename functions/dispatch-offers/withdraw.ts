import { messages } from '../../bpmn/contract';
import type { Principal } from '../../shared/auth/principal';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { cancelLiveAssignment } from '../../shared/domain/assignments';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import { providerOf } from './scope';
import type { WithdrawBody } from './schema';

/**
 * A provider gives back a job it accepted: the assignment is cancelled at once with its booked
 * slots (dispatch.assignment.cancelled), so nothing more can be done on it, the provider is
 * excluded from the order, and the dispatch workflow is told (message
 * dispatch-assignment-withdrawn) to run the funnel again without it. 409 `assignment-not-live`
 * when the assignment is cancelled or completed, `work-started` once a technician checked in.
 */
export async function withdraw({ tx, outbox, now }: WriteContext, principal: Principal, assignmentId: string, body: WithdrawBody) {
  const providerId = providerOf(principal);
  const {
    rows: [mine],
  } = await tx.query<{ service_order_id: string }>('SELECT service_order_id FROM dispatch.assignments WHERE id = $1 AND provider_id = $2', [
    assignmentId,
    providerId,
  ]);
  if (!mine) throw new NotFoundError(`no assignment ${assignmentId} for your provider`);
  const orderId = mine.service_order_id;
  // The order's lock first, as the dispatch funnel takes it: then the assignment is stable.
  await tx.query('SELECT 1 FROM orders.service_orders WHERE id = $1 FOR UPDATE', [orderId]);
  const {
    rows: [assignment],
  } = await tx.query<{ status: string; worked: boolean }>(
    `SELECT a.status, EXISTS (SELECT 1 FROM field.appointments ap WHERE ap.assignment_id = a.id AND ap.status IN ('checked-in', 'done')) AS worked
       FROM dispatch.assignments a WHERE a.id = $1`,
    [assignmentId],
  );
  if (assignment?.status !== 'confirmed') {
    throw new ConflictError(`assignment ${assignmentId} is ${assignment?.status ?? 'gone'}, not live`, 'assignment-not-live');
  }
  if (assignment.worked) throw new ConflictError(`the work of assignment ${assignmentId} has started on site`, 'work-started');
  await tx.query(`INSERT INTO dispatch.exclusions (service_order_id, provider_id, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
    orderId,
    providerId,
    `withdrew:${body.reasonCode}`,
  ]);
  await cancelLiveAssignment(tx, outbox, { orderId, reason: 'provider-withdrew', at: now, releaseOrder: true });
  await requestWorkflowMessage(outbox, messages.dispatchAssignmentWithdrawn, orderId, { assignmentId }, { messageId: `withdrawn:${assignmentId}` });
  return { assignmentId, serviceOrderId: orderId, status: 'withdrawal-requested', reasonCode: body.reasonCode, requestedAt: now.toISOString() };
}
