import { z } from 'zod';
import { defineEvent } from '../define';

export const punctualities = ['early', 'on-time', 'late'] as const;
export type Punctuality = (typeof punctualities)[number];

/** Which visit: the appointment, its order, and who worked it. */
const visitOf = z.object({
  appointmentId: z.uuid(),
  serviceOrderId: z.uuid(),
  providerId: z.uuid(),
  technicianId: z.uuid(),
});

export const fieldVisitCheckedIn = defineEvent({
  topic: 'field.visit.checked-in',
  type: 'ahs.field.visit.checked-in',
  description:
    "The technician checked in on site: distance to the customer's address and whether it is within the geofence tolerance (null when the address has no coordinates), and punctuality against the booked slot. No coordinates travel in the event.",
  data: visitOf.extend({
    /** The time the app reported (device time when it checked in offline). */
    checkedInAt: z.iso.datetime(),
    /** When the server received the check-in. */
    receivedAt: z.iso.datetime(),
    distanceM: z.number().int().nonnegative().nullable(),
    withinGeofence: z.boolean().nullable(),
    /** The tolerance applied (base tolerance plus the reported GPS accuracy, capped). */
    toleranceM: z.number().int().nonnegative(),
    punctuality: z.enum(punctualities),
    /** Minutes from the slot's start: negative early, positive late. */
    minutesOff: z.number().int(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});

export const fieldVisitCheckedOut = defineEvent({
  topic: 'field.visit.checked-out',
  type: 'ahs.field.visit.checked-out',
  description:
    "The technician checked out: materials used, photo references and the fact (size, SHA-256) of the customer's canvas signature. The signature image and the work summary stay in the field domain.",
  data: visitOf.extend({
    checkedInAt: z.iso.datetime(),
    checkedOutAt: z.iso.datetime(),
    receivedAt: z.iso.datetime(),
    materials: z.array(
      z.object({
        code: z.string(),
        description: z.string().nullable(),
        quantity: z.number(),
        unit: z.string(),
      }),
    ),
    photoRefs: z.array(z.string()),
    signature: z.object({
      bytes: z.number().int().positive(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  }),
  partitionKey: (d) => d.serviceOrderId,
});

export const fieldWorkCompleted = defineEvent({
  topic: 'field.work.completed',
  type: 'ahs.field.work.completed',
  description:
    "The technician marked the order's work complete at a check-out (a multi-day job: at its last day's check-out): the customer is asked to accept the work on the Work Closing Form.",
  data: visitOf.extend({
    completedAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
