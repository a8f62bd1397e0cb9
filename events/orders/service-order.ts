import { z } from 'zod';
import { defineEvent } from '../define';

/**
 * The service order as other domains see it. Carries no customer PII: consumers that
 * need contact details read them through the orders domain, which keeps them encrypted.
 * `revision` is the sale revision the snapshot reflects. An order's created and updated events
 * travel on two topics, so they reach a consumer in any order: the highest revision is the
 * order's latest state, and an event with a lower one than already seen is stale.
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
      /** Channel pricing (absent from events of before it): unit price x quantity, the rule's adjustment, their sum. */
      listPriceMinor: z.number().int().optional(),
      channelAdjustmentMinor: z.number().int().optional(),
      totalMinor: z.number().int().optional(),
      /** The org.channel_pricing_rules row applied; null when none was valid for the channel on the sale's date. */
      pricingRuleId: z.uuid().nullable().optional(),
    }),
  ),
  /** The order's list price, channel adjustment and total: the sums of its lines, when they share one currency. */
  price: z
    .object({
      currency: z.string().length(3),
      listPriceMinor: z.number().int(),
      channelAdjustmentMinor: z.number().int(),
      totalMinor: z.number().int(),
    })
    .optional(),
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
  description:
    'A service order was created from a sale, by the first of its revisions to arrive (which may be a later one than 1). Once per order. Its updates travel on orders.service-order.updated, with no order between the two topics: consumers keep the highest revision.',
  data: serviceOrderSnapshot,
  partitionKey: (d) => d.serviceOrderId,
});

export const serviceOrderUpdated = defineEvent({
  topic: 'orders.service-order.updated',
  type: 'ahs.orders.service-order.updated',
  description:
    "A service order changed: a newer sale revision was applied, or it was cancelled. previousRevision: the revision it replaced. It may reach a consumer before the order's orders.service-order.created (another topic): consumers keep the highest revision.",
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

export const serviceOrderClosed = defineEvent({
  topic: 'orders.service-order.closed',
  type: 'ahs.orders.service-order.closed',
  description:
    'The customer accepted the work on the Work Closing Form (without reserves, or once the reserves were lifted): the order is closed and its legal warranties run from the acceptance date. Final.',
  data: z.object({
    serviceOrderId: z.uuid(),
    /** The signed form that closed it (the closing form, or the last lifting form). */
    formId: z.uuid(),
    /** The acceptance date the warranties run from (YYYY-MM-DD, the country's calendar). */
    acceptedOn: z.iso.date(),
    closedAt: z.iso.datetime({ offset: true }),
    warranties: z.array(z.object({ code: z.string(), endsOn: z.iso.date() })),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
