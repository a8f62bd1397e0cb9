import { z } from 'zod';
import { defineEvent } from '../define';

export const assignmentSources = ['offer', 'auto-accept', 'manual'] as const;

export const assignmentConfirmed = defineEvent({
  topic: 'dispatch.assignment.confirmed',
  type: 'ahs.dispatch.assignment.confirmed',
  description:
    'A provider is assigned to a service order: it accepted an offer, the auto-accept policy accepted it, or an operator dispatched by hand. The provider learns of it from this event.',
  data: z.object({
    assignmentId: z.uuid(),
    serviceOrderId: z.uuid(),
    providerId: z.uuid(),
    source: z.enum(assignmentSources),
    offerId: z.uuid().nullable(),
    dispatchId: z.uuid().nullable(),
    confirmedAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});

export const assignmentCancelled = defineEvent({
  topic: 'dispatch.assignment.cancelled',
  type: 'ahs.dispatch.assignment.cancelled',
  description: 'An assignment was cancelled (e.g. the provider withdrew); the funnel looks for another provider without it.',
  data: z.object({
    assignmentId: z.uuid(),
    serviceOrderId: z.uuid(),
    providerId: z.uuid(),
    /** A reason code, e.g. `provider-withdrew`. */
    reason: z.string().min(1).max(50),
    cancelledAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});

export const assignmentCompleted = defineEvent({
  topic: 'dispatch.assignment.completed',
  type: 'ahs.dispatch.assignment.completed',
  description: 'The assigned provider worked the order (its technician checked out): the assignment is settled and can no longer be withdrawn.',
  data: z.object({
    assignmentId: z.uuid(),
    serviceOrderId: z.uuid(),
    providerId: z.uuid(),
    completedAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
