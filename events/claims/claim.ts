import { z } from 'zod';
import { defineEvent } from '../define';

/**
 * A claim's final decision (bpmn/claim.bpmn), once per claim: a repair order at no charge to the
 * customer (repairOrderId, dispatched as any order), a refund through the approval chain
 * (amountMinor in the currency's minor units; finance pays it on the sale's side) or a rejection.
 * Carries no customer PII: the claim and order ids lead to the rest through their domains.
 */
export const claimDecided = defineEvent({
  topic: 'claims.claim.decided',
  type: 'ahs.claims.claim.decided',
  description:
    "A claim on a closed service order was decided: repair (a repair order was created, at no charge), refund (amount approved through the country's chain) or reject. Once per claim.",
  data: z.object({
    claimId: z.uuid(),
    serviceOrderId: z.uuid(),
    decision: z.enum(['repair', 'refund', 'reject']),
    /** covered: under the order's warranty (warrantyCode); else goodwill or billable. */
    handling: z.enum(['warranty', 'goodwill', 'billable']).nullable(),
    warrantyCode: z.string().nullable(),
    refund: z.object({ amountMinor: z.number().int().positive(), currency: z.string().length(3) }).nullable(),
    repairOrderId: z.uuid().nullable(),
    /** Who approved a refund, by level (the deciding operator's own decision is the operator level). */
    approvals: z.array(z.object({ level: z.enum(['operator', 'bu-manager', 'country-director']), decidedBy: z.string() })),
    decidedAt: z.iso.datetime({ offset: true }),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
