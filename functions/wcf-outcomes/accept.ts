import type { z } from 'zod';
import { PermanentError } from '../../shared/errors';
import { startWarranties } from '../../shared/domain/warranties';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { closeOrder, tellCustomer, type ClaimLinkSettings, type SurveyLinkSettings } from './closing';
import { localDate } from '../../shared/domain/locale';
import { lockForm, orderOf, signedAt } from './queries';
import type { acceptVariables } from './schema';

/**
 * wcf-accept: the customer signed the closing form accepting the work. The order's warranties
 * start on the signature date in the country's calendar. Accepted without reserves: the order is
 * closed (announced once, the customer told, closing.ts). With reserves: the customer is told
 * their reserves are recorded (once: by the run that started the warranties); the re-work follows.
 */
export const makeAcceptWork =
  (link?: ClaimLinkSettings, survey?: SurveyLinkSettings) =>
  async ({ orderId, formId, answer }: z.infer<typeof acceptVariables>, { tx, outbox }: JobContext): Promise<JobOutcome> => {
    const form = await lockForm(tx, formId, orderId, 'closing');
    const signed = signedAt(form);
    if (form.answer !== answer) throw new PermanentError(`WCF form ${formId} was answered ${form.answer ?? 'nothing'}, not ${answer}`, 'answer-mismatch');
    const order = await orderOf(tx, orderId);
    const acceptedOn = localDate(signed, order.timezone);
    const {
      rows: [before],
    } = await tx.query<{ started: boolean }>('SELECT EXISTS (SELECT 1 FROM wcf.warranties WHERE service_order_id = $1) AS started', [orderId]);
    const warranties = await startWarranties(tx, { serviceOrderId: orderId, acceptedOn, formId });
    if (answer === 'accepted') {
      await closeOrder(tx, outbox, order, { formId, signedAt: signed, acceptedOn, warranties }, link, survey);
    } else if (!before?.started) {
      const {
        rows: [reserves],
      } = await tx.query<{ count: number }>('SELECT COUNT(*)::int AS count FROM wcf.reserves WHERE form_id = $1', [formId]);
      await tellCustomer(outbox, order, 'wcf.reserves-recorded', { orderReference: order.sales_order_id, reserveCount: reserves?.count ?? 0 });
    }
    return { kind: 'complete', variables: { acceptedOn } };
  };
