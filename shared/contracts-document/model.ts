import { z } from 'zod';

const text = z.string().trim().min(1);
const minor = z.number().int();

export const contractLanguages = ['es', 'fr', 'it', 'pl'] as const;
export type ContractLanguage = (typeof contractLanguages)[number];

const addressSchema = z.object({
  line1: text,
  line2: text.optional(),
  postalCode: text,
  city: text,
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code, e.g. ES'),
});

const amountsSchema = z.object({
  /** Unit list price x quantity, in minor units of the contract's currency. */
  listPriceMinor: minor,
  /** The channel's adjustment (negative: a discount, positive: a fee). */
  channelAdjustmentMinor: minor,
  totalMinor: minor.nonnegative(),
});

const lineSchema = amountsSchema.extend({
  description: text,
  quantity: z.number().int().positive(),
});

const tvAdjustmentsSchema = z.object({
  lines: z.array(z.object({ change: z.enum(['add', 'remove']), description: text })),
  extraCostMinor: minor.nonnegative(),
});

/** Everything the customer's pre-service contract shows; the generator invents nothing. */
export const contractDocumentSchema = z.object({
  contractId: text,
  orderReference: text,
  /** The contract's date (YYYY-MM-DD), shown in the customer's locale. */
  date: z.iso.date(),
  salesChannel: z.enum(['IN_STORE', 'ONLINE', 'PHONE', 'PARTNER']),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code, e.g. EUR'),
  store: z.object({ name: text, address: addressSchema }),
  customer: z.object({ name: text, address: addressSchema, language: z.enum(contractLanguages) }),
  lines: z.array(lineSchema).min(1),
  order: amountsSchema,
  /** The adjustments accepted after a YES_BUT technical visit, when there were any. */
  tvAdjustments: tvAdjustmentsSchema.optional(),
});

export type ContractDocument = z.infer<typeof contractDocumentSchema>;
export type ContractLine = z.infer<typeof lineSchema>;
export type Address = z.infer<typeof addressSchema>;

/** A contract model that cannot be rendered; `issues` names each bad field by its path. */
export class ContractDocumentInputError extends Error {
  override readonly name = 'ContractDocumentInputError';
  constructor(readonly issues: readonly string[]) {
    super(`invalid contract document: ${issues.join('; ')}`);
  }
}

export function parseContractDocument(input: unknown): ContractDocument {
  const parsed = contractDocumentSchema.safeParse(input);
  if (!parsed.success) {
    throw new ContractDocumentInputError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return parsed.data;
}
