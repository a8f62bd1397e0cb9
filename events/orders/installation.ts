import { z } from 'zod';
import { defineEvent } from '../define';

/** Why a technical visit cancelled an installation (the BPMN model sets it). */
export const installationCancelReasons = ['tv-negative', 'adjustments-refused', 'adjustments-unanswered'] as const;
export type InstallationCancelReason = (typeof installationCancelReasons)[number];

export const installationUnblocked = defineEvent({
  topic: 'orders.installation.unblocked',
  type: 'ahs.orders.installation.unblocked',
  description:
    "The technical visit is resolved: the installation of the service order may be scheduled. Final (an unblocked installation is never blocked or cancelled again), so it carries no revision; it may reach a consumer before the order's orders.service-order.* events, which travel on other topics.",
  data: z.object({
    serviceOrderId: z.uuid(),
    visitId: z.uuid(),
    unblockedAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});

export const installationCancelled = defineEvent({
  topic: 'orders.installation.cancelled',
  type: 'ahs.orders.installation.cancelled',
  description: 'The technical visit cancelled the installation of the service order (negative visit, adjustments refused or unanswered).',
  data: z.object({
    serviceOrderId: z.uuid(),
    visitId: z.uuid(),
    reason: z.enum(installationCancelReasons),
    cancelledAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});

export const refundRequested = defineEvent({
  topic: 'orders.refund.requested',
  type: 'ahs.orders.refund.requested',
  description:
    'A refund or credit of what the customer paid for a service order is requested from the sales side (which decides between refund and credit note). amounts: the order total per currency.',
  data: z.object({
    refundRequestId: z.uuid(),
    serviceOrderId: z.uuid(),
    customerId: z.uuid(),
    salesSystem: z.enum(['PYXIS', 'TEMPO']),
    salesOrderId: z.string(),
    reason: z.enum(installationCancelReasons),
    amounts: z.array(z.object({ amountMinor: z.number().int().nonnegative(), currency: z.string().length(3) })),
    requestedAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
