import type { z } from 'zod';
import type { ESignature } from '../../shared/esign';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { lockForm } from './queries';
import type { checkValidationVariables } from './schema';

const lower = (email: string | null | undefined) => email?.trim().toLowerCase();

/**
 * wcf-check-validation: the store's validation is due. Adobe's audit trail says who completed
 * their part: when the customer and the technician have and the store has not, the store is late
 * (`storeOverdue`: the model escalates to the business unit); while the customer or the technician
 * has not signed, or once the form settled, nothing is escalated (Adobe reminds the signers).
 */
export function makeCheckValidation(deps: { esign: ESignature }) {
  return async ({ formId, agreementId }: z.infer<typeof checkValidationVariables>, { tx }: JobContext): Promise<JobOutcome> => {
    const form = await lockForm(tx, formId);
    if (form.kind !== 'closing' || form.status !== 'out-for-signature' || form.agreement_id !== agreementId) {
      return { kind: 'complete', variables: { storeOverdue: false } };
    }
    const {
      rows: [people],
    } = await tx.query<{ technician_email: string | null; store_email: string | null }>(
      `SELECT t.email AS technician_email, s.email AS store_email
         FROM wcf.requests r
         JOIN field.appointments a ON a.id = r.appointment_id
         JOIN dispatch.technicians t ON t.id = a.technician_id
         JOIN orders.service_orders o ON o.id = r.service_order_id
         JOIN org.stores s ON s.id = o.store_id
        WHERE r.service_order_id = $1`,
      [form.service_order_id],
    );
    const events = await deps.esign.agreementEvents(agreementId);
    const done = new Set(events.filter((e) => e.type === 'ACTION_COMPLETED').map((e) => lower(e.participantEmail ?? e.actorEmail)));
    const storeOverdue = done.has(lower(form.customer_email)) && done.has(lower(people?.technician_email)) && !done.has(lower(people?.store_email));
    return { kind: 'complete', variables: { storeOverdue } };
  };
}
