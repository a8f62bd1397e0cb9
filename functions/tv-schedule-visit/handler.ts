import { randomUUID } from 'node:crypto';
import { bpmnErrors } from '../../bpmn/contract';
import { tvVisitScheduled } from '../../events';
import { isUniqueViolation } from '../../shared/db';
import { PermanentError, RetryableError } from '../../shared/errors';
import { durationMs, type JobContext, type JobOutcome } from '../../shared/workflow';
import { type ScheduleVisitVariables } from './schema';

export interface ScheduleVisitDeps {
  clock?: () => Date;
  newId?: () => string;
}

/**
 * Opens the technical visit of a service order: status scheduled, due by now + the SLA; a
 * technician is assigned later (tv-visits). Idempotent beyond the job key: the same process
 * instance, or an order that already has a pending visit, gets the existing visit back.
 * A cancelled order ends the workflow through the ORDER_NOT_ACTIVE boundary event.
 */
export function makeScheduleVisit(deps: ScheduleVisitDeps = {}) {
  const now = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  return async ({ orderId, slaDuration }: ScheduleVisitVariables, ctx: JobContext): Promise<JobOutcome> => {
    const { tx } = ctx;
    const {
      rows: [order],
    } = await tx.query<{ status: string; country_code: string }>('SELECT status, country_code FROM orders.service_orders WHERE id = $1 FOR SHARE', [orderId]);
    if (!order) throw new PermanentError(`service order ${orderId} not found`, 'unknown-service-order');
    if (order.status === 'CANCELLED') {
      return { kind: 'bpmn-error', errorCode: bpmnErrors.orderNotActive, message: `service order ${orderId} is cancelled` };
    }
    const {
      rows: [existing],
    } = await tx.query<{ id: string }>(
      `SELECT id FROM tv.visits
        WHERE process_instance_key = $1 OR (service_order_id = $2 AND status = 'scheduled')
        ORDER BY (process_instance_key = $1) DESC LIMIT 1`,
      [ctx.job.processInstanceKey, orderId],
    );
    if (existing) {
      ctx.logger.info('visit already open', { visitId: existing.id });
      return { kind: 'complete', variables: { visitId: existing.id } };
    }
    const visitId = newId();
    const dueBy = new Date(now().getTime() + durationMs(slaDuration));
    try {
      await tx.query(`INSERT INTO tv.visits (id, service_order_id, process_instance_key, status, due_by) VALUES ($1, $2, $3, 'scheduled', $4)`, [
        visitId,
        orderId,
        ctx.job.processInstanceKey,
        dueBy,
      ]);
    } catch (error) {
      // A concurrent job opened the visit first: the engine retries this one, which then finds it.
      if (isUniqueViolation(error)) throw new RetryableError(`a visit of service order ${orderId} is being opened concurrently`);
      throw error;
    }
    await ctx.outbox.add(
      tvVisitScheduled,
      { visitId, serviceOrderId: orderId, countryCode: order.country_code, dueBy: dueBy.toISOString() },
      { subject: orderId },
    );
    return { kind: 'complete', variables: { visitId } };
  };
}
