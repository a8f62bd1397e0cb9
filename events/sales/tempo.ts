import { z } from 'zod';
import { uniqueKeys } from './unique-keys';

/** Tempo (IT, PL) sale message: flat `event_*` + `sale`, snake_case, money in minor units. */
export const tempoSaleMessage = z.object({
  event_id: z.string().min(1),
  event_time: z.number().int().positive(),
  event_kind: z.enum(['sale.created', 'sale.updated']),
  source: z.literal('tempo'),
  sale: z.object({
    sale_ref: z.string().min(1),
    version: z.number().int().positive(),
    state: z.string().min(1),
    shop: z.string().min(1),
    sales_channel: z.enum(['STORE', 'ONLINE', 'PHONE', 'B2B_PARTNER']),
    sold_on: z.iso.date(),
    buyer: z.object({
      ref: z.string().min(1),
      name: z.string().min(1),
      mobile: z.string().min(1).optional(),
      mail: z.string().min(1).optional(),
      lang: z.string().min(2).optional(),
      street: z.string().min(1),
      zip: z.string().min(1),
      town: z.string().min(1),
      country_iso: z.string().length(2),
    }),
    items: z
      .array(
        z.object({
          row: z.number().int().positive(),
          sku: z.string().min(1),
          label: z.string().optional(),
          qty: z.number().positive(),
          price_cents: z.number().int().nonnegative(),
          currency: z.string().length(3),
        }),
      )
      .min(1)
      .superRefine(uniqueKeys('row')),
    wished_date: z.iso.date().optional(),
  }),
});

export type TempoSaleMessage = z.infer<typeof tempoSaleMessage>;
