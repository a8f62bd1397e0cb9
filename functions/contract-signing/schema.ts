import { z } from 'zod';
import { contractClosures } from '../../events';

const contract = z.object({ contractId: z.uuid(), orderId: z.uuid() });

/** contract-send: the drafted (approved) contract to send, or to send again after a decline or expiry. */
export const sendVariables = contract;

/** contract-remind: the reminder the model asks for — while awaiting the signature, or once it expired. */
export const remindVariables = contract.extend({ reminder: z.enum(['awaiting-signature', 'expired']) });

/**
 * contract-record-paper: the scan the operator uploaded (functions/contracts) and named when
 * completing their task — as typed by a person, so anything; the handler checks it.
 */
export const recordPaperVariables = contract.extend({ paperScanDocumentId: z.string().optional().nullable() });

/** contract-release: the signed contract whose order's installation is released. */
export const releaseVariables = contract;

/** contract-close: why the contract is given up (the model sets it per path). */
export const closeVariables = z.object({ contractId: z.uuid().optional().nullable(), orderId: z.uuid(), closure: z.enum(contractClosures) });
