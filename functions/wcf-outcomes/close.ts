import type { z } from 'zod';
import { startWarranties } from '../../shared/domain/warranties';
import { PermanentError } from '../../shared/errors';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { closeOrder, type ClaimLinkSettings, type SurveyLinkSettings } from './closing';
import { localDate } from '../../shared/domain/locale';
import { lockForm, orderOf, signedAt } from './queries';
import type { closeVariables } from './schema';

/**
 * wcf-close: the customer signed the lifting form of a round whose reserves the provider lifted:
 * the round's reserves and the round are confirmed (on the signature), the warranties start if
 * they have not (a rejected closing form: acceptance is this signature), and the order is closed
 * as on an acceptance without reserves (closing.ts). The acceptance date answered is the one the
 * warranties run from. A retried job finds everything done and changes nothing.
 */
export const makeCloseAfterRework =
  (link?: ClaimLinkSettings, survey?: SurveyLinkSettings) =>
  async ({ orderId, formId, reworkId }: z.infer<typeof closeVariables>, { tx, outbox }: JobContext): Promise<JobOutcome> => {
    const form = await lockForm(tx, formId, orderId, 'lifting');
    if (form.rework_id !== reworkId) throw new PermanentError(`WCF form ${formId} lifts round ${form.rework_id}, not ${reworkId}`, 'wrong-rework');
    const signed = signedAt(form);
    const {
      rows: [round],
    } = await tx.query<{ status: string }>('SELECT status FROM wcf.reworks WHERE id = $1 FOR UPDATE', [reworkId]);
    if (!round || (round.status !== 'lifted' && round.status !== 'confirmed')) {
      throw new PermanentError(`re-work round ${reworkId} is ${round?.status ?? 'missing'}, not lifted`, 'rework-not-lifted');
    }
    await tx.query(`UPDATE wcf.reserves SET status = 'confirmed', confirmed_at = $2 WHERE rework_id = $1 AND status = 'lifted'`, [reworkId, signed]);
    await tx.query(`UPDATE wcf.reworks SET status = 'confirmed' WHERE id = $1 AND status = 'lifted'`, [reworkId]);
    const order = await orderOf(tx, orderId);
    const warranties = await startWarranties(tx, { serviceOrderId: orderId, acceptedOn: localDate(signed, order.timezone), formId });
    const acceptedOn = warranties.map((w) => w.startsOn).sort()[0] ?? localDate(signed, order.timezone);
    await closeOrder(tx, outbox, order, { formId, signedAt: signed, acceptedOn, warranties }, link, survey);
    return { kind: 'complete', variables: { acceptedOn } };
  };
