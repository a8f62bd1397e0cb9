import { z } from 'zod';

/** The variables each job reads (and nothing else): what the model gives it. */
export const openVariables = z.object({ orderId: z.uuid() });
export const remindVariables = z.object({ formId: z.uuid() });
export const sendVariables = z.object({ formId: z.uuid() });
export const archiveVariables = z.object({ formId: z.uuid(), agreementId: z.string().min(1) });
export const checkValidationVariables = z.object({ formId: z.uuid(), agreementId: z.string().min(1) });
export const openLiftingVariables = z.object({ orderId: z.uuid(), reworkId: z.uuid() });
