import { messages } from '../../bpmn/contract';
import type { Principal } from '../../shared/auth/principal';
import type { Db, DbClient } from '../../shared/db';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { idempotently, ok, replayed, type HttpResult } from '../../shared/http';
import { currentTraceHeaders } from '../../shared/observability/tracing';
import { makeOutbox } from '../../shared/outbox';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import { providerOf } from './provider';
import type { WithdrawBody } from './schema';

export interface WithdrawDeps {
  db: Db;
  clock: () => Date;
  source: string;
}

/**
 * A provider gives back a job it accepted: the provider is excluded from the order and the
 * dispatch workflow is told (message dispatch-assignment-withdrawn); its worker cancels the
 * assignment (dispatch.assignment.cancelled) and runs the funnel again without this provider.
 * 409 `assignment-not-live` when the assignment was already cancelled.
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
    const { rows: [assignment] } = await tx.query<{ service_order_id: string; status: string }>(
      `SELECT service_order_id, status FROM dispatch.assignments WHERE id = $1 AND provider_id = $2 FOR UPDATE`,
      [assignmentId, providerId],
    );
    if (!assignment) throw new NotFoundError(`no assignment ${assignmentId} for your provider`);
    if (assignment.status !== 'confirmed') {
      throw new ConflictError(`assignment ${assignmentId} is ${assignment.status}, not live`, 'assignment-not-live');
    }
    await tx.query(
      `INSERT INTO dispatch.exclusions (service_order_id, provider_id, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [assignment.service_order_id, providerId, `withdrew:${body.reasonCode}`],
    );
    const outbox = makeOutbox(tx, { source: deps.source, clock: deps.clock, traceHeaders: currentTraceHeaders });
    await requestWorkflowMessage(outbox, messages.dispatchAssignmentWithdrawn, assignment.service_order_id, { assignmentId }, { messageId: `withdrawn:${assignmentId}` });
    return { assignmentId, serviceOrderId: assignment.service_order_id, status: 'withdrawal-requested', reasonCode: body.reasonCode, requestedAt: deps.clock().toISOString() };
  }
}
