import type { z } from 'zod';
import { PermanentError } from '../../shared/errors';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { tellCustomer } from './closing';
import { orderOf } from './queries';
import type { openDisputeVariables } from './schema';

/**
 * wcf-open-dispute: an operator gave up closing the form (no answer, unsigned, a rejection, or
 * overdue reserves): a dispute stays open on the form with the operator's note as its reason,
 * the order's open re-work rounds become disputed, and the customer is told. One open dispute
 * per form (a partial unique index): a retried job finds it and changes nothing.
 */
export function makeOpenDispute(clock: () => Date) {
  return async ({ orderId, formId, note }: z.infer<typeof openDisputeVariables>, { tx, outbox }: JobContext): Promise<JobOutcome> => {
    const reason = note?.trim();
    if (!reason) throw new PermanentError(`no reason (note) was given for the dispute on WCF form ${formId}`, 'dispute-reason-missing');
    const { rows: forms } = await tx.query('SELECT 1 FROM wcf.forms WHERE id = $1 AND service_order_id = $2', [formId, orderId]);
    if (forms.length === 0) throw new PermanentError(`no WCF form ${formId} on service order ${orderId}`, 'unknown-form');
    const {
      rows: [opened],
    } = await tx.query<{ id: string }>(
      `INSERT INTO wcf.disputes (service_order_id, form_id, reason, status, opened_at) VALUES ($1, $2, $3, 'open', $4)
       ON CONFLICT (form_id) WHERE status = 'open' DO NOTHING RETURNING id`,
      [orderId, formId, reason, clock()],
    );
    if (!opened) {
      const { rows } = await tx.query<{ id: string }>(`SELECT id FROM wcf.disputes WHERE form_id = $1 AND status = 'open'`, [formId]);
      return { kind: 'complete', variables: { disputeId: rows[0]!.id } };
    }
    await tx.query(`UPDATE wcf.reworks SET status = 'disputed' WHERE service_order_id = $1 AND status = 'open'`, [orderId]);
    const order = await orderOf(tx, orderId);
    await tellCustomer(outbox, order, 'wcf.dispute-opened', { orderReference: order.sales_order_id });
    return { kind: 'complete', variables: { disputeId: opened.id } };
  };
}
