import { z } from 'zod';
import { defineEvent } from '../define';
import { notifyLocales } from './message';

/**
 * A message to send to a provider (its dispatch desk) or to one of its technicians — new offers,
 * confirmed assignments, jobs and appointments given to a technician. Recipients by reference
 * only: the notify domain reads the contact details. A separate type from the customer's
 * `notify.message.requested`, whose consumers only know customers.
 */
export const notifyPartnerMessageRequested = defineEvent({
  topic: 'notify.partner-message.requested',
  type: 'ahs.notify.partner-message.requested',
  description: "A domain asks for an SMS or email to a provider or one of its technicians, from a template in the country's locale.",
  data: z.object({
    requestId: z.uuid(),
    channel: z.enum(['sms', 'email']),
    recipient: z.object({
      kind: z.enum(['provider', 'technician']),
      providerId: z.uuid(),
      /** Set when the recipient is a technician. */
      technicianId: z.uuid().nullable(),
    }),
    serviceOrderId: z.uuid(),
    /** e.g. `dispatch.offer-received`. */
    templateId: z.string().regex(/^[a-z]+(-[a-z]+)*(\.[a-z]+(-[a-z]+)*)+$/, 'a dotted kebab-case template id'),
    locale: z.enum(notifyLocales),
    parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
