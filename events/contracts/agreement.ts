import { z } from 'zod';
import { defineEvent } from '../define';

/** What every final outcome of an agreement says: which agreement, for what, and when it was seen. */
const agreementOutcome = z.object({
  agreementId: z.string().min(1),
  /** The key the agreement was created with (the contract id). */
  contractKey: z.string().min(1),
  serviceOrderId: z.uuid().nullable(),
  /** When Adobe's notification says it happened. */
  occurredAt: z.iso.datetime({ offset: true }),
});

export const agreementSigned = defineEvent({
  topic: 'contracts.agreement.signed',
  type: 'ahs.contracts.agreement.signed',
  description: 'Every participant signed the agreement (Adobe status SIGNED or APPROVED, read back from Adobe before this was emitted). Final.',
  data: agreementOutcome,
  partitionKey: (d) => d.contractKey,
});

export const agreementDeclined = defineEvent({
  topic: 'contracts.agreement.declined',
  type: 'ahs.contracts.agreement.declined',
  description: 'A participant declined to sign the agreement (Adobe AGREEMENT_REJECTED, the agreement read back CANCELLED). Final.',
  data: agreementOutcome,
  partitionKey: (d) => d.contractKey,
});

export const agreementExpired = defineEvent({
  topic: 'contracts.agreement.expired',
  type: 'ahs.contracts.agreement.expired',
  description: 'The agreement passed its expiry unsigned (Adobe status EXPIRED, read back from Adobe). Final.',
  data: agreementOutcome,
  partitionKey: (d) => d.contractKey,
});
