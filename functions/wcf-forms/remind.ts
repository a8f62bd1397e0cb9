import type { z } from 'zod';
import { informCustomer } from '../../shared/domain/messages';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { answerLink, type LinkSettings } from './links';
import { lockForm } from './queries';
import type { remindVariables } from './schema';

/**
 * wcf-remind: the customer has not answered the closing form yet: a reminder with a fresh link
 * (`wcf.answer-reminder`). A form answered meanwhile (the reminder's timer raced the answer): nothing.
 */
export function makeRemindCustomer(deps: { link: LinkSettings; clock: () => Date }) {
  return async ({ formId }: z.infer<typeof remindVariables>, { tx, outbox, logger }: JobContext): Promise<JobOutcome> => {
    const form = await lockForm(tx, formId);
    if (form.status !== 'awaiting-answer') {
      logger.info('closing form already answered: no reminder', { formId });
      return { kind: 'complete', variables: {} };
    }
    await informCustomer(outbox, {
      serviceOrderId: form.service_order_id,
      customerId: form.customer_id,
      hasEmail: form.has_email,
      countryCode: form.country_code,
      templateId: 'wcf.answer-reminder',
      parameters: { orderReference: form.sales_order_id, answerUrl: answerLink(deps.link, formId, form.service_order_id, deps.clock()) },
    });
    return { kind: 'complete', variables: {} };
  };
}
