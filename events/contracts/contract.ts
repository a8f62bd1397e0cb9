import { z } from 'zod';
import { defineEvent } from '../define';

export const contractSignatureMethods = ['e-signature', 'paper'] as const;
export const contractClosures = ['not-approved', 'cancelled', 'recalled', 'order-cancelled'] as const;

export const contractSigned = defineEvent({
  topic: 'contracts.contract.signed',
  type: 'ahs.contracts.contract.signed',
  description:
    "The customer's pre-service contract of a service order is signed (by e-signature, or on paper when Adobe Sign was unavailable): the installation is no longer blocked by it. Final.",
  data: z.object({
    contractId: z.uuid(),
    serviceOrderId: z.uuid(),
    method: z.enum(contractSignatureMethods),
    /** The Adobe agreement, for an e-signature. */
    agreementId: z.string().min(1).nullable(),
    signedAt: z.iso.datetime({ offset: true }),
  }),
  partitionKey: (d) => d.serviceOrderId,
});

export const contractClosed = defineEvent({
  topic: 'contracts.contract.closed',
  type: 'ahs.contracts.contract.closed',
  description:
    "A service order's contract was given up unsigned: not approved by the store manager, cancelled by an operator after the customer declined or let it expire, recalled, or its order cancelled. The installation stays blocked. Final.",
  data: z.object({
    contractId: z.uuid(),
    serviceOrderId: z.uuid(),
    closure: z.enum(contractClosures),
    closedAt: z.iso.datetime({ offset: true }),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
