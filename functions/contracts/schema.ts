import { z } from 'zod';
import { bytesBody } from '../../shared/http/route';

export const orderParams = z.object({ orderId: z.uuid({ message: 'must be a service order id (UUID)' }) });

export const contractParams = z.object({ contractId: z.uuid({ message: 'must be a contract id (UUID)' }) });

export const documentParams = contractParams.extend({ documentId: z.uuid({ message: 'must be a document id (UUID)' }) });

/** Why the operator recalls the agreement: Adobe keeps it with the cancellation and tells the participants. */
export const recallBody = z.object({ comment: z.string().trim().min(1).max(1000) });
export type RecallBody = z.infer<typeof recallBody>;

/** The largest paper scan an operator may upload. */
export const PAPER_SCAN_MAX_BYTES = 10 * 1024 * 1024;

/** The scan of a contract signed on paper: the PDF's bytes. */
export const paperScanBody = bytesBody({ contentType: 'application/pdf', maxBytes: PAPER_SCAN_MAX_BYTES });
