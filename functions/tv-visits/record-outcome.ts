import { messages } from '../../bpmn/contract';
import { tvVisitCompleted } from '../../events';
import type { Principal } from '../../shared/auth/principal';
import { withTransaction, type Db } from '../../shared/db';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { currentTraceHeaders } from '../../shared/observability/tracing';
import { makeOutbox } from '../../shared/outbox';
import type { Workflows } from '../../shared/workflow';
import { findVisit, present } from './queries';
import type { OutcomeBody } from './schema';

export interface RecordOutcomeDeps {
  db: Db;
  workflows: Workflows;
  clock: () => Date;
  /** CloudEvent source of the events this function produces. */
  source: string;
}

/**
 * The assigned technician records the visit's outcome (and, for YES_BUT, the adjustments):
 * the visit is completed, tv.visit.completed is announced (outbox) and the workflow is told
 * (message tv-outcome-recorded, correlated by the order id). The message is published before
 * the transaction commits, so a failed publish leaves the visit pending (503, the app retries);
 * its messageId makes a second publish after a failed commit harmless.
 *
 * Anyone but the assigned technician gets 404; a visit no longer pending gets 409
 * `no-pending-visit` — including the technician's own retry after a success (no replay).
 */
export function makeRecordOutcome(deps: RecordOutcomeDeps) {
  return (principal: Principal, orderId: string, body: OutcomeBody) =>
    withTransaction(deps.db, async (tx) => {
      const visit = await findVisit(tx, principal, orderId, { lock: true });
      if (visit.technician_subject !== principal.subject) throw new NotFoundError(`no technical visit of service order ${orderId}`);
      if (visit.status !== 'scheduled') {
        throw new ConflictError(`the technical visit of service order ${orderId} is ${visit.status}: no pending visit`, 'no-pending-visit');
      }
      const recordedAt = deps.clock();
      await tx.query(
        `UPDATE tv.visits SET status = 'completed', outcome = $2, notes = $3, recorded_by = $4, recorded_at = $5, updated_at = NOW()
          WHERE id = $1`,
        [visit.id, body.outcome, body.notes ?? null, principal.subject, recordedAt]);
      const adjustments = body.outcome === 'YES_BUT' ? body.adjustments ?? null : null;
      if (adjustments) {
        await tx.query(
          `INSERT INTO tv.adjustments (visit_id, service_order_id, lines, extra_cost_minor, currency) VALUES ($1, $2, $3, $4, $5)`,
          [visit.id, orderId, JSON.stringify(adjustments.lines), adjustments.extraCost.amountMinor, adjustments.extraCost.currency]);
      }
      const outbox = makeOutbox(tx, { source: deps.source, clock: deps.clock, traceHeaders: currentTraceHeaders });
      await outbox.add(tvVisitCompleted, {
        visitId: visit.id, serviceOrderId: orderId, outcome: body.outcome, adjustments, recordedAt: recordedAt.toISOString(),
      }, { subject: orderId });
      await deps.workflows.publishMessage(messages.tvOutcomeRecorded, orderId, { outcome: body.outcome, visitId: visit.id }, {
        messageId: `tv-outcome:${visit.id}`,
      });
      return present(await findVisit(tx, principal, orderId));
    });
}
