import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { informPartner } from '../../shared/domain/messages';
import { wcfSettings } from '../../shared/domain/wcf-settings';
import { PermanentError } from '../../shared/errors';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { tellCustomer } from './closing';
import { localDate } from '../../shared/domain/locale';
import { DAY_MS, lockClosingForm, orderOf } from './queries';
import type { requestReworkVariables } from './schema';

const answer = (reworkId: string, deadline: Date): JobOutcome => ({ kind: 'complete', variables: { reworkId, reworkDeadline: deadline.toISOString() } });

/**
 * wcf-request-rework: a round of re-work for the provider of the order's latest assignment,
 * with the country's deadline, taking every open reserve of the closing form not yet in a round
 * (the customer's reserves, or what the investigation of a rejection found). The provider and
 * the customer are told. A process instance that already has an open round gets it back: a
 * retried job changes nothing.
 */
export function makeRequestRework(clock: () => Date) {
  return async ({ orderId, formId }: z.infer<typeof requestReworkVariables>, { tx, outbox, job }: JobContext): Promise<JobOutcome> => {
    const closing = await lockClosingForm(tx, orderId);
    if (formId !== closing.id) throw new PermanentError(`WCF form ${formId} is not the closing form of service order ${orderId}`, 'wrong-form');
    const {
      rows: [open],
    } = await tx.query<{ id: string; deadline: Date }>(`SELECT id, deadline FROM wcf.reworks WHERE process_instance_key = $1 AND status = 'open'`, [
      job.processInstanceKey,
    ]);
    if (open) return answer(open.id, open.deadline);

    const {
      rows: [assignment],
    } = await tx.query<{ provider_id: string }>(
      `SELECT provider_id FROM dispatch.assignments WHERE service_order_id = $1 AND status IN ('confirmed', 'completed') ORDER BY confirmed_at DESC LIMIT 1`,
      [orderId],
    );
    if (!assignment) throw new PermanentError(`service order ${orderId} has no provider to give the re-work to`, 'no-provider');
    const order = await orderOf(tx, orderId);
    const deadline = new Date(clock().getTime() + (await wcfSettings(tx, order.country_code)).reworkDeadlineDays * DAY_MS);
    const reworkId = randomUUID();
    await tx.query(
      `INSERT INTO wcf.reworks (id, service_order_id, process_instance_key, round, origin, provider_id, deadline, status)
       SELECT $1, $2, $3, COALESCE(MAX(round), 0) + 1, $4, $5, $6, 'open' FROM wcf.reworks WHERE service_order_id = $2`,
      [reworkId, orderId, job.processInstanceKey, closing.answer === 'rejected' ? 'rejection' : 'reserves', assignment.provider_id, deadline],
    );
    const { rowCount } = await tx.query(`UPDATE wcf.reserves SET rework_id = $2 WHERE form_id = $1 AND status = 'open' AND rework_id IS NULL`, [
      closing.id,
      reworkId,
    ]);
    if (!rowCount) throw new PermanentError(`WCF form ${closing.id} has no open reserve left to redo`, 'no-open-reserves');

    const due = localDate(deadline, order.timezone);
    await informPartner(outbox, {
      serviceOrderId: orderId,
      countryCode: order.country_code,
      providerId: assignment.provider_id,
      templateId: 'wcf.rework-requested',
      parameters: { orderReference: order.sales_order_id, reserveCount: rowCount, deadline: due },
    });
    await tellCustomer(outbox, order, 'wcf.rework-planned', { orderReference: order.sales_order_id, deadline: due });
    return answer(reworkId, deadline);
  };
}
