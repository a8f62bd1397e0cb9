import { z } from 'zod';
import { defineEvent } from '../define';

export const notifyLocales = ['es', 'fr', 'it', 'pl'] as const;
export type NotifyLocale = (typeof notifyLocales)[number];

/**
 * A message to send. The recipient is named by reference only: the notify domain reads the
 * contact details (encrypted PII) from the orders domain, so no phone, email or name travels
 * in the event. Parameters fill the template; they carry no PII either.
 */
export const notifyMessageRequested = defineEvent({
  topic: 'notify.message.requested',
  type: 'ahs.notify.message.requested',
  description: "A domain asks for an SMS or email to be sent to a customer, from a template in the customer's locale.",
  data: z.object({
    requestId: z.uuid(),
    channel: z.enum(['sms', 'email']),
    recipient: z.object({
      kind: z.literal('customer'),
      customerId: z.uuid(),
      serviceOrderId: z.uuid(),
    }),
    /** e.g. `tv.adjustments-approval-requested`. */
    templateId: z.string().regex(/^[a-z]+(-[a-z]+)*(\.[a-z]+(-[a-z]+)*)+$/, 'a dotted kebab-case template id'),
    locale: z.enum(notifyLocales),
    parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    /**
     * A message for later (the appointment reminder, the day before): sent at `sendAt`, unless a
     * newer request with the same `collapseKey` replaces it first (the appointment moved) or
     * notify.scheduled-message.cancelled withdraws it (the appointment was cancelled).
     */
    schedule: z
      .object({
        sendAt: z.iso.datetime({ offset: true }),
        collapseKey: z.string().min(1).max(200),
      })
      .optional(),
  }),
  partitionKey: (d) => d.recipient.serviceOrderId,
});
