import { messages } from '../../bpmn/contract';
import type { Principal } from '../../shared/auth/principal';
import type { Db, DbClient } from '../../shared/db';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { idempotently, ok, replayed, type HttpResult } from '../../shared/http';
import { currentTraceHeaders } from '../../shared/observability/tracing';
import { makeOutbox } from '../../shared/outbox';
import { cancelLiveAssignment } from '../../shared/domain/assignments';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import { providerOf } from './provider';
import type { WithdrawBody } from './schema';

export interface WithdrawDeps {
  db: Db;
  clock: () => Date;
  source: string;
}

/**
 * A provider gives back a job it accepted: the assignment is cancelled at once with its booked
 * slots (dispatch.assignment.cancelled), so nothing more can be done on it, the provider is
 * excluded from the order, and the dispatch workflow is told (message
 * dispatch-assignment-withdrawn) to run the funnel again without it. 409 `assignment-not-live`
 * when the assignment is cancelled or completed, `work-started` once a technician checked in.
 */
export function makeWithdraw(deps: WithdrawDeps) {
  return async (principal: Principal, assignmentId: string, body: WithdrawBody, idempotencyKey: string): Promise<HttpResult> => {
    const providerId = providerOf(principal);
    return replayed(await idempotently(
      deps.db,
      { scope: 'dispatch-offers:withdraw', subject: principal.subject, key: idempotencyKey, request: { assignmentId, ...body } },
      async (tx) => ok(await withdrawInTx(tx, providerId, assignmentId, body)),
    ));
  };

  async function withdrawInTx(tx: DbClient, providerId: string, assignmentId: string, body: WithdrawBody) {
    const { rows: [mine] } = await tx.query<{ service_order_id: string }>(
      'SELECT service_order_id FROM dispatch.assignments WHERE id = $1 AND provider_id = $2', [assignmentId, providerId]);
    if (!mine) throw new NotFoundError(`no assignment ${assignmentId} for your provider`);
    const orderId = mine.service_order_id;
    // The order's lock first, as the dispatch funnel takes it: then the assignment is stable.
    await tx.query('SELECT 1 FROM orders.service_orders WHERE id = $1 FOR UPDATE', [orderId]);
    const { rows: [assignment] } = await tx.query<{ status: string; worked: boolean }>(
      `SELECT a.status, EXISTS (SELECT 1 FROM field.appointments ap WHERE ap.assignment_id = a.id AND ap.status IN ('checked-in', 'done')) AS worked
         FROM dispatch.assignments a WHERE a.id = $1`, [assignmentId]);
    if (assignment?.status !== 'confirmed') {
      throw new ConflictError(`assignment ${assignmentId} is ${assignment?.status ?? 'gone'}, not live`, 'assignment-not-live');
    }
    if (assignment.worked) throw new ConflictError(`the work of assignment ${assignmentId} has started on site`, 'work-started');
    await tx.query(
      `INSERT INTO dispatch.exclusions (service_order_id, provider_id, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [orderId, providerId, `withdrew:${body.reasonCode}`],
    );
    const now = deps.clock();
    const outbox = makeOutbox(tx, { source: deps.source, clock: deps.clock, traceHeaders: currentTraceHeaders });
    await cancelLiveAssignment(tx, outbox, { orderId, reason: 'provider-withdrew', at: now, releaseOrder: true });
    await requestWorkflowMessage(outbox, messages.dispatchAssignmentWithdrawn, orderId, { assignmentId }, { messageId: `withdrawn:${assignmentId}` });
    return { assignmentId, serviceOrderId: orderId, status: 'withdrawal-requested', reasonCode: body.reasonCode, requestedAt: now.toISOString() };
  }
}
