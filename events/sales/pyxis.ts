import { z } from 'zod';
import { uniqueKeys } from './unique-keys';

/** Pyxis (ES, FR) order message, schema version 3: `header` + `order`, camelCase, ISO-8601 UTC. */
const money = z.object({
  amount: z.string().regex(/^\d+(\.\d{1,2})?$/, 'must be a decimal string such as "1290.00"'),
  currency: z.string().length(3),
});

const address = z.object({
  street: z.string().min(1),
  postalCode: z.string().min(1),
  city: z.string().min(1),
  countryCode: z.string().length(2),
  geo: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).optional(),
});

export const pyxisOrderMessage = z.object({
  header: z.object({
    messageId: z.string().min(1),
    emittedAt: z.iso.datetime(),
    system: z.literal('PYXIS'),
    schemaVersion: z.number().int(),
    eventType: z.enum(['ORDER_CREATED', 'ORDER_UPDATED']),
  }),
  order: z.object({
    orderNumber: z.string().min(1),
    revision: z.number().int().positive(),
    status: z.string().min(1),
    storeCode: z.string().min(1),
    channel: z.enum(['IN_STORE', 'WEB', 'CALL_CENTER', 'PARTNER']),
    soldAt: z.iso.datetime(),
    sellerId: z.string().optional(),
    customer: z.object({
      customerId: z.string().min(1),
      firstName: z.string().min(1),
      lastName: z.string().min(1),
      phone: z.string().min(1).optional(),
      email: z.string().min(1).optional(),
      language: z.string().min(2).optional(),
      address,
    }),
    lines: z
      .array(
        z.object({
          lineNo: z.number().int().positive(),
          productCode: z.string().min(1),
          description: z.string().optional(),
          quantity: z.number().positive(),
          unitPrice: money,
        }),
      )
      .min(1)
      .superRefine(uniqueKeys('lineNo')),
    requestedWindow: z.object({ from: z.iso.date(), to: z.iso.date() }).optional(),
    notes: z.string().optional(),
  }),
});

export type PyxisOrderMessage = z.infer<typeof pyxisOrderMessage>;
