import type { z } from 'zod';
import { informCustomer } from '../../shared/domain/messages';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { lockContract } from './queries';
import type { remindVariables } from './schema';

const TEMPLATES = { 'awaiting-signature': 'contract.signature-reminder', expired: 'contract.expired' } as const;

/**
 * contract-remind: tells the customer, in their channel (email, else SMS), that their contract
 * awaits their signature (the reminder timer, while it is still out for signature) or that it
 * expired (an operator will call them). A timer that fires after the contract settled sends nothing.
 */
export async function remindCustomer({ contractId, reminder }: z.infer<typeof remindVariables>, { tx, outbox }: JobContext): Promise<JobOutcome> {
  const contract = await lockContract(tx, contractId);
  if (reminder === 'awaiting-signature' && contract.status !== 'out-for-signature') return { kind: 'complete', variables: {} };
  await informCustomer(outbox, {
    serviceOrderId: contract.service_order_id,
    customerId: contract.customer_id,
    hasEmail: contract.customer_email !== null,
    countryCode: contract.country_code,
    templateId: TEMPLATES[reminder],
    parameters: { orderReference: contract.sales_order_id },
  });
  return { kind: 'complete', variables: {} };
}
