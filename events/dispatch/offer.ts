import { z } from 'zod';
import { defineEvent } from '../define';

/**
 * Offers of a service order to a provider (the dispatch funnel, bpmn/assignment.bpmn). Keyed by
 * the service order, so one order's events of one topic stay in order; its offers' and
 * assignments' events on different topics (created, accepted, withdrawn...) have no order
 * between them: a consumer of several goes by the offer's state, not by arrival. No PII: providers
 * and people are named by id or token subject only.
 */
export const offerCreated = defineEvent({
  topic: 'dispatch.offer.created',
  type: 'ahs.dispatch.offer.created',
  description: 'A service order was offered to a provider, with the ranking score that chose it and the deadline to answer.',
  data: z.object({
    offerId: z.uuid(),
    dispatchId: z.uuid(),
    serviceOrderId: z.uuid(),
    providerId: z.uuid(),
    rank: z.number().int().positive(),
    score: z.number(),
    expiresAt: z.iso.datetime(),
    /** True when the policy of the order's country / business unit accepts the offer at once. */
    autoAccepted: z.boolean(),
    createdAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});

/** An answer to an offer, whoever records it (the provider's app, the auto-accept policy, the funnel). */
const offerAnswer = z.object({
  offerId: z.uuid(),
  serviceOrderId: z.uuid(),
  providerId: z.uuid(),
  /** The token subject of who answered, or `auto-accept` / `workflow` when no person did. */
  answeredBy: z.string().min(1),
  at: z.iso.datetime(),
  /** A reason code (declines), never free text. */
  reason: z.string().max(50).optional(),
});

export const offerAccepted = defineEvent({
  topic: 'dispatch.offer.accepted',
  type: 'ahs.dispatch.offer.accepted',
  description: 'A provider accepted an offer (or the auto-accept policy did for it).',
  data: offerAnswer,
  partitionKey: (d) => d.serviceOrderId,
});

export const offerDeclined = defineEvent({
  topic: 'dispatch.offer.declined',
  type: 'ahs.dispatch.offer.declined',
  description: 'A provider declined an offer, with a reason code.',
  data: offerAnswer,
  partitionKey: (d) => d.serviceOrderId,
});

export const offerExpired = defineEvent({
  topic: 'dispatch.offer.expired',
  type: 'ahs.dispatch.offer.expired',
  description: 'An offer reached its deadline unanswered; the provider is not offered this order again in the same run.',
  data: z.object({
    offerId: z.uuid(),
    serviceOrderId: z.uuid(),
    providerId: z.uuid(),
    expiredAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});

export const offerWithdrawn = defineEvent({
  topic: 'dispatch.offer.withdrawn',
  type: 'ahs.dispatch.offer.withdrawn',
  description:
    'An open offer was taken back before the provider answered: another provider got the order (superseded) or the order was cancelled. The provider app drops it.',
  data: z.object({
    offerId: z.uuid(),
    serviceOrderId: z.uuid(),
    providerId: z.uuid(),
    reason: z.enum(['superseded', 'order-cancelled']),
    withdrawnAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
