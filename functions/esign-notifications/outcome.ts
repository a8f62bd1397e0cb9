/**
 * Our agreement status (contracts.agreements.status): it only moves forward, from
 * OUT_FOR_SIGNATURE to one final status, never from one final status to another.
 */
export type FinalStatus = 'SIGNED' | 'DECLINED' | 'EXPIRED' | 'RECALLED';

/** Adobe's events that may end an agreement: the agreement is read back before one is acted on. */
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set(['AGREEMENT_WORKFLOW_COMPLETED', 'AGREEMENT_REJECTED', 'AGREEMENT_EXPIRED', 'AGREEMENT_RECALLED']);

/** Adobe's statuses of an agreement that every participant completed. */
const COMPLETED: ReadonlySet<string> = new Set(['SIGNED', 'APPROVED', 'ACCEPTED', 'FORM_FILLED', 'DELIVERED']);

/**
 * The final status that Adobe's current status of the agreement (read back, not the
 * notification's) gives, or undefined while it is not final. CANCELLED does not say why: the
 * notification does (a participant's AGREEMENT_REJECTED, the sender's AGREEMENT_RECALLED); any
 * other notification waits for the one that says it.
 */
export function finalStatus(adobeStatus: string, event: string): FinalStatus | undefined {
  if (COMPLETED.has(adobeStatus)) return 'SIGNED';
  if (adobeStatus === 'EXPIRED') return 'EXPIRED';
  if (adobeStatus === 'CANCELLED' && event === 'AGREEMENT_REJECTED') return 'DECLINED';
  if (adobeStatus === 'CANCELLED' && event === 'AGREEMENT_RECALLED') return 'RECALLED';
  return undefined;
}
