import { messages } from '../../bpmn/contract';
import { tvVisitCompleted } from '../../events';
import type { Principal } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import { present } from './present';
import { findVisit, type VisitRow } from './queries';
import type { OutcomeBody } from './schema';

/**
 * The assigned technician records the visit's outcome (and, for YES_BUT, the adjustments):
 * the visit is completed, tv.visit.completed is announced (outbox) and the workflow is told
 * (message tv-outcome-recorded, correlated by the order id).
 *
 * The message goes through the outbox, in the transaction that records the outcome: the
 * workflow hears of the outcome (and moves on to the adjustments) only once it is committed.
 *
 * Anyone but the assigned technician gets 404; a visit no longer pending, or an order that
 * never needed one, gets 409 `no-pending-visit`. The app's Idempotency-Key (the route's) makes a
 * retry of the same recording get its first answer back; a new recording of a completed visit is refused.
 */
export async function recordOutcome({ tx, outbox, now: recordedAt }: WriteContext, principal: Principal, orderId: string, body: OutcomeBody) {
  const visit = await findVisit(tx, principal, orderId, { lock: true }).catch(async (error: unknown) => {
    // An order of the caller's provider that never had a visit has no pending TV (409); a
    // visit assigned to someone else, or another provider's order, stays invisible (404).
    if (error instanceof NotFoundError && (await ownOrderWithoutVisit(tx, principal, orderId))) {
      throw new ConflictError(`service order ${orderId} has no technical visit: no pending visit`, 'no-pending-visit');
    }
    throw error;
  });
  pending(visit, principal, orderId);
  await tx.query(
    `UPDATE tv.visits SET status = 'completed', outcome = $2, notes = $3, recorded_by = $4, recorded_at = $5, updated_at = NOW()
      WHERE id = $1`,
    [visit.id, body.outcome, body.notes ?? null, principal.subject, recordedAt],
  );
  const adjustments = body.outcome === 'YES_BUT' ? (body.adjustments ?? null) : null;
  if (adjustments) {
    await tx.query(`INSERT INTO tv.adjustments (visit_id, service_order_id, lines, extra_cost_minor, currency) VALUES ($1, $2, $3, $4, $5)`, [
      visit.id,
      orderId,
      JSON.stringify(adjustments.lines),
      adjustments.extraCost.amountMinor,
      adjustments.extraCost.currency,
    ]);
  }
  await outbox.add(
    tvVisitCompleted,
    {
      visitId: visit.id,
      serviceOrderId: orderId,
      outcome: body.outcome,
      adjustments,
      recordedAt: recordedAt.toISOString(),
    },
    { subject: orderId },
  );
  await requestWorkflowMessage(
    outbox,
    messages.tvOutcomeRecorded,
    orderId,
    { outcome: body.outcome, visitId: visit.id },
    { messageId: `tv-outcome:${visit.id}` },
  );
  return present(await findVisit(tx, principal, orderId));
}

function pending(visit: VisitRow, principal: Principal, orderId: string): void {
  if (visit.technician_subject !== principal.subject) throw new NotFoundError(`no technical visit of service order ${orderId}`);
  if (visit.status !== 'scheduled') {
    throw new ConflictError(`the technical visit of service order ${orderId} is ${visit.status}: no pending visit`, 'no-pending-visit');
  }
}

async function ownOrderWithoutVisit(db: Queryable, principal: Principal, orderId: string): Promise<boolean> {
  if (!principal.scope.providerId) return false;
  const { rows } = await db.query(
    `SELECT 1 FROM orders.service_orders o
      WHERE o.id = $1 AND o.provider_id = $2 AND NOT EXISTS (SELECT 1 FROM tv.visits v WHERE v.service_order_id = o.id)`,
    [orderId, principal.scope.providerId],
  );
  return rows.length > 0;
}
