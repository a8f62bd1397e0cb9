import { z } from 'zod';

export const findVariables = z.object({ orderId: z.uuid() });

export const offerVariables = z.object({ orderId: z.uuid(), dispatchId: z.uuid() });

export const expireVariables = z.object({ orderId: z.uuid(), dispatchId: z.uuid() });

export const answerVariables = z.object({ orderId: z.uuid(), dispatchId: z.uuid(), offerId: z.uuid() });

export const manualVariables = z.object({ orderId: z.uuid(), dispatchId: z.uuid().optional(), providerId: z.uuid() });

export const cancelVariables = z.object({ orderId: z.uuid() });

/** No closure: a step found the order cancelled (BPMN error ORDER_NOT_ACTIVE), no message said so. */
export const closeVariables = z.object({ orderId: z.uuid(), closure: z.enum(['cancelled', 'worked']).default('cancelled') });
