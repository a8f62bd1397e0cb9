import { z } from 'zod';
import { installationCancelReasons } from '../../events';

export const unblockVariables = z.object({ orderId: z.uuid(), visitId: z.uuid() });

export const cancelVariables = unblockVariables.extend({ reason: z.enum(installationCancelReasons) });
