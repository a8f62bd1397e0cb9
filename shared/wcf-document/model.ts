import { z } from 'zod';
import { contractDocumentSchema, contractLanguages } from '../contracts-document/model';

const text = z.string().trim().min(1);
const instant = z.iso.datetime({ offset: true });
/** The contract's address (line1, line2?, postalCode, city, countryCode): one shape for both documents. */
const addressSchema = contractDocumentSchema.shape.store.shape.address;

const timeZoneSchema = text.refine(isTimeZone, 'an IANA time zone, e.g. Europe/Paris');

const lineSchema = z.object({ description: text, quantity: z.number().int().positive() });

/** One day on site, from the technician's check-in to check-out. */
const visitSchema = z
  .object({ checkedInAt: instant, checkedOutAt: instant })
  .refine((v) => Date.parse(v.checkedOutAt) > Date.parse(v.checkedInAt), { message: 'after checkedInAt', path: ['checkedOutAt'] });

const reserveSchema = z.object({
  /** Its number on the closing form (the lifting form lifts some of them); default: its position. */
  seq: z.number().int().positive().optional(),
  description: text,
  location: text,
  photoRefs: z.array(text),
});

/** A reserve of the closing form, lifted: when, and by which technician. */
const liftedReserveSchema = reserveSchema.extend({ liftedAt: instant, liftedBy: z.object({ name: text }) });

const answerSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('accepted') }),
  z.object({ outcome: z.literal('accepted-with-reserves'), reserves: z.array(reserveSchema).min(1) }),
  z.object({ outcome: z.literal('rejected'), reason: text }),
]);

const common = {
  formId: text,
  orderReference: text,
  /** The form's date (YYYY-MM-DD), shown in the customer's locale. */
  date: z.iso.date(),
  language: z.enum(contractLanguages),
  customer: z.object({ name: text, address: addressSchema }),
  store: z.object({ name: text, address: addressSchema }),
  provider: z.object({ name: text }),
  technician: z.object({ name: text }),
  /** The work done: the order's lines. */
  lines: z.array(lineSchema).min(1),
  /** The days on site (for the lifting form: the visits that lifted the reserves). */
  visits: z.array(visitSchema).min(1),
  /** The country's IANA time zone: visits and lifting times are shown in its local time. */
  timeZone: timeZoneSchema,
};

/**
 * Everything a Work Closing Form shows; the generator invents nothing. `closing`: the customer
 * accepts the work, with or without reserves, or rejects it; `lifting`: the shorter form on which
 * the customer confirms the reserves were lifted.
 */
export const wcfDocumentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('closing'), ...common, answer: answerSchema }),
  z.object({ kind: z.literal('lifting'), ...common, liftedReserves: z.array(liftedReserveSchema).min(1) }),
]);

export type WcfDocument = z.infer<typeof wcfDocumentSchema>;
export type WcfClosingDocument = Extract<WcfDocument, { kind: 'closing' }>;
export type WcfLiftingDocument = Extract<WcfDocument, { kind: 'lifting' }>;
export type WcfAnswer = z.infer<typeof answerSchema>;
export type WcfReserve = z.infer<typeof reserveSchema>;
export type WcfLiftedReserve = z.infer<typeof liftedReserveSchema>;
export type WcfVisit = z.infer<typeof visitSchema>;

/** A WCF model that cannot be rendered; `issues` names each bad field by its path. */
export class WcfDocumentInputError extends Error {
  override readonly name = 'WcfDocumentInputError';
  constructor(readonly issues: readonly string[]) {
    super(`invalid work closing form: ${issues.join('; ')}`);
  }
}

export function parseWcfDocument(input: unknown): WcfDocument {
  const parsed = wcfDocumentSchema.safeParse(input);
  if (!parsed.success) {
    throw new WcfDocumentInputError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return parsed.data;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
