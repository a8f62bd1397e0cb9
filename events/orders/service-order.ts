import { z } from 'zod';
import { defineEvent } from '../define';

/**
 * The service order as other domains see it. Carries no customer PII: consumers that
 * need contact details read them through the orders domain, which keeps them encrypted.
 */
export const serviceOrderSnapshot = z.object({
  serviceOrderId: z.uuid(),
  salesSystem: z.enum(['PYXIS', 'TEMPO']),
  salesOrderId: z.string(),
  salesChannel: z.enum(['IN_STORE', 'ONLINE', 'PHONE', 'PARTNER']),
  revision: z.number().int().positive(),
  status: z.enum(['CREATED', 'CANCELLED']),
  countryCode: z.string().length(2),
  businessUnitCode: z.string(),
  storeCode: z.string(),
  customerId: z.uuid(),
  postalCode: z.string(),
  lines: z.array(
    z.object({
      lineNo: z.number().int(),
      serviceProductCode: z.string(),
      salesProductCode: z.string(),
      quantity: z.number(),
      unitPriceMinor: z.number().int(),
      currency: z.string().length(3),
    }),
  ),
  skills: z.array(z.string()),
  technicalVisitRequired: z.boolean(),
  requestedWindow: z.object({ from: z.iso.date(), to: z.iso.date() }).nullable(),
  contactDeadline: z.iso.datetime(),
  linkedServiceOrderIds: z.array(z.uuid()),
});

export type ServiceOrderSnapshot = z.infer<typeof serviceOrderSnapshot>;

export const serviceOrderCreated = defineEvent({
  topic: 'orders.service-order.created',
  type: 'ahs.orders.service-order.created',
  description: 'A service order was created from a sale.',
  data: serviceOrderSnapshot,
  partitionKey: (d) => d.serviceOrderId,
});

export const serviceOrderUpdated = defineEvent({
  topic: 'orders.service-order.updated',
  type: 'ahs.orders.service-order.updated',
  description: 'A service order changed: a newer sale revision was applied, or it was cancelled.',
  data: serviceOrderSnapshot.extend({ previousRevision: z.number().int().positive() }),
  partitionKey: (d) => d.serviceOrderId,
});

export const serviceOrderLinked = defineEvent({
  topic: 'orders.service-order.linked',
  type: 'ahs.orders.service-order.linked',
  description: 'Two service orders were found to belong to the same customer at the same address.',
  data: z.object({
    serviceOrderId: z.uuid(),
    linkedServiceOrderId: z.uuid(),
    reason: z.enum(['same-contact-same-address', 'same-name-same-address']),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
