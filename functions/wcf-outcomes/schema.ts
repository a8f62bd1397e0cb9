import { z } from 'zod';

const order = z.object({ orderId: z.uuid(), formId: z.uuid() });
const reworkItem = z.object({ description: z.string().trim().min(1).max(2000), location: z.string().trim().min(1).max(300) });

/** wcf-accept: the signed closing form and the customer's answer on it (the model routes a rejection elsewhere). */
export const acceptVariables = order.extend({ answer: z.enum(['accepted', 'accepted-with-reserves']) });

/** wcf-record-findings: what the operator's investigation of a rejection found to redo (investigate-wcf-rejection). */
export const recordFindingsVariables = order.extend({ reworkItems: z.array(reworkItem).min(1).max(50) });

/** wcf-request-rework: the order (its closing form's open reserves go to a new round). */
export const requestReworkVariables = order;

/**
 * wcf-extend-rework: the round, the days the operator added (overdue-reserves) and the deadline
 * the job saw (the output of wcf-request-rework or of the last extension).
 */
export const extendReworkVariables = z.object({
  reworkId: z.uuid(),
  extensionDays: z.number().int().min(1).max(180),
  reworkDeadline: z.iso.datetime({ offset: true }),
});

/** wcf-open-dispute: the form in question and the operator's note, its reason (checked by the handler: an incident when missing). */
export const openDisputeVariables = order.extend({ note: z.string().max(2000).optional().nullable() });

/** wcf-close: the signed lifting form (formId, after wcf-open-lifting) of the round whose reserves were lifted. */
export const closeVariables = order.extend({ reworkId: z.uuid() });
