import { z } from 'zod';

const date = z.iso.date({ message: 'a date YYYY-MM-DD' });
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'a country code, e.g. ES');
const salesChannel = z.enum(['IN_STORE', 'ONLINE', 'PHONE', 'PARTNER']);
const serviceProductCode = z.string().min(1).max(100);

/**
 * A new rule: a percentage (-5 is 5 % off) and/or a per-unit amount in minor units of the
 * country's currency (negative a discount, positive a surcharge) on the list price of each line
 * of that product sold through that channel, from `validFrom` until `validTo` (exclusive; absent
 * or null: open-ended).
 */
export const ruleBody = z
  .object({
    countryCode,
    salesChannel,
    serviceProductCode,
    percentAdjustment: z
      .number()
      .min(-100)
      .max(100)
      .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-9, 'at most two decimals')
      .default(0),
    amountAdjustmentMinor: z.number().int().min(-100_000_000).max(100_000_000).default(0),
    validFrom: date,
    validTo: date.nullable().default(null),
    description: z.string().max(300).nullable().default(null),
  })
  .strict()
  .refine((b) => b.percentAdjustment !== 0 || b.amountAdjustmentMinor !== 0, {
    path: ['percentAdjustment'],
    message: 'a rule adjusts the price: percentAdjustment or amountAdjustmentMinor must not be 0',
  })
  .refine((b) => b.validTo === null || b.validTo > b.validFrom, { path: ['validTo'], message: 'validTo must be after validFrom' });
export type RuleBody = z.infer<typeof ruleBody>;

/** `/:id/close`: the rule. */
export const ruleParams = z.object({ id: z.uuid() });
export type RuleParams = z.infer<typeof ruleParams>;

/** The rule's last day is the day before `validTo`. */
export const closeBody = z.object({ validTo: date }).strict();
export type CloseBody = z.infer<typeof closeBody>;

/** `GET /?countryCode=ES&salesChannel=ONLINE&serviceProductCode=...&validOn=2026-11-28`. */
export const listQuery = z.object({
  countryCode: countryCode.optional(),
  salesChannel: salesChannel.optional(),
  serviceProductCode: serviceProductCode.optional(),
  validOn: date.optional(),
});
export type ListQuery = z.infer<typeof listQuery>;
