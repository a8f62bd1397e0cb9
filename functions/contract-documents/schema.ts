import { z } from 'zod';

/** contract-draft: the variables the message start event gave the instance. */
export const draftVariables = z.object({ orderId: z.uuid() });

/** contract-archive: the contract and the agreement Adobe says is signed. */
export const archiveVariables = z.object({ contractId: z.uuid(), agreementId: z.string().min(1) });
