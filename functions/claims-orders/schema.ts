import { z } from 'zod';

/** claim-dispatch-expert, claim-order-repair: the claim (its order and decision are read from it). */
export const claimVariables = z.object({ claimId: z.uuid() });
